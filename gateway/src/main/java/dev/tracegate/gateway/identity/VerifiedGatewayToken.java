package dev.tracegate.gateway.identity;

import java.time.Instant;

/**
 * A gateway token that passed every check.
 *
 * @param signIn    the sign-in it carries: identity, when it began and ends, actor chain, key
 * @param tokenId   its {@code jti}
 * @param expiresAt its {@code exp}
 */
public record VerifiedGatewayToken(SignIn signIn, String tokenId, Instant expiresAt) {

    public Identity identity() {
        return signIn.identity();
    }

    /** Who acts through it (set for exchanged tokens and their renewals), or null. */
    public TokenActor actor() {
        return signIn.actor();
    }
}
