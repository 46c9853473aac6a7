package dev.tracegate.gateway.evidence;

import java.time.Duration;
import java.time.Instant;
import java.util.function.LongSupplier;

/**
 * The times events carry in the log: never earlier than the previous event's. Events are stamped
 * with the wall clock where they happen and pass through here in log order, on the appender.
 *
 * <p>Threads racing to the queue put events microseconds out of order; such an event takes the
 * previous one's time. A wall clock stepped back (NTP correcting a clock that ran ahead, an
 * operator, a virtual machine resumed from a snapshot) would put minutes of events before those
 * already logged, and exports, period bundles and reports that select by time would cut the log in
 * the wrong place. So from a step of {@link #STEP} or more on, and until the wall clock is past the
 * log again, events carry the log's last time advanced by the monotonic clock instead, and the
 * first of them is preceded by a {@code clock.stepped} event that says by how much the wall clock
 * went back. The stamp the caller gave is kept in that event only; the log's order is its time order.
 */
final class LogClock {

    static final Duration STEP = Duration.ofSeconds(1);

    private final LongSupplier nanoTime;
    /** The time of the last event given out, or null before the first. */
    private Instant last;
    /** The monotonic clock's reading when {@link #last} was given out. */
    private long lastNanos;
    private boolean behind;

    /** What an event carries: its time, and how far the wall clock stepped back just before it (null if it did not). */
    record Stamp(Instant time, Duration steppedBack) {
    }

    LogClock(Instant lastLogged, LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
        this.last = lastLogged;
        this.lastNanos = nanoTime.getAsLong();
    }

    Stamp next(Instant stamped) {
        long now = nanoTime.getAsLong();
        if (last == null || !stamped.isBefore(last)) {
            behind = false;
            return give(stamped, now, null);
        }
        Duration gap = Duration.between(stamped, last);
        if (!behind && gap.compareTo(STEP) < 0) {
            return new Stamp(last, null); // out of order by a race, not a step
        }
        Instant monotonic = last.plusNanos(Math.max(0, now - lastNanos));
        Duration stepped = behind ? null : gap;
        behind = true;
        return give(monotonic, now, stepped);
    }

    private Stamp give(Instant time, long now, Duration steppedBack) {
        last = time;
        lastNanos = now;
        return new Stamp(time, steppedBack);
    }
}
