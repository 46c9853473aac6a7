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

    /** What a cancel reaches: a command held for approval first, otherwise the upstream. */
    public record Target(UpstreamKey upstream, CommandHold hold) {
    }

    private record Entry(byte[] clientSecret, Target target) {
    }

    private final SecureRandom random = new SecureRandom();
    private final Map<Integer, Entry> entries = new ConcurrentHashMap<>();

    public ClientKey register(UpstreamKey upstream, CommandHold hold) {
        byte[] secret = new byte[4];
        random.nextBytes(secret);
        while (true) {
            int processId = random.nextInt(1, Integer.MAX_VALUE);
            if (entries.putIfAbsent(processId, new Entry(secret, new Target(upstream, hold))) == null) {
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
}
