package dev.tracegate.gateway.postgres;

import dev.tracegate.gateway.config.PostgresConnectionConfig;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Maps the backend keys the gateway hands to clients onto the upstream servers' real keys.
 *
 * <p>Clients never learn an upstream process id or secret: a CancelRequest arrives on a fresh
 * connection carrying the gateway's key, and the gateway forwards a cancel with the real one.
 */
public final class CancelKeyRegistry {

    /** Where a cancel for one session must go. */
    public record UpstreamKey(PostgresConnectionConfig connection, int processId, byte[] secretKey) {
    }

    /** The key a client holds. */
    public record ClientKey(int processId, byte[] secretKey) {
    }

    /**
     * What a cancel reaches: a command held for approval first, otherwise the upstream, once
     * {@code cancels} has recorded it in the session.
     */
    public record Target(UpstreamKey upstream, CommandHold hold, UpstreamReach reach, SessionCancels cancels) {
    }

    /**
     * Whether a client's key still reaches its backend. A backend handed to another session must
     * never receive a cancel sent for the one before: its key is retired first, and a backend any
     * cancel was forwarded to is closed instead of being reused (the cancel may still be on its way).
     */
    public static final class UpstreamReach {
        private boolean retired;
        private boolean used;

        /** Whether a cancel may be forwarded now; noted, so the backend is never reused after it. */
        public synchronized boolean use() {
            if (retired) {
                return false;
            }
            used = true;
            return true;
        }

        synchronized boolean retire() {
            retired = true;
            return used;
        }
    }

    private record Entry(byte[] clientSecret, Target target) {
    }

    private final SecureRandom random = new SecureRandom();
    private final Map<Integer, Entry> entries = new ConcurrentHashMap<>();

    public ClientKey register(UpstreamKey upstream, CommandHold hold, SessionCancels cancels) {
        byte[] secret = new byte[4];
        random.nextBytes(secret);
        while (true) {
            int processId = random.nextInt(1, Integer.MAX_VALUE);
            if (entries.putIfAbsent(processId, new Entry(secret, new Target(upstream, hold, new UpstreamReach(), cancels))) == null) {
                return new ClientKey(processId, secret);
            }
        }
    }

    /** Finds what a cancel with this key reaches; the secret comparison takes constant time. */
    public Optional<Target> lookup(int processId, byte[] secretKey) {
        Entry entry = entries.get(processId);
        if (entry == null || !MessageDigest.isEqual(entry.clientSecret(), secretKey)) {
            return Optional.empty();
        }
        return Optional.of(entry.target());
    }

    public void remove(ClientKey key) {
        entries.remove(key.processId());
    }

    /**
     * Ends the key's reach before its backend is reset for another session: no cancel with it is
     * forwarded from now on.
     *
     * @return whether a cancel was forwarded with it before (the backend must then be closed)
     */
    boolean retire(ClientKey key) {
        Entry entry = entries.remove(key.processId());
        return entry == null || entry.target().reach().retire();
    }
}
