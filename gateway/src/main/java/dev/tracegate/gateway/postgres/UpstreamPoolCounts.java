package dev.tracegate.gateway.postgres;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the pool of one connection did since the start, for the operator's metrics: sessions that
 * reused a kept backend, sessions that opened their own, and backends closed instead of kept or
 * handed out, by why.
 */
final class UpstreamPoolCounts {

    /** Why a backend was closed rather than kept or handed out; its label is the metric's {@code reason}. */
    enum Discard {
        /** The session did not end with Terminate while the server was idle outside a transaction. */
        NOT_CLEAN_END,
        /** {@code DISCARD ALL} did not answer exactly as expected. */
        RESET_FAILED,
        /** A cancel was forwarded to it once: it may still arrive. */
        CANCEL_FORWARDED,
        /** Idle longer than the connection's idleTimeoutSeconds. */
        EXPIRED,
        /** The server ended it while it waited in the pool. */
        SERVER_ENDED_WHILE_IDLE,
        /** maxIdle were already kept for its caller and settings. */
        POOL_FULL;

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final LongAdder reused = new LongAdder();
    private final LongAdder opened = new LongAdder();
    private final Map<Discard, LongAdder> discarded = new EnumMap<>(Discard.class);

    UpstreamPoolCounts() {
        for (Discard reason : Discard.values()) {
            discarded.put(reason, new LongAdder());
        }
    }

    void started(boolean reusedBackend) {
        (reusedBackend ? reused : opened).increment();
    }

    void discarded(Discard reason) {
        discarded.get(reason).increment();
    }

    long reused() {
        return reused.sum();
    }

    long opened() {
        return opened.sum();
    }

    long closed(Discard reason) {
        return discarded.get(reason).sum();
    }
}
