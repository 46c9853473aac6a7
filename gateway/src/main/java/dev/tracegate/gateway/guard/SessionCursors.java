package dev.tracegate.gateway.guard;

import java.util.Optional;

/**
 * The cursors a session's SQL declared, as the {@link Guard} asks about them: a {@code FETCH} or
 * {@code MOVE} names only its cursor, and is judged by the query of the cursor's {@code DECLARE}
 * under the policy in force when it runs.
 */
public interface SessionCursors {

    /** For protocols whose sessions declare no cursors a later statement reads by name. */
    SessionCursors NONE = new SessionCursors() {
        @Override
        public Optional<CursorRead> read(String statementText) {
            return Optional.empty();
        }

        @Override
        public Optional<String> declared(String statementText) {
            return Optional.empty();
        }
    };

    /** For a {@code FETCH} or {@code MOVE} that names a cursor, the cursor and its declaration; empty otherwise. */
    Optional<CursorRead> read(String statementText);

    /** The cursor a {@code DECLARE} statement declares; empty for any other statement. */
    Optional<String> declared(String statementText);

    /**
     * A cursor a statement reads, and the {@code DECLARE} the session sent for it: empty when the
     * gateway never saw one (a function opened the cursor and returned its name as a {@code refcursor}).
     */
    record CursorRead(String cursor, Optional<String> declaration) {
    }
}
