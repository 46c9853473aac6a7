package dev.tracegate.gateway.config;

/**
 * The certificate clients see. When {@code keystore} is absent the gateway generates a
 * self-signed one on first start and keeps it under the data directory.
 *
 * @param keystore PKCS#12 file with the gateway's key and certificate chain
 * @param password keystore password, by reference
 * @param engine   which TLS implementation terminates database clients ({@link TlsEngine}; default auto)
 */
public record TlsConfig(String keystore, SecretReference password, TlsEngine engine) {

    public TlsConfig(String keystore, SecretReference password) {
        this(keystore, password, null);
    }

    public TlsConfig {
        engine = engine == null ? TlsEngine.AUTO : engine;
        if (keystore != null && password == null) {
            throw new ConfigException("tls.password is required when tls.keystore is set");
        }
    }
}
