package dev.tracegate.gateway.identity;

import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Watches the key a session signed in with while something of the session runs without sending
 * commands: an SSH shell, a long command, a forward or an sftp subsystem; a PostgreSQL COPY or a
 * long result. Checking before each command ends a session only at its next command, and keystrokes,
 * copied rows and forwarded bytes are not commands, so a session with its key revoked could run on
 * for as long as it liked. The {@link KeyRevocations} sweep asks every watched key again at once
 * when a key is revoked on this node and every second otherwise; a key that no longer stands calls
 * {@code lapsed} once, with why, and the engine ends the session. Closed when the session ends.
 */
public final class KeyWatch implements AutoCloseable {

    /** Watches nothing: a sign-in without a key of the gateway's (an OIDC token). */
    static final KeyWatch NONE = new KeyWatch(null, why -> { }, null);

    private final SessionKey key;
    private final Consumer<String> lapsed;
    private final Set<KeyWatch> watched;
    private final AtomicBoolean ended = new AtomicBoolean();

    KeyWatch(SessionKey key, Consumer<String> lapsed, Set<KeyWatch> watched) {
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
                lapsed.accept(e.getMessage());
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
