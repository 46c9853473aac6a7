package dev.tracegate.gateway.identity;

import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Watches the key a session signed in with, and the end of its sign-in, while something of the
 * session runs without sending commands: an SSH shell, a long command, a forward or an sftp
 * subsystem; a PostgreSQL COPY or a long result; an HTTP answer that streams. Checking before each
 * command ends a session only at its next command, and keystrokes, copied rows and forwarded bytes
 * are not commands, so a session with its key revoked, or signed in with a provider's token whose
 * groups the gateway no longer acts on, could run on for as long as it liked. The
 * {@link KeyRevocations} sweep asks every watched session again at once when a key is revoked on
 * this node and every second otherwise; one that no longer stands calls {@code lapsed} once, with
 * why ({@link SignInEndedException} when the sign-in ended), and the engine ends the session.
 * Closed when the session ends.
 */
public final class KeyWatch implements AutoCloseable {

    /** Watches nothing: a sign-in with neither a key of the gateway's nor an end of its own here. */
    static final KeyWatch NONE = new KeyWatch(null, why -> { }, null);

    private final SessionKey key;
    private final Consumer<AuthenticationException> lapsed;
    private final Set<KeyWatch> watched;
    private final AtomicBoolean ended = new AtomicBoolean();

    KeyWatch(SessionKey key, Consumer<AuthenticationException> lapsed, Set<KeyWatch> watched) {
        this.key = key;
        this.lapsed = lapsed;
        this.watched = watched;
    }

    /** Asks whether the key still stands; when it no longer does, tells the session once and stops watching. */
    void check() {
        if (ended.get()) {
            return;
        }
        try {
            key.requireStanding();
        } catch (AuthenticationException e) {
            if (ended.compareAndSet(false, true)) {
                watched.remove(this);
                lapsed.accept(e);
            }
        }
    }

    @Override
    public void close() {
        if (ended.compareAndSet(false, true) && watched != null) {
            watched.remove(this);
        }
    }
}
