package dev.tracegate.gateway.evidence;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Turns refused credentials into {@code auth.failure} events without letting a flood of them
 * flood the permanent log. In each window of {@link #WINDOW}, the first
 * {@value #INDIVIDUAL_PER_SOURCE} failures of a source are written one by one (at most
 * {@value #INDIVIDUAL_PER_WINDOW} in all); the rest are counted, and when the window closes each
 * source that had more gets one summary event with the count, by reason and protocol. Every event
 * carries {@code count}, so the counts of a window's events add up to its failures: nothing is
 * lost, and the events a window can produce are bounded whatever the attacker does.
 */
public final class AuthFailureRecorder implements AutoCloseable {

    public static final Duration WINDOW = Duration.ofMinutes(1);
    public static final int INDIVIDUAL_PER_SOURCE = 5;
    public static final int INDIVIDUAL_PER_WINDOW = 100;
    /** Sources counted apart in one window; failures from further sources share {@link #OTHER_SOURCES}. */
    public static final int TRACKED_SOURCES = 1024;
    /** Distinct reasons a summary lists; further ones are added up under {@code other}. */
    static final int LISTED_REASONS = 8;
    static final SourceAddress OTHER_SOURCES = new SourceAddress("other sources");

    private final EvidenceLog evidence;
    private final Clock clock;
    private final ScheduledExecutorService windows;
    private final Map<SourceAddress, SourceTally> tallies = new HashMap<>();
    private Instant windowStart;
    private int individualInWindow;

    /** What one source did in the current window beyond its individually written failures. */
    private static final class SourceTally {
        int individual;
        long summarised;
        final Map<String, Long> reasons = new LinkedHashMap<>();
        final Map<String, Long> protocols = new LinkedHashMap<>();

        void count(AuthFailure failure) {
            summarised++;
            String reason = reasons.containsKey(failure.reason()) || reasons.size() < LISTED_REASONS
                    ? failure.reason() : "other";
            reasons.merge(reason, 1L, Long::sum);
            protocols.merge(failure.protocol(), 1L, Long::sum);
        }
    }

    AuthFailureRecorder(EvidenceLog evidence, Clock clock) {
        this.evidence = evidence;
        this.clock = clock;
        this.windowStart = clock.instant();
        this.windows = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("auth-failure-windows")
                .daemon(true).factory());
        windows.scheduleAtFixedRate(() -> flush(), WINDOW.toMillis(), WINDOW.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Records one refused credential: as its own event, or counted into its source's summary. */
    public synchronized void refused(AuthFailure failure) {
        SourceAddress source = tallies.containsKey(failure.source()) || tallies.size() < TRACKED_SOURCES
                ? failure.source() : OTHER_SOURCES;
        SourceTally tally = tallies.computeIfAbsent(source, s -> new SourceTally());
        if (tally.individual < INDIVIDUAL_PER_SOURCE && individualInWindow < INDIVIDUAL_PER_WINDOW) {
            tally.individual++;
            individualInWindow++;
            evidence.append(individual(failure));
        } else {
            tally.count(failure);
        }
    }

    /**
     * Closes the current window: one summary event per source that had failures beyond its
     * individual ones. The future completes when they are durable.
     */
    public synchronized CompletableFuture<Void> flush() {
        Instant end = clock.instant();
        List<CompletableFuture<Long>> appended = new ArrayList<>();
        tallies.forEach((source, tally) -> {
            if (tally.summarised > 0) {
                appended.add(evidence.append(summary(source, tally, end)));
            }
        });
        tallies.clear();
        individualInWindow = 0;
        windowStart = end;
        return CompletableFuture.allOf(appended.toArray(CompletableFuture[]::new));
    }

    private EvidenceEvent individual(AuthFailure failure) {
        ObjectNode detail = EvidenceEvent.newDetail();
        detail.put("reason", failure.reason());
        detail.put("protocol", failure.protocol());
        if (failure.client() != null) {
            detail.put("client", failure.client());
        }
        failure.context().forEach(detail::put);
        detail.put("count", 1);
        return new EvidenceEvent(clock.instant(), EventType.AUTH_FAILURE, EvidenceEvent.UNAUTHENTICATED, null, null,
                null, detail);
    }

    private EvidenceEvent summary(SourceAddress source, SourceTally tally, Instant end) {
        ObjectNode detail = EvidenceEvent.newDetail();
        detail.put("summary", true);
        detail.put("source", source.key());
        detail.put("count", tally.summarised);
        detail.put("from", windowStart.toString());
        detail.put("to", end.toString());
        tally.reasons.forEach(detail.putObject("reasons")::put);
        tally.protocols.forEach(detail.putObject("protocols")::put);
        return new EvidenceEvent(end, EventType.AUTH_FAILURE, EvidenceEvent.UNAUTHENTICATED, null, null, null, detail);
    }

    /** Writes the open window's summaries; the log must still be open. */
    @Override
    public void close() {
        windows.shutdownNow();
        flush();
    }
}
