package dev.tracegate.gateway.mysql;

import dev.tracegate.gateway.approval.PendingApproval;
import dev.tracegate.gateway.identity.Identity;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The listener's caller sessions by the connection id each was greeted with: what a caller's
 * {@code KILL} names. Clients cancel a statement by sending {@code KILL QUERY <id>} on a second
 * connection; the gateway looks the id up here, lets it reach only a session of the same person,
 * and turns it into the server's own thread id (the server's ids would let anyone who can count
 * end another identity's statements, since every session logs in as the same upstream account).
 */
final class CallerThreads {

    private final Map<Long, Thread> threads = new ConcurrentHashMap<>();

    /** One caller session, listed until closed. */
    final class Thread implements AutoCloseable {

        private final long id;
        private final Identity identity;
        private final String connection;
        private final long upstreamThread;
        private volatile PendingApproval held;

        private Thread(long id, Identity identity, String connection, long upstreamThread) {
            this.id = id;
            this.identity = identity;
            this.connection = connection;
            this.upstreamThread = upstreamThread;
        }

        long upstreamThread() {
            return upstreamThread;
        }

        /** The statement this session waits on approvers for, if any. */
        Optional<PendingApproval> held() {
            return Optional.ofNullable(held);
        }

        void holding(PendingApproval pending) {
            held = pending;
        }

        @Override
        public void close() {
            threads.remove(id, this);
        }
    }

    /** Lists a session greeted with {@code id}, of {@code connection}, whose upstream session is {@code upstreamThread}. */
    Thread opened(long id, Identity identity, String connection, long upstreamThread) {
        Thread thread = new Thread(id, identity, connection, upstreamThread);
        threads.put(id, thread);
        return thread;
    }

    /**
     * The session greeted with {@code id}, if it is still open, {@code caller}'s own, and on the
     * same connection (another connection's thread ids are another server's).
     */
    Optional<Thread> own(long id, Identity caller, String connection) {
        return Optional.ofNullable(threads.get(id))
                .filter(t -> t.identity.samePerson(caller) && t.connection.equals(connection));
    }
}
