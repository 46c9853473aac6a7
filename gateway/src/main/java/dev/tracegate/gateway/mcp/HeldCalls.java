package dev.tracegate.gateway.mcp;

import dev.tracegate.gateway.identity.Identity;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tool calls that wait for approvers, by approval id, until the agent collects their result with
 * {@code approval_status}. Only the identity that made the call may collect it; a collected or
 * day-old entry is gone.
 */
final class HeldCalls {

    private static final Duration KEPT = Duration.ofHours(24);

    /** Whether the held call has ended, and how; empty while it waits. */
    interface Outcome {
        Optional<ToolAnswer> poll() throws ToolFailure;
    }

    private record Held(Identity owner, Outcome outcome, Instant since) {
    }

    private final Map<String, Held> held = new ConcurrentHashMap<>();
    private final Map<String, Instant> claimed = new ConcurrentHashMap<>();

    /**
     * Claims approval {@code approvalId} for the one call it holds; false when a call claimed it
     * before. A hold's own call hears of it first (the agent learns an id only from that call's
     * answer), so a second call naming it, in a notice its code raises or a target's answer, is not
     * held by it.
     */
    boolean claim(String approvalId) {
        Instant now = Instant.now();
        claimed.values().removeIf(since -> since.plus(KEPT).isBefore(now));
        return claimed.putIfAbsent(approvalId, now) == null;
    }

    void add(String approvalId, Identity owner, Outcome outcome) {
        Instant now = Instant.now();
        held.values().removeIf(h -> h.since().plus(KEPT).isBefore(now));
        held.put(approvalId, new Held(owner, outcome, now));
    }

    /** The held call of {@code approvalId} if {@code caller} made it. */
    Optional<Outcome> find(String approvalId, Identity caller) {
        Held entry = held.get(approvalId);
        return entry != null && entry.owner().samePerson(caller) ? Optional.of(entry.outcome()) : Optional.empty();
    }

    void collected(String approvalId) {
        held.remove(approvalId);
    }
}
