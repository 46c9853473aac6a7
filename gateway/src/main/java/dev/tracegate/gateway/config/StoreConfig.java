package dev.tracegate.gateway.config;

/**
 * Where sessions and the evidence log are kept.
 *
 * @param type     {@code h2} (embedded file, the default) or {@code postgresql}
 * @param path     h2: database file path without extension; defaults to {@code <dataDir>/store/tracegate}
 * @param url      postgresql: JDBC URL
 * @param username postgresql: user
 * @param password postgresql: password, by reference
 */
public record StoreConfig(String type, String path, String url, String username, SecretReference password) {

    public StoreConfig {
        type = type == null ? "h2" : type;
        if (!type.equals("h2") && !type.equals("postgresql")) {
            throw new ConfigException("store.type must be h2 or postgresql, got '" + type + "'");
        }
        if (type.equals("postgresql") && (url == null || url.isBlank())) {
            throw new ConfigException("store.url is required for a postgresql store");
        }
    }

    public boolean embedded() {
        return type.equals("h2");
    }
}
