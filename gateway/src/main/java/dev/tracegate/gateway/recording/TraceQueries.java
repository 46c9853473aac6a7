package dev.tracegate.gateway.recording;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tracegate.gateway.evidence.EventType;
import dev.tracegate.gateway.evidence.EventSelection;
import dev.tracegate.gateway.evidence.EvidenceLog;
import dev.tracegate.gateway.evidence.EvidenceReader;
import dev.tracegate.gateway.identity.Identity;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * One reasoning trace across sessions and protocols, in log order:
 * <ul>
 *   <li>every event that carries the trace id;</li>
 *   <li>with each traced command, the events of its session about that command, which do not
 *       repeat the trace id: those with the same {@code seq} ({@code command.result},
 *       {@code masking.applied}, {@code command.blocked}, a grant's {@code approval.decided}), and
 *       the {@code approval.requested}/{@code approval.decided} events between the command and its
 *       result or refusal (a held command stops its session, so nothing else comes in between);</li>
 *   <li>the {@code session.open} and {@code session.close} of every session involved: who, from
 *       where, how it ended.</li>
 * </ul>
 * Events of the same sessions that are not about traced commands stay out.
 */
public final class TraceQueries {

    /** Most events considered per session involved; a runaway session cannot make a trace unreadable. */
    private static final int MAX_SESSION_EVENTS = 100_000;

    private final EvidenceLog log;

    public TraceQueries(EvidenceLog log) {
        this.log = log;
    }

    /** The timeline of {@code traceId} (32 lowercase hex), or empty when no event carries it. */
    public List<JsonNode> timeline(String traceId) {
        return timeline(traceId, null);
    }

    /**
     * The timeline as a caller who may only read their own sessions sees it: the events of the
     * sessions {@code owner} opened (all of each, as {@code GET /api/sessions/{id}} shows them,
     * including the approver's decision on a held command), owner meaning issuer and subject
     * both. Null: every event.
     */
    public List<JsonNode> timeline(String traceId, Identity owner) {
        log.awaitStored();
        try (EvidenceReader reader = log.reader()) {
            TreeMap<Long, JsonNode> events = new TreeMap<>();
            Map<String, Set<Long>> commandsBySession = new LinkedHashMap<>();
            long[] traced = reader.indices(EventSelection.ofTrace(traceId));
            List<byte[]> leaves = reader.leaves(traced);
            for (int i = 0; i < traced.length; i++) {
                JsonNode event = SessionQueries.parse(leaves.get(i));
                events.put(traced[i], event);
                String session = event.path("session").asText(null);
                if (session != null) {
                    Set<Long> sequences = commandsBySession.computeIfAbsent(session, k -> new HashSet<>());
                    if (event.path("detail").path("seq").isNumber()) {
                        sequences.add(event.path("detail").path("seq").asLong());
                    }
                }
            }
            Map<String, JsonNode> owners = new HashMap<>();
            for (Map.Entry<String, Set<Long>> session : commandsBySession.entrySet()) {
                addRelated(reader, session.getKey(), session.getValue(), events, owners);
            }
            return events.values().stream()
                    .filter(e -> owner == null || openedBy(owners.get(e.path("session").asText(null)), owner))
                    .toList();
        }
    }

    /**
     * Adds the session's open and close and every event about the traced commands (same seq, or an
     * approval between such a command and its end), and notes who opened the session.
     */
    private void addRelated(EvidenceReader reader, String sessionId, Set<Long> sequences, Map<Long, JsonNode> events,
                            Map<String, JsonNode> owners) {
        long[] indices = reader.indices(EventSelection.ofSession(sessionId));
        if (indices.length > MAX_SESSION_EVENTS) {
            indices = java.util.Arrays.copyOf(indices, MAX_SESSION_EVENTS);
        }
        boolean insideTracedCommand = false;
        for (int from = 0; from < indices.length; from += 1_000) {
            long[] part = java.util.Arrays.copyOfRange(indices, from, Math.min(indices.length, from + 1_000));
            List<byte[]> leaves = reader.leaves(part);
            for (int i = 0; i < part.length; i++) {
                JsonNode event = SessionQueries.parse(leaves.get(i));
                String type = event.path("type").asText();
                JsonNode seq = event.path("detail").path("seq");
                boolean traced = seq.isNumber() && sequences.contains(seq.asLong());
                if (traced && type.equals(EventType.COMMAND)) {
                    insideTracedCommand = true;
                }
                boolean approval = type.startsWith("approval.") && insideTracedCommand;
                boolean bounds = type.equals(EventType.SESSION_OPEN) || type.equals(EventType.SESSION_CLOSE);
                if (type.equals(EventType.SESSION_OPEN)) {
                    owners.put(sessionId, event.path("actor"));
                }
                if (traced || approval || bounds) {
                    events.putIfAbsent(part[i], event);
                }
                if (traced && (type.equals(EventType.COMMAND_RESULT) || type.equals(EventType.COMMAND_BLOCKED))) {
                    insideTracedCommand = false;
                }
            }
        }
    }

    private static boolean openedBy(JsonNode actor, Identity owner) {
        return actor != null && owner.is(actor.path("iss").asText(null), actor.path("sub").asText(null));
    }
}
