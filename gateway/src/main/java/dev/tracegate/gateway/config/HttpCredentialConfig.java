package dev.tracegate.gateway.config;

import java.util.Locale;

/**
 * The credential the gateway presents to an HTTP target in place of the caller's. The caller's
 * own {@code Authorization} header never reaches the target.
 *
 * @param type     {@code bearer} ({@code Authorization: Bearer <secret>}), {@code basic}
 *                 ({@code username} and the secret as password) or {@code header} (the secret as
 *                 the value of {@code header})
 * @param header   the header name, for {@code header}, e.g. {@code X-Api-Key}
 * @param username for {@code basic}
 * @param secret   the held credential, by reference
 */
public record HttpCredentialConfig(String type, String header, String username, SecretReference secret) {

    public HttpCredentialConfig {
        type = type == null ? "bearer" : type.toLowerCase(Locale.ROOT);
        if (secret == null) {
            throw new ConfigException("an HTTP credential needs a secret (env:NAME or file:/path)");
        }
        switch (type) {
            case "bearer" -> { }
            case "basic" -> ConnectionConfig.require(username, "credential.username (basic)");
            case "header" -> {
                ConnectionConfig.require(header, "credential.header");
                if (header.equalsIgnoreCase("host") || header.equalsIgnoreCase("content-length")) {
                    throw new ConfigException("credential.header cannot be " + header);
                }
            }
            default -> throw new ConfigException("credential.type must be bearer, basic or header, got " + type);
        }
    }
}
