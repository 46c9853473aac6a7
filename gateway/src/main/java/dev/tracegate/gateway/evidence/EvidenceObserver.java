package dev.tracegate.gateway.evidence;

import java.util.List;

/**
 * Watches what goes into the evidence log, for metrics and SIEM forwarding: every event as it is queued, and every
 * batch once it is durable (its size, and its events as the log holds them). Called on the caller's and the writer's threads, so it must be quick
 * and must not throw.
 */
public interface EvidenceObserver {

    EvidenceObserver NONE = new EvidenceObserver() {
    };

    /** An event was queued for the log. */
    default void queued(EvidenceEvent event) {
    }

    /** {@code events} became durable; the oldest of them had waited {@code oldestWaitNanos} since it was queued. */
    default void written(int events, long oldestWaitNanos) {
    }

    /**
     * These events became durable, in log order, as the log holds them (at their log time, with
     * any {@code clock.stepped} event among them). Only what is in the log is ever passed here.
     */
    default void durable(List<EvidenceEvent> events) {
    }

    /** {@code first}, then {@code second}. */
    static EvidenceObserver both(EvidenceObserver first, EvidenceObserver second) {
        return new EvidenceObserver() {
            @Override
            public void queued(EvidenceEvent event) {
                first.queued(event);
                second.queued(event);
            }

            @Override
            public void written(int events, long oldestWaitNanos) {
                first.written(events, oldestWaitNanos);
                second.written(events, oldestWaitNanos);
            }

            @Override
            public void durable(List<EvidenceEvent> events) {
                first.durable(events);
                second.durable(events);
            }
        };
    }
}
