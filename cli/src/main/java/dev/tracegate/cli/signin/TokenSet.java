package dev.tracegate.cli.signin;

import com.nimbusds.oauth2.sdk.AccessTokenResponse;
import com.nimbusds.oauth2.sdk.token.Tokens;
import com.nimbusds.openid.connect.sdk.token.OIDCTokens;
import java.time.Duration;
import java.time.Instant;

/**
 * The tokens of one sign-in.
 *
 * @param refreshToken null when the provider gave none (ask for the {@code offline_access} scope)
 * @param idToken null when the provider gave none
 * @param expiresAt when the access token expires; null when neither the provider nor the token says
 */
record TokenSet(String accessToken, String refreshToken, String idToken, Instant expiresAt) {

    /** The gateway's default {@code identities.oidc[].claimsMaxAgeSeconds}: how long it acts on one token's groups. */
    static final Duration GATEWAY_CLAIMS_MAX_AGE = Duration.ofHours(1);

    TokenSet {
        if (accessToken == null || accessToken.isBlank()) {
            throw new IllegalArgumentException("an access token is required");
        }
    }

    /** A successful token-endpoint answer (RFC 6749 section 5.1), received at {@code now}. */
    static TokenSet fromResponse(AccessTokenResponse response, Instant now) {
        Tokens tokens = response.getTokens();
        String accessToken = tokens.getAccessToken().getValue();
        // nimbus reads expires_in as a number or a string; without it, a JWT access token still tells.
        long lifetime = tokens.getAccessToken().getLifetime();
        Instant expiresAt = lifetime > 0 ? now.plusSeconds(lifetime) : UnverifiedJwt.expiry(accessToken);
        String idToken = tokens instanceof OIDCTokens oidc ? oidc.getIDTokenString() : null;
        return new TokenSet(accessToken, tokens.getRefreshToken() == null ? null : tokens.getRefreshToken().getValue(),
                idToken, expiresAt);
    }

    /**
     * These tokens after a refresh answered with {@code renewed}: a provider that does not rotate
     * refresh tokens, or does not reissue ID tokens, leaves the current ones in place.
     */
    TokenSet renewedBy(TokenSet renewed) {
        return new TokenSet(renewed.accessToken,
                renewed.refreshToken != null ? renewed.refreshToken : refreshToken,
                renewed.idToken != null ? renewed.idToken : idToken,
                renewed.expiresAt);
    }

    /** The token of {@code kind}; null when there is none. */
    String token(TokenKind kind) {
        return kind == TokenKind.ACCESS_TOKEN ? accessToken : idToken;
    }

    /**
     * Whether the token of {@code kind} is missing or ends within {@code margin} of {@code now}: at its
     * expiry, or once the gateway no longer acts on its groups ({@link #GATEWAY_CLAIMS_MAX_AGE} after
     * its {@code iat}), whichever is first. Entra ID's tokens live up to 90 minutes: without the
     * second, the last half hour of one would be printed only for the gateway to refuse it.
     */
    boolean endsWithin(TokenKind kind, Duration margin, Instant now) {
        String token = token(kind);
        Instant issued = token == null ? null : UnverifiedJwt.issuedAt(token);
        if (issued != null && issued.plus(GATEWAY_CLAIMS_MAX_AGE).isBefore(now.plus(margin))) {
            return true;
        }
        if (kind == TokenKind.ID_TOKEN) {
            Instant idExpiry = idToken == null ? null : UnverifiedJwt.expiry(idToken);
            return idToken == null || idExpiry != null && idExpiry.isBefore(now.plus(margin));
        }
        return expiresAt != null && expiresAt.isBefore(now.plus(margin));
    }
}
