package dev.tracegate.gateway.identity;

import java.time.Instant;

/**
 * A gateway token that passed every check.
 *
 * @param identity  who it names
 * @param tokenId   its {@code jti}
 * @param expiresAt its {@code exp}
 * @param actor     who acts through it (set for exchanged tokens), or null
 */
public record VerifiedGatewayToken(Identity identity, String tokenId, Instant expiresAt, TokenActor actor) {
}
