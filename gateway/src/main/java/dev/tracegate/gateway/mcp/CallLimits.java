package dev.tracegate.gateway.mcp;

import dev.tracegate.gateway.identity.Identity;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Tool calls running at once per identity, so that one agent cannot take every upstream connection. */
final class CallLimits {

    private final int perIdentity;
    private final Map<String, AtomicInteger> running = new ConcurrentHashMap<>();

    CallLimits(int perIdentity) {
        this.perIdentity = perIdentity;
    }

    /** A slot for one call, or null when the identity already runs as many as it may. */
    Slot acquire(Identity identity) {
        String key = identity.issuer() + "\n" + identity.subject();
        AtomicInteger count = running.computeIfAbsent(key, k -> new AtomicInteger());
        if (count.incrementAndGet() > perIdentity) {
            count.decrementAndGet();
            return null;
        }
        return count::decrementAndGet;
    }

    /** Released once the call has ended. */
    interface Slot extends AutoCloseable {
        @Override
        void close();
    }
}
