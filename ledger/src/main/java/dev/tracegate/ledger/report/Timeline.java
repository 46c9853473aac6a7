package dev.tracegate.ledger.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;

/**
 * The period cut into equal buckets (a minute to a week, at most {@value #MAX_BUCKETS} of them),
 * counting per bucket the sessions opened, commands, blocked commands and held commands: the
 * data of the activity and "blocked and held" pictures.
 */
final class Timeline {
    static final int MAX_BUCKETS = 96;
    private static final Duration[] SIZES = {Duration.ofMinutes(1), Duration.ofMinutes(5), Duration.ofMinutes(15),
            Duration.ofHours(1), Duration.ofHours(6), Duration.ofDays(1), Duration.ofDays(7), Duration.ofDays(30)};
    static final String[] SERIES = {"sessions", "commands", "blocked", "held"};
    private static final String[] LABELS = {"Sessions opened", "Commands", "Commands blocked", "Commands held for approval"};

    private final Instant from;
    private final Duration size;
    private final Tally[][] counts;

    Timeline(Instant from, Instant to) {
        this.from = from;
        long periodSeconds = Math.max(1, Duration.between(from, to).toSeconds());
        Duration chosen = Duration.ofSeconds((periodSeconds + MAX_BUCKETS - 1) / MAX_BUCKETS);
        for (int i = SIZES.length - 1; i >= 0; i--) {
            if (ceilDiv(periodSeconds, SIZES[i].toSeconds()) <= MAX_BUCKETS) {
                chosen = SIZES[i];
            }
        }
        this.size = chosen;
        int buckets = (int) ceilDiv(periodSeconds, size.toSeconds());
        this.counts = new Tally[SERIES.length][buckets];
        for (Tally[] series : counts) {
            for (int i = 0; i < series.length; i++) {
                series[i] = new Tally();
            }
        }
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }

    /** A counted event: it lands in its bucket of whichever series it belongs to. */
    void accept(ReportEvent event) {
        int series = switch (event.type()) {
            case EventTypes.SESSION_OPEN -> 0;
            case EventTypes.COMMAND -> 1;
            case EventTypes.COMMAND_BLOCKED -> "blocked".equals(event.detailText("outcome")) ? 2 : -1;
            case EventTypes.APPROVAL_REQUESTED -> 3;
            default -> -1;
        };
        if (series < 0 || event.time() == null) {
            return;
        }
        int bucket = (int) Math.min(counts[series].length - 1, Duration.between(from, event.time()).dividedBy(size));
        counts[series][Math.max(0, bucket)].count(event.index());
    }

    /** Buckets with something in them; the rest are zero (a quiet period makes a short report). */
    ObjectNode toJson() {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("bucket_seconds", size.toSeconds());
        json.put("bucket_count", counts[0].length);
        ArrayNode buckets = json.putArray("buckets");
        for (int i = 0; i < counts[0].length; i++) {
            final int bucket = i;
            if (java.util.Arrays.stream(counts).allMatch(series -> series[bucket].leaves().isEmpty())) {
                continue;
            }
            Instant start = from.plus(size.multipliedBy(i));
            ObjectNode item = buckets.addObject();
            item.put("bucket", i);
            item.put("start", start.toString());
            for (int s = 0; s < SERIES.length; s++) {
                item.set(SERIES[s], Figures.of("timeline." + SERIES[s] + "[" + start + "]", LABELS[s] + " from " + start,
                        counts[s][i]));
            }
        }
        return json;
    }
}
