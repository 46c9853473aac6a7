package dev.tracegate.gateway.postgres;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the pool of one connection did since the start, for the operator's metrics: sessions that
 * reused a kept backend, sessions that opened their own, backends closed instead of kept or
 * handed out, by why, and under maxSessions the sessions that waited for a backend, how long, and
 * those whose wait ran out.
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
    private final LongAdder waits = new LongAdder();
    private final LongAdder waitedNanos = new LongAdder();
    private final LongAdder timeouts = new LongAdder();

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

    /** A session that waited for its turn under maxSessions and got it. */
    void waited(long nanos) {
        waits.increment();
        waitedNanos.add(nanos);
    }

    /** A session whose wait under maxSessions ran out. */
    void timedOut() {
        timeouts.increment();
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

    long waits() {
        return waits.sum();
    }

    double waitedNanos() {
        return waitedNanos.sum();
    }

    long timeouts() {
        return timeouts.sum();
    }
}
