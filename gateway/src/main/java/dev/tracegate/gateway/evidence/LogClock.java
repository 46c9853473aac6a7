package dev.tracegate.gateway.evidence;

import java.time.Duration;
import java.time.Instant;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The times events carry in the log: never earlier than the previous event's. Events are stamped
 * with the wall clock where they happen and pass through here in log order, on the appender.
 *
 * <p>An event stamped before the previous one was sealed (threads racing to the queue, a session
 * thread that stamped an event and then waited for a core under load) takes the previous event's
 * time advanced by the monotonic clock. That is ordinary and announces nothing, however late the
 * event is: lateness says nothing about the wall clock.
 *
 * <p>A wall clock stepped back (NTP correcting a clock that ran ahead, an operator, a virtual
 * machine resumed from a snapshot) is seen here, at sealing, by comparing the wall clock with the
 * monotonic clock: since the previous sealing, the wall clock should have advanced as much as the
 * monotonic one. When it is behind by {@link #STEP} or more, the next event is preceded by a
 * {@code clock.stepped} event that says by how much. Events stamped after the step are earlier
 * than those already logged, so they too carry the log's last time advanced by the monotonic
 * clock, until the wall clock is past the log again. After a restart there is no monotonic
 * reference, so the first sealing compares the wall clock with the log's last event.
 */
final class LogClock {

    static final Duration STEP = Duration.ofSeconds(1);

    private final LongSupplier nanoTime;
    private final Supplier<Instant> wallClock;
    /** The time of the last event given out, or null before the first. */
    private Instant last;
    /** The monotonic clock's reading when {@link #last} was given out. */
    private long lastNanos;
    /** The wall clock where it should be now if it were not stepped: its last reading, and the monotonic clock's then. */
    private Instant wallRead;
    private long wallReadNanos;

    /**
     * What an event carries: its time, how far the wall clock stepped back just before it (null if
     * it did not), and the wall clock's reading when the step was seen (null if none was).
     */
    record Stamp(Instant time, Duration steppedBack, Instant wallClock) {
    }

    LogClock(Instant lastLogged, Supplier<Instant> wallClock, LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
        this.wallClock = wallClock;
        this.last = lastLogged;
        this.lastNanos = nanoTime.getAsLong();
        Instant wall = wallClock.get();
        // The log's last event was stamped by a wall clock at least that late: one now behind it went back.
        this.wallRead = lastLogged != null && lastLogged.isAfter(wall) ? lastLogged : wall;
        this.wallReadNanos = lastNanos;
    }

    Stamp next(Instant stamped) {
        // The monotonic clock first: a pause between the two readings makes the wall clock look ahead, never behind.
        long now = nanoTime.getAsLong();
        Instant wall = wallClock.get();
        Duration stepped = wallClockStep(wall, now);
        Instant time = last == null || !stamped.isBefore(last) ? stamped : last.plusNanos(Math.max(0, now - lastNanos));
        last = time;
        lastNanos = now;
        return new Stamp(time, stepped, stepped == null ? null : wall);
    }

    /** How far the wall clock went back since it was last read, if by {@link #STEP} or more; null otherwise. */
    private Duration wallClockStep(Instant wall, long now) {
        Instant expected = wallRead.plusNanos(Math.max(0, now - wallReadNanos));
        wallRead = wall;
        wallReadNanos = now;
        Duration behind = Duration.between(wall, expected);
        return behind.compareTo(STEP) >= 0 ? behind : null;
    }
}
