package dev.tracegate.gateway.identity;

import java.time.Instant;
import java.util.Map;

/**
 * An OIDC token that passed every check.
 *
 * @param identity  who it names
 * @param claims    all its claims, for rules that look beyond the identity (token exchange)
 * @param expiresAt its {@code exp}
 */
public record VerifiedOidcToken(Identity identity, Map<String, Object> claims, Instant expiresAt) {

    public VerifiedOidcToken {
        claims = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(claims));
    }
}
