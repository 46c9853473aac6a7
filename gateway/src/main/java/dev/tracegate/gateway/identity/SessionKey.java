package dev.tracegate.gateway.identity;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * What a session signed in with, kept for the session's life so that each command asks whether it
 * still stands: the key (a service-account key, a static API key, or the key a gateway token was
 * derived from), so a session open when its key is revoked runs nothing more; the console session a
 * gateway token was issued through, so a session open when its user signs out there runs nothing
 * more (asked of the store as often as a key is); and when the sign-in
 * ends (its token's end, or its claims' maximum age), so a session does not act on groups the
 * provider asserted longer ago than the gateway allows. Cheap between revocations
 * ({@link KeyRevocations}); safe to share between a session's threads, where a race only asks twice.
 */
public final class SessionKey {

    /** A caller admitted for one request only (a delegated credential): nothing here revokes or ends it. */
    public static final SessionKey NONE = new SessionKey(null, null, null, null);

    private final CredentialRef key;
    /** The console session the sign-in was carried through (a token issued there), or null. */
    private final CredentialRef console;
    /** When the sign-in ends, or null for a sign-in without an end of its own here. */
    private final Instant endsAt;
    private final KeyRevocations revocations;
    /** The revocation generation and time of the last answer that the key stands. */
    private volatile long checkedGeneration = -1;
    private volatile long checkedNanos;

    SessionKey(CredentialRef key, CredentialRef console, Instant endsAt, KeyRevocations revocations) {
        this.key = key;
        this.console = console;
        this.endsAt = endsAt;
        this.revocations = revocations;
    }

    /**
     * Watches this key and the sign-in's end while something of the session runs without commands
     * ({@link KeyWatch}); {@code lapsed} is told why once either no longer stands. Watches nothing
     * for a sign-in with neither (groups the gateway's configuration gives): a session signed in with
     * a provider's token only has no key to revoke, but its end must stop a COPY, a streamed result,
     * a shell or a streamed HTTP answer as surely as a revoked key does.
     */
    public KeyWatch watch(Consumer<AuthenticationException> lapsed) {
        return key == null && console == null && endsAt == null ? KeyWatch.NONE : revocations.watch(this, lapsed);
    }

    /**
     * Whether {@code other} stands for the same key and ends alike (a later request on a connection,
     * signed in again): a request signed in with a refreshed token is another sign-in, whose end this
     * one's must not impose.
     */
    public boolean sameKeyAs(SessionKey other) {
        return Objects.equals(key, other.key) && Objects.equals(console, other.console)
                && Objects.equals(endsAt, other.endsAt);
    }

    /**
     * The key the session signed in with (a service-account key, a static API key, or the key a
     * gateway token was derived from), if any: a held command's request keeps it, since whoever
     * created the key holds its secret and may not approve what was run with it.
     */
    public Optional<CredentialRef> key() {
        return Optional.ofNullable(key);
    }

    /** When the session ends with its sign-in, if it does: a provider's token's groups stop counting then. */
    public Optional<Instant> endsAt() {
        return Optional.ofNullable(endsAt);
    }

    /**
     * @throws SignInEndedException    when the sign-in has ended
     * @throws AuthenticationException when the key was revoked, expired, or is no longer configured,
     *                                 or cannot be checked now (fail closed); the message says which
     */
    public void requireStanding() throws AuthenticationException {
        if (endsAt != null && !revocations.wallClock().isBefore(endsAt)) {
            throw new SignInEndedException(endsAt);
        }
        if (key == null && console == null) {
            return;
        }
        long generation = revocations.generation();
        long now = revocations.now();
        if (generation == checkedGeneration && !revocations.stale(checkedNanos, now)) {
            return;
        }
        if (key != null) {
            revocations.requireActive(key);
        }
        if (console != null) {
            revocations.requireActive(console);
        }
        checkedNanos = now;
        checkedGeneration = generation;
    }
}
