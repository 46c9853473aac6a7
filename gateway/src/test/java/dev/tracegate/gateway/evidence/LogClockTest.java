package dev.tracegate.gateway.evidence;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Event times never go back: a race takes the previous time, a step back the monotonic clock's, announced once. */
class LogClockTest {

    private static final Instant T = Instant.parse("2026-12-04T12:00:00Z");
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final LogClock clock = new LogClock(null, nanos::get);

    @Test
    void wallClockTimesGoingForwardAreKept() {
        assertThat(clock.next(T).time()).isEqualTo(T);
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
    void afterAStepBackEventsFollowTheMonotonicClockAndTheStepIsReportedOnce() {
        clock.next(T);
        nanos.addAndGet(Duration.ofSeconds(2).toNanos());
        LogClock.Stamp first = clock.next(T.minus(Duration.ofHours(1)).plusSeconds(2));
        assertThat(first.time()).isEqualTo(T.plusSeconds(2));
        assertThat(first.steppedBack()).isEqualTo(Duration.ofHours(1).minusSeconds(2));
        nanos.addAndGet(Duration.ofSeconds(3).toNanos());
        LogClock.Stamp second = clock.next(T.minus(Duration.ofHours(1)).plusSeconds(5));
        assertThat(second.time()).isEqualTo(T.plusSeconds(5));
        assertThat(second.steppedBack()).as("one step, announced once").isNull();
    }

    @Test
    void onceTheWallClockHasCaughtUpItsTimesAreKeptAgain() {
        clock.next(T);
        clock.next(T.minus(Duration.ofMinutes(10)));
        LogClock.Stamp caughtUp = clock.next(T.plusSeconds(30));
        assertThat(caughtUp.time()).isEqualTo(T.plusSeconds(30));
        LogClock.Stamp again = clock.next(T.minus(Duration.ofMinutes(5)));
        assertThat(again.steppedBack()).as("a second step is a new step").isEqualTo(Duration.ofMinutes(5).plusSeconds(30));
        assertThat(again.time()).isAfterOrEqualTo(T.plusSeconds(30));
    }

    @Test
    void theLogGoesOnFromItsLastEventAfterARestart() {
        LogClock restarted = new LogClock(T, nanos::get);
        LogClock.Stamp first = restarted.next(T.minus(Duration.ofDays(1)));
        assertThat(first.time()).isAfterOrEqualTo(T);
        assertThat(first.steppedBack()).isEqualTo(Duration.ofDays(1));
    }
}
