package dev.tracegate.gateway.identity;

import java.time.Instant;

/**
 * A freshly signed gateway token. {@link #toString()} leaves the token out so it cannot reach a log.
 *
 * @param token     the compact JWT to hand to the caller, once
 * @param tokenId   its {@code jti}, safe to record
 * @param issuedAt  its {@code iat}
 * @param expiresAt its {@code exp}
 */
public record IssuedGatewayToken(String token, String tokenId, Instant issuedAt, Instant expiresAt) {

    @Override
    public String toString() {
        return "IssuedGatewayToken[tokenId=" + tokenId + ", expiresAt=" + expiresAt + "]";
    }
}
