package dev.tracegate.gateway.identity;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Whether the keys open sessions signed in with still stand, cheaply enough to ask before every
 * command: each {@link SessionKey} asks {@link ActiveKeys} again only when a key was revoked on
 * this node since it last asked (a generation counter) or when its last answer is older than
 * {@code recheck}, so another node's revocation, which this node learns through the key cache, is
 * seen within the cache time plus {@code recheck}. Between those, a command costs a volatile read.
 */
public final class KeyRevocations {

    /** How old a session's last answer may be before it asks again: bounds how late another node's revocation is seen. */
    public static final Duration DEFAULT_RECHECK = Duration.ofSeconds(1);

    private final ActiveKeys keys;
    private final long recheckNanos;
    private final LongSupplier nanoTime;
    private final AtomicLong generation = new AtomicLong();

    public KeyRevocations(ActiveKeys keys) {
        this(keys, DEFAULT_RECHECK, System::nanoTime);
    }

    KeyRevocations(ActiveKeys keys, Duration recheck, LongSupplier nanoTime) {
        this.keys = keys;
        this.recheckNanos = recheck.toNanos();
        this.nanoTime = nanoTime;
    }

    /** A key was revoked on this node: every session asks again before its next command. */
    public void revoked() {
        generation.incrementAndGet();
    }

    /** What a session signed in with, to check before each of its commands; {@link SessionKey#NONE} for a sign-in without a key. */
    public SessionKey of(SignIn signIn) {
        return of(signIn.key());
    }

    /** What a session signed in with, given the key itself (a credential derived from it names it), or null for none. */
    public SessionKey of(CredentialRef key) {
        return key == null ? SessionKey.NONE : new SessionKey(key, this);
    }

    long generation() {
        return generation.get();
    }

    long now() {
        return nanoTime.getAsLong();
    }

    boolean stale(long checkedNanos, long now) {
        return now - checkedNanos >= recheckNanos;
    }

    void requireActive(CredentialRef key) throws AuthenticationException {
        keys.requireActive(key);
    }
}
