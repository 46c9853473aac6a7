package dev.tracegate.gateway.identity;

import java.util.Objects;

/**
 * Who acts through a gateway token that names another subject (RFC 8693 {@code act}): the CI job
 * whose provider token was exchanged for a service account's token, for instance.
 *
 * @param issuer  the actor's issuer
 * @param subject the actor's subject at that issuer, e.g. {@code repo:acme/shop:ref:refs/heads/main}
 */
public record TokenActor(String issuer, String subject) {
    public TokenActor {
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(subject, "subject");
    }
}
