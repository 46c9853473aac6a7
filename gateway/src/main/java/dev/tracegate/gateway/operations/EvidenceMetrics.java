package dev.tracegate.gateway.operations;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tracegate.gateway.evidence.EventType;
import dev.tracegate.gateway.evidence.EvidenceEvent;
import dev.tracegate.gateway.evidence.EvidenceObserver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Metrics read off the evidence stream: sessions, commands by protocol and class, refusals by
 * outcome, approvals and their wait, masked values, failed log-ins, and the log's write latency.
 * Counting what is recorded, rather than instrumenting each engine, keeps the figures in step with
 * the evidence and gives every protocol its metrics without code of its own. Labels hold only
 * values the gateway chooses (protocol, statement class, outcome, limit), never a caller's words.
 */
final class EvidenceMetrics implements EvidenceObserver {

    /** Approvals still waiting, by id, to time their wait; bounded in case decisions never come. */
    private static final int TRACKED_APPROVALS = 10_000;

    private final MeterRegistry registry;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    /** {@code tracegate.commands} by protocol, then class: found without building a key, as every statement counts. */
    private final Map<String, Map<String, Counter>> commands = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> openSessions = new ConcurrentHashMap<>();
    private final Map<String, Waiting> approvalsWaiting = new ConcurrentHashMap<>();
    private final Timer evidenceWrite;

    EvidenceMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.evidenceWrite = Timer.builder("tracegate.evidence.write")
                .description("time from queueing an event to its batch being durable (the write-ahead wait of a command)")
                .publishPercentileHistogram().register(registry);
    }

    @Override
    public void queued(EvidenceEvent event) {
        if (EventType.COMMAND_RESULT.equals(event.type())) {
            // No metric counts results; their detail is canonical text (CanonicalDetail), not parsed for nothing.
            return;
        }
        String protocol = event.resource() == null ? "none" : label(event.resource().protocol());
        if (EventType.COMMAND.equals(event.type())) {
            // A command's detail is canonical text too; its class is handed over with it, so nothing is parsed.
            commandCounter(protocol, label(event.detailString("class"))).increment();
            return;
        }
        if (EventType.MASKING_APPLIED.equals(event.type())) {
            // Canonical text too, its count of values handed over with it as digits: nothing is parsed.
            count("tracegate.masking.values", "values masked before they left the gateway",
                    valuesMasked(event.detailString("valuesMasked")), "protocol", protocol);
            return;
        }
        JsonNode detail = event.detail();
        switch (event.type()) {
            case EventType.SESSION_OPEN -> {
                count("tracegate.sessions.opened", "sessions opened", 1, "protocol", protocol);
                open(protocol).incrementAndGet();
            }
            case EventType.SESSION_CLOSE -> open(protocol).decrementAndGet();
            // A refusal by memory comes before any connection is chosen, and one event counts the refusals of a minute.
            case EventType.SESSION_REFUSED -> count("tracegate.sessions.refused", "sessions refused by a limit per caller",
                    detail.path("count").asLong(1), "protocol", event.resource() == null
                            ? label(detail.path("protocol").asText(null)) : protocol,
                    "limit", label(detail.path("limit").asText(null)));
            case EventType.COMMAND_BLOCKED -> count("tracegate.commands.refused",
                    "commands that did not run: blocked, denied, expired, withdrawn, limited", 1,
                    "protocol", protocol, "outcome", label(detail.path("outcome").asText(null)));
            case EventType.APPROVAL_REQUESTED -> {
                count("tracegate.approvals.requested", "commands held for approvers", 1, "protocol", protocol);
                if (approvalsWaiting.size() >= TRACKED_APPROVALS) {
                    // Decided on another node sharing the store: this node never sees the end, only the deadline.
                    Instant now = Instant.now();
                    approvalsWaiting.values().removeIf(waiting -> waiting.expiresAt().isBefore(now));
                }
                if (approvalsWaiting.size() < TRACKED_APPROVALS) {
                    approvalsWaiting.put(detail.path("id").asText(""), new Waiting(System.nanoTime(), expiresAt(detail)));
                }
            }
            case EventType.APPROVAL_DECIDED -> decided(detail);
            case EventType.AUTH_FAILURE -> count("tracegate.auth.failures", "credentials refused", detail.path("count").asLong(1));
            default -> {
            }
        }
    }

    @Override
    public void written(int events, long oldestWaitNanos) {
        evidenceWrite.record(Duration.ofNanos(oldestWaitNanos));
    }

    /** The digits of a {@code masking.applied} event's {@code valuesMasked}; 0 when it has none (as the tree read it). */
    private static long valuesMasked(String digits) {
        try {
            return digits == null ? 0 : Long.parseLong(digits);
        } catch (NumberFormatException notACount) {
            return 0;
        }
    }

    private void decided(JsonNode detail) {
        Waiting requested = approvalsWaiting.remove(detail.path("id").asText(""));
        if (requested == null) {
            return; // a vote short of a decision, or a request from before this start
        }
        Timer.builder("tracegate.approvals.wait").description("time from a command being held to the approvers' decision")
                .tag("outcome", label(detail.path("outcome").asText(null))).register(registry)
                .record(Duration.ofNanos(System.nanoTime() - requested.since()));
    }

    /** A request this node saw made: since when (monotonic) and until when it can wait at most. */
    private record Waiting(long since, Instant expiresAt) {
    }

    private static Instant expiresAt(JsonNode detail) {
        try {
            return Instant.parse(detail.path("expires_at").asText(""));
        } catch (DateTimeParseException e) {
            return Instant.MAX;
        }
    }

    private AtomicLong open(String protocol) {
        return openSessions.computeIfAbsent(protocol, p -> {
            AtomicLong gauge = new AtomicLong();
            Gauge.builder("tracegate.sessions.open", gauge, AtomicLong::get).description("sessions open now")
                    .tag("protocol", p).register(registry);
            return gauge;
        });
    }

    private Counter commandCounter(String protocol, String statementClass) {
        Map<String, Counter> byClass = commands.get(protocol);
        Counter counter = byClass == null ? null : byClass.get(statementClass);
        if (counter != null) {
            return counter;
        }
        return commands.computeIfAbsent(protocol, p -> new ConcurrentHashMap<>()).computeIfAbsent(statementClass,
                c -> Counter.builder("tracegate.commands").description("commands recorded before they ran")
                        .tags("protocol", protocol, "class", c).register(registry));
    }

    private void count(String name, String description, long amount, String... tags) {
        if (amount <= 0) {
            return;
        }
        String key = name + String.join("|", tags);
        counters.computeIfAbsent(key, k -> Counter.builder(name).description(description).tags(tags).register(registry))
                .increment(amount);
    }

    private static String label(String value) {
        return value == null || value.isEmpty() ? "none" : value;
    }
}
