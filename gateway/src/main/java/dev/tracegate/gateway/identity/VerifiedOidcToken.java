package dev.tracegate.gateway.identity;

import java.time.Instant;
import java.util.Collections;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An OIDC token that passed every check.
 *
 * @param identity  who it names
 * @param claims    all its claims, for rules that look beyond the identity (token exchange)
 * @param expiresAt when the gateway stops accepting it: its {@code exp}, or its issuer's
 *                  {@code claimsMaxAgeSeconds} after its {@code iat}, whichever is first
 * @param claimsEndAt when the gateway stops acting on its claims, groups above all: its issuer's
 *                  {@code claimsMaxAgeSeconds} after its {@code iat}
 */
public record VerifiedOidcToken(Identity identity, Map<String, Object> claims, Instant expiresAt, Instant claimsEndAt) {

    public VerifiedOidcToken {
        claims = Collections.unmodifiableMap(new LinkedHashMap<>(claims));
    }

    /** A token whose claims count as long as it is accepted. */
    public VerifiedOidcToken(Identity identity, Map<String, Object> claims, Instant expiresAt) {
        this(identity, claims, expiresAt, expiresAt);
    }

    /**
     * When the person or job signed in at the provider: {@code auth_time} when the provider says
     * (refreshed tokens keep the original sign-in's), otherwise when this token was issued.
     */
    public Instant authenticatedAt(Instant fallback) {
        if (claims.get("auth_time") instanceof Number seconds) {
            return Instant.ofEpochSecond(seconds.longValue());
        }
        if (claims.get("iat") instanceof Date issued) {
            return issued.toInstant();
        }
        return fallback;
    }

    /** The actor chain of the token's own {@code act} claim (a provider's delegated token), or null. */
    public TokenActor actor() throws AuthenticationException {
        return TokenActor.fromClaim(claims.get("act"), identity.issuer());
    }

    /**
     * The sign-in of a person the provider confirmed just now in a browser (the console), with this
     * token as its proof: the token is not kept as a credential, so its {@code exp} does not end
     * the sign-in, but its claims' age does, so a group removed at the provider stops counting in
     * the console no later than anywhere else.
     */
    public SignIn interactiveSignIn(Instant now) throws AuthenticationException {
        SignIn presented = signIn(now);
        return new SignIn(identity, presented.authenticatedAt(), claimsEndAt, presented.actor(), null, presented.presented());
    }

    /**
     * The sign-in this token stands for when presented directly: it ends when the gateway stops
     * accepting the token, and so do sessions open with it.
     */
    public SignIn signIn(Instant now) throws AuthenticationException {
        String jti = claims.get("jti") instanceof String id ? id : null;
        return new SignIn(identity, authenticatedAt(now), expiresAt, actor(), null,
                new CredentialRef(CredentialRef.OIDC_TOKEN, jti));
    }
}
