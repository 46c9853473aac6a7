package dev.tracegate.gateway.identity;

import java.util.Objects;
import java.util.function.Consumer;

/**
 * The key a session signed in with (a service-account key, a static API key, or the key a gateway
 * token was derived from), kept for the session's life so that each command asks whether it still
 * stands: a session open when its key is revoked runs nothing more. Cheap between revocations
 * ({@link KeyRevocations}); safe to share between a session's threads, where a race only asks twice.
 */
public final class SessionKey {

    /** A sign-in without a key of the gateway's (an OIDC token): nothing here can revoke it. */
    public static final SessionKey NONE = new SessionKey(null, null);

    private final CredentialRef key;
    private final KeyRevocations revocations;
    /** The revocation generation and time of the last answer that the key stands. */
    private volatile long checkedGeneration = -1;
    private volatile long checkedNanos;

    SessionKey(CredentialRef key, KeyRevocations revocations) {
        this.key = key;
        this.revocations = revocations;
    }

    /**
     * Watches this key while something of the session runs without commands ({@link KeyWatch});
     * {@code lapsed} is told why once it no longer stands. Watches nothing for a sign-in without a key.
     */
    public KeyWatch watch(Consumer<String> lapsed) {
        return key == null ? KeyWatch.NONE : revocations.watch(this, lapsed);
    }

    /** Whether {@code other} stands for the same key (a later request on a connection, signed in again). */
    public boolean sameKeyAs(SessionKey other) {
        return Objects.equals(key, other.key);
    }

    /**
     * @throws AuthenticationException when the key was revoked, expired, or is no longer configured,
     *                                 or cannot be checked now (fail closed); the message says which
     */
    public void requireStanding() throws AuthenticationException {
        if (key == null) {
            return;
        }
        long generation = revocations.generation();
        long now = revocations.now();
        if (generation == checkedGeneration && !revocations.stale(checkedNanos, now)) {
            return;
        }
        revocations.requireActive(key);
        checkedNanos = now;
        checkedGeneration = generation;
    }
}
