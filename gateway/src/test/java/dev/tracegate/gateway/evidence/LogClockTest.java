package dev.tracegate.gateway.evidence;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Event times never go back; a step back of the wall clock itself (seen against the monotonic
 * clock) is announced once, while an event that is merely late to be sealed announces nothing.
 */
class LogClockTest {

    private static final Instant T = Instant.parse("2026-12-04T12:00:00Z");
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final AtomicReference<Instant> wall = new AtomicReference<>(T);
    private final LogClock clock = new LogClock(null, wall::get, nanos::get);

    /** Time passes: both clocks advance together, as they do while no one steps the wall clock. */
    private void pass(Duration duration) {
        nanos.addAndGet(duration.toNanos());
        wall.updateAndGet(now -> now.plus(duration));
    }

    /** Someone sets the wall clock back; the monotonic clock does not move. */
    private void stepBack(Duration duration) {
        wall.updateAndGet(now -> now.minus(duration));
    }

    @Test
    void wallClockTimesGoingForwardAreKept() {
        assertThat(clock.next(T).time()).isEqualTo(T);
        pass(Duration.ofMillis(5));
        assertThat(clock.next(T.plusMillis(5)).time()).isEqualTo(T.plusMillis(5));
        assertThat(clock.next(T.plusMillis(5)).steppedBack()).isNull();
    }

    @Test
    void anEventARaceQueuedLateTakesThePreviousTimeWithoutAStep() {
        clock.next(T);
        LogClock.Stamp late = clock.next(T.minusNanos(3_000));
        assertThat(late.time()).isEqualTo(T);
        assertThat(late.steppedBack()).isNull();
    }

    @Test
    void anEventStampedLongBeforeItIsSealedAnnouncesNoStep() {
        Instant slow = T;
        pass(Duration.ofSeconds(1));
        clock.next(T.plusSeconds(1));
        pass(Duration.ofSeconds(3));
        clock.next(T.plusSeconds(4));
        pass(Duration.ofMillis(500));
        LogClock.Stamp late = clock.next(slow);
        assertThat(late.steppedBack()).as("an event sealed 4.5 s after it was stamped, the wall clock untouched").isNull();
        assertThat(late.time()).as("never before the events sealed before it").isEqualTo(T.plusSeconds(4).plusMillis(500));
    }

    @Test
    void aStepBackOfTheWallClockIsAnnouncedOnceAndEventsFollowTheMonotonicClock() {
        clock.next(T);
        pass(Duration.ofSeconds(2));
        stepBack(Duration.ofHours(1));
        LogClock.Stamp first = clock.next(wall.get());
        assertThat(first.steppedBack()).isEqualTo(Duration.ofHours(1));
        assertThat(first.wallClock()).isEqualTo(T.plusSeconds(2).minus(Duration.ofHours(1)));
        assertThat(first.time()).isEqualTo(T.plusSeconds(2));
        pass(Duration.ofSeconds(3));
        LogClock.Stamp second = clock.next(wall.get());
        assertThat(second.time()).isEqualTo(T.plusSeconds(5));
        assertThat(second.steppedBack()).as("one step, announced once").isNull();
    }

    @Test
    void aStepIsAnnouncedEvenWhenTheNextEventWasStampedBeforeIt() {
        clock.next(T);
        pass(Duration.ofSeconds(1));
        Instant beforeTheStep = wall.get();
        stepBack(Duration.ofMinutes(10));
        LogClock.Stamp stamp = clock.next(beforeTheStep);
        assertThat(stamp.steppedBack()).isEqualTo(Duration.ofMinutes(10));
        assertThat(stamp.time()).isEqualTo(beforeTheStep);
    }

    @Test
    void onceTheWallClockHasCaughtUpItsTimesAreKeptAgain() {
        clock.next(T);
        stepBack(Duration.ofSeconds(10));
        clock.next(wall.get());
        pass(Duration.ofSeconds(30));
        LogClock.Stamp caughtUp = clock.next(wall.get());
        assertThat(caughtUp.time()).isEqualTo(T.plusSeconds(20));
        stepBack(Duration.ofMinutes(5));
        LogClock.Stamp again = clock.next(wall.get());
        assertThat(again.steppedBack()).as("a second step is a new step").isEqualTo(Duration.ofMinutes(5));
        assertThat(again.time()).isAfterOrEqualTo(T.plusSeconds(20));
    }

    @Test
    void aWallClockBehindTheLogAfterARestartIsAStep() {
        wall.set(T.minus(Duration.ofDays(1)));
        LogClock restarted = new LogClock(T, wall::get, nanos::get);
        LogClock.Stamp first = restarted.next(wall.get());
        assertThat(first.time()).isAfterOrEqualTo(T);
        assertThat(first.steppedBack()).isEqualTo(Duration.ofDays(1));
    }

    @Test
    void aRestartWithTheWallClockAheadOfTheLogIsNoStep() {
        wall.set(T.plus(Duration.ofHours(3)));
        LogClock restarted = new LogClock(T, wall::get, nanos::get);
        LogClock.Stamp first = restarted.next(wall.get());
        assertThat(first.time()).isEqualTo(T.plus(Duration.ofHours(3)));
        assertThat(first.steppedBack()).isNull();
    }
}
