package dev.tracegate.ledger.bundle;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * How the times of a bundle's events run in index order, and what the verdict says of it.
 *
 * <p>The gateway keeps them in order: no event is stamped before the one logged before it, and a
 * wall clock that went back is announced by a {@code clock.stepped} event, after which events carry
 * the log's own time. An event is in a checkpoint only once logged, so none is later than when the
 * export signed it. Times that run otherwise are no sign of a changed bundle (nobody without the
 * log's key can alter a time without failing the proofs, and whoever holds the key can write any
 * consistent times); they say the clocks that stamped the events disagreed: gateway nodes sharing a
 * PostgreSQL store, each sealing in its own time order, a log written before the gateway kept its
 * times in order, or an appender whose clock ran wrong. So they are warnings, not failures, given
 * on the verdict line when they reach {@link #STEP}, the gateway's own measure of a clock step,
 * because a period selected by time may then begin or end in the wrong place. Less is the ordinary
 * disagreement of nodes that seal events in turn, counted in the result line only.
 */
final class EventTimeOrder {
    static final Duration STEP = Duration.ofSeconds(1);
    private static final String CLOCK_STEPPED = "clock.stepped";

    private final Optional<Instant> signedAt;
    private Instant previous;
    private final Drift back = new Drift();
    private final Drift ahead = new Drift();
    private long clockSteps;
    private long firstClockStepIndex = -1;
    private long longestClockStepMillis;

    /** Events out of time by some amount: how many, how many by {@link #STEP} or more, and the furthest. */
    private static final class Drift {
        long count;
        long fromStep;
        Duration furthest = Duration.ZERO;
        long furthestIndex = -1;

        void add(long index, Duration by) {
            count++;
            if (by.compareTo(STEP) >= 0) {
                fromStep++;
            }
            if (by.compareTo(furthest) > 0) {
                furthest = by;
                furthestIndex = index;
            }
        }
    }

    /** @param signedAt when the export signed its checkpoint, as its signed manifest states, if it does */
    EventTimeOrder(Optional<Instant> signedAt) {
        this.signedAt = signedAt;
    }

    /** The next event of the bundle, in index order. */
    void add(long index, Instant time, JsonNode event) {
        if (previous != null && time.isBefore(previous)) {
            back.add(index, Duration.between(time, previous));
        }
        if (signedAt.isPresent() && time.isAfter(signedAt.get())) {
            ahead.add(index, Duration.between(signedAt.get(), time));
        }
        previous = previous == null || time.isAfter(previous) ? time : previous;
        if (CLOCK_STEPPED.equals(event.path("type").asText(null))) {
            clockSteps++;
            firstClockStepIndex = firstClockStepIndex < 0 ? index : firstClockStepIndex;
            longestClockStepMillis = Math.max(longestClockStepMillis, event.path("detail").path("stepped_back_ms").asLong(0));
        }
    }

    /** The result line: how the times run, and the clock steps the gateway announced. */
    String resultLine() {
        StringBuilder line = new StringBuilder("times: ");
        line.append(back.count == 0 ? "no event is earlier than an event before it"
                : back.count + " event(s) earlier than an event before them, by at most " + seconds(back.furthest)
                        + " (event index " + back.furthestIndex + ")");
        if (signedAt.isPresent()) {
            line.append(ahead.count == 0 ? ", none later than when the export signed its checkpoint"
                    : ", " + ahead.count + " later than when the export signed its checkpoint, by at most " + seconds(ahead.furthest)
                            + " (event index " + ahead.furthestIndex + ")");
        }
        line.append(clockSteps == 0 ? "; no clock step announced"
                : "; " + clockSteps + " clock step(s) announced by the gateway (clock.stepped, the first at event index "
                        + firstClockStepIndex + ", the wall clock back by up to " + seconds(Duration.ofMillis(longestClockStepMillis))
                        + "; the events after one carry the log's own time until the wall clock caught up)");
        return line.toString();
    }

    /** What the verdict line warns of: times out of order, or ahead of the export, by {@link #STEP} or more. */
    List<String> warnings() {
        List<String> warnings = new ArrayList<>();
        if (back.fromStep > 0) {
            warnings.add("event times go back: " + back.fromStep + " event(s) a second or more earlier than an event before them"
                    + " (the furthest, event index " + back.furthestIndex + ", " + seconds(back.furthest) + " back): the clocks that"
                    + " stamped them disagree (gateway nodes sharing a store, a log written before the gateway kept its times in"
                    + " order, or a wrong clock), which is no change to the bundle, but a period selected by time may begin or end"
                    + " in the wrong place");
        }
        if (ahead.fromStep > 0) {
            warnings.add("event times ahead of the export: " + ahead.fromStep + " event(s) stamped a second or more after the"
                    + " export signed its checkpoint (the furthest, event index " + ahead.furthestIndex + ", " + seconds(ahead.furthest)
                    + " after): the clock that stamped them ran ahead of the exporting gateway's");
        }
        return warnings;
    }

    private static String seconds(Duration duration) {
        return String.format(Locale.ROOT, "%.3f s", duration.toNanos() / 1e9);
    }
}
