package dev.tracegate.gateway.identity;

import java.time.Instant;

/**
 * A freshly signed gateway token. {@link #toString()} leaves the token out so it cannot reach a log.
 *
 * @param token     the compact JWT to hand to the caller, once
 * @param tokenId   its {@code jti}, safe to record
 * @param issuedAt  its {@code iat}
 * @param expiresAt its {@code exp}
 * @param signInEnd when the sign-in it derives from ends ({@code auth_exp}): no renewal lives longer
 */
public record IssuedGatewayToken(String token, String tokenId, Instant issuedAt, Instant expiresAt, Instant signInEnd) {

    @Override
    public String toString() {
        return "IssuedGatewayToken[tokenId=" + tokenId + ", expiresAt=" + expiresAt + "]";
    }
}
