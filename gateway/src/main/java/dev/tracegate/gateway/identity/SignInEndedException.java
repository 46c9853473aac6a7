package dev.tracegate.gateway.identity;

import java.time.Instant;

/**
 * A session's sign-in has ended: its token expired, or the claims it carried (groups above all)
 * are older than its issuer lets the gateway act on. Nothing revoked it; the caller signs in again
 * and the provider says afresh which groups they are in.
 */
public final class SignInEndedException extends AuthenticationException {

    private final Instant endedAt;

    public SignInEndedException(Instant endedAt) {
        super("the sign-in this session stands for ended at " + endedAt);
        this.endedAt = endedAt;
    }

    public Instant endedAt() {
        return endedAt;
    }
}
