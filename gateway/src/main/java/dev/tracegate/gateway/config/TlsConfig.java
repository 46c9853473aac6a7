package dev.tracegate.gateway.config;

/**
 * The certificate clients see. When {@code keystore} is absent the gateway generates a
 * self-signed one on first start and keeps it under the data directory.
 *
 * @param keystore PKCS#12 file with the gateway's key and certificate chain
 * @param password keystore password, by reference
 */
public record TlsConfig(String keystore, SecretReference password) {

    public TlsConfig {
        if (keystore != null && password == null) {
            throw new ConfigException("tls.password is required when tls.keystore is set");
        }
    }
}
