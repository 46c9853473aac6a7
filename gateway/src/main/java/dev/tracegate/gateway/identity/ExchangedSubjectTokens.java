package dev.tracegate.gateway.identity;

import java.time.Instant;

/**
 * Which subject tokens were already exchanged. A CI provider's token is a bearer credential for
 * its whole lifetime, and a job's logs, caches and artifacts outlive the job: a token that any
 * number of exchanges accept would mint fresh gateway tokens for whoever finds it, long after the
 * job that asked for it. So a token is exchanged once.
 */
@FunctionalInterface
public interface ExchangedSubjectTokens {

    /**
     * Records that the token named {@code tokenKey} is being exchanged.
     *
     * @param tokenKey  the SHA-256 of the token's issuer and {@code jti}, or of the token itself
     * @param expiresAt when the token expires: after that it needs no remembering
     * @return true the first time, false for every later exchange of the same token
     * @throws AuthenticationException when it cannot be told now (the store is unreachable): fail closed
     */
    boolean firstExchange(String tokenKey, Instant expiresAt) throws AuthenticationException;
}
