package dev.tracegate.gateway.config;

import java.util.Locale;

/**
 * The credential the gateway presents to an HTTP target in place of the caller's. The caller's
 * own {@code Authorization} header never reaches the target.
 *
 * @param type     {@code bearer} ({@code Authorization: Bearer <secret>}), {@code basic}
 *                 ({@code username} and the secret as password), {@code header} (the secret as
 *                 the value of {@code header}) or {@code mtls} (the client certificate in
 *                 {@code keystore}, whose password is the secret)
 * @param header   the header name, for {@code header}, e.g. {@code X-Api-Key}
 * @param username for {@code basic}
 * @param secret   the held credential, by reference
 * @param keystore for {@code mtls}: a PKCS#12 file with the client key and certificate chain
 */
public record HttpCredentialConfig(String type, String header, String username, SecretReference secret,
                                   String keystore) {

    public HttpCredentialConfig(String type, String header, String username, SecretReference secret) {
        this(type, header, username, secret, null);
    }

    public HttpCredentialConfig {
        type = type == null ? "bearer" : type.toLowerCase(Locale.ROOT);
        if (secret == null) {
            throw new ConfigException("an HTTP credential needs a secret (env:NAME or file:/path)");
        }
        switch (type) {
            case "bearer" -> { }
            case "mtls" -> ConnectionConfig.require(keystore, "credential.keystore (mtls)");
            case "basic" -> ConnectionConfig.require(username, "credential.username (basic)");
            case "header" -> {
                ConnectionConfig.require(header, "credential.header");
                if (header.equalsIgnoreCase("host") || header.equalsIgnoreCase("content-length")) {
                    throw new ConfigException("credential.header cannot be " + header);
                }
            }
            default -> throw new ConfigException("credential.type must be bearer, basic, header or mtls, got " + type);
        }
    }
}
