package dev.tracegate.gateway.identity;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
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
    private final Clock clock;
    private final AtomicLong generation = new AtomicLong();
    private final Set<KeyWatch> watched = ConcurrentHashMap.newKeySet();
    /** Sweeps the watched keys; started with the first watch. */
    private ScheduledExecutorService sweeper;

    public KeyRevocations(ActiveKeys keys) {
        this(keys, DEFAULT_RECHECK, System::nanoTime, Clock.systemUTC());
    }

    KeyRevocations(ActiveKeys keys, Duration recheck, LongSupplier nanoTime, Clock clock) {
        this.keys = keys;
        this.recheckNanos = recheck.toNanos();
        this.nanoTime = nanoTime;
        this.clock = clock;
    }

    /** A key was revoked on this node: every session asks again before its next command, and every watched key at once. */
    public void revoked() {
        generation.incrementAndGet();
        ScheduledExecutorService running = sweeperIfStarted();
        if (running != null) {
            running.execute(this::sweep);
        }
    }

    /**
     * Watches {@code key} while something of its session runs without commands ({@link KeyWatch}):
     * {@code lapsed} is told why once the key or the sign-in no longer stands, within the recheck
     * interval (at once for a revocation on this node).
     */
    KeyWatch watch(SessionKey key, Consumer<AuthenticationException> lapsed) {
        KeyWatch watch = new KeyWatch(key, lapsed, watched);
        watched.add(watch);
        startSweeper();
        return watch;
    }

    private synchronized ScheduledExecutorService sweeperIfStarted() {
        return sweeper;
    }

    private synchronized void startSweeper() {
        if (sweeper == null) {
            sweeper = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("key-revocation-sweep").factory());
            sweeper.scheduleWithFixedDelay(this::sweep, recheckNanos, recheckNanos, TimeUnit.NANOSECONDS);
        }
    }

    private void sweep() {
        for (KeyWatch watch : watched) {
            try {
                watch.check();
            } catch (RuntimeException e) {
                // One session's ending must not stop the sweep for the others.
                watch.close();
            }
        }
    }

    /**
     * What a session signed in with, to check before each of its commands: its key, or else its end,
     * and the console session its token was issued through.
     */
    public SessionKey of(SignIn signIn) {
        return of(signIn.identity(), signIn.key(), signIn.console(), signIn.notAfter());
    }

    /**
     * What a session of {@code identity} signed in with, given the key itself (a credential derived
     * from it names it), or null for none, and when the credential ends (a token's or an SSH
     * certificate's end). Only groups a provider asserted in a token go stale: the session ends with
     * such a sign-in. Groups the gateway's own configuration or store gives (issuer {@code tracegate}:
     * a key's, an exchange rule's) change only with them, and a key's revocation each command checks,
     * so such a session runs on.
     */
    public SessionKey of(Identity identity, CredentialRef key, Instant endsAt) {
        return of(identity, key, null, endsAt);
    }

    /**
     * As {@link #of(Identity, CredentialRef, Instant)}, for a credential issued through the console
     * session {@code console} (null for none), which the session keeps asking about: its user
     * signing out there ends what runs with it (an SSH certificate the console signed, a token).
     */
    public SessionKey of(Identity identity, CredentialRef key, CredentialRef console, Instant endsAt) {
        boolean providerAsserted = key == null && !ApiKeyVerifier.ISSUER.equals(identity.issuer());
        return new SessionKey(key, console, providerAsserted ? endsAt : null, this);
    }

    Instant wallClock() {
        return clock.instant();
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
