package dev.tracegate.gateway.recording;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracegate.gateway.evidence.EventType;
import dev.tracegate.gateway.evidence.EvidenceLog;
import dev.tracegate.gateway.identity.Identity;
import dev.tracegate.gateway.store.Store;
import dev.tracegate.gateway.store.StoreException;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
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

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Most events considered per session involved; a runaway session cannot make a trace unreadable. */
    private static final int MAX_SESSION_EVENTS = 100_000;

    private final EvidenceLog log;
    private final Store store;

    public TraceQueries(EvidenceLog log) {
        this.log = log;
        this.store = log.store();
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
        try (Connection c = store.dataSource().getConnection()) {
            TreeMap<Long, JsonNode> events = new TreeMap<>();
            Map<String, Set<Long>> commandsBySession = new LinkedHashMap<>();
            try (PreparedStatement query = c.prepareStatement(
                    "SELECT idx, session_id, leaf FROM evidence_event WHERE trace_id = ? ORDER BY idx")) {
                query.setString(1, traceId);
                try (ResultSet rs = query.executeQuery()) {
                    while (rs.next()) {
                        JsonNode event = parse(rs.getBytes(3));
                        events.put(rs.getLong(1), event);
                        String session = rs.getString(2);
                        if (session != null) {
                            Set<Long> sequences = commandsBySession.computeIfAbsent(session, k -> new HashSet<>());
                            if (event.path("detail").path("seq").isNumber()) {
                                sequences.add(event.path("detail").path("seq").asLong());
                            }
                        }
                    }
                }
            }
            Map<String, JsonNode> owners = new HashMap<>();
            for (Map.Entry<String, Set<Long>> session : commandsBySession.entrySet()) {
                addRelated(c, session.getKey(), session.getValue(), events, owners);
            }
            return events.values().stream()
                    .filter(e -> owner == null || openedBy(owners.get(e.path("session").asText(null)), owner))
                    .toList();
        } catch (SQLException e) {
            throw new StoreException("cannot read trace " + traceId, e);
        }
    }

    /**
     * Adds the session's open and close and every event about the traced commands (same seq, or an
     * approval between such a command and its end), and notes who opened the session.
     */
    private void addRelated(Connection c, String sessionId, Set<Long> sequences, Map<Long, JsonNode> events,
                            Map<String, JsonNode> owners) throws SQLException {
        try (PreparedStatement query = c.prepareStatement(
                "SELECT idx, event_type, leaf FROM evidence_event WHERE session_id = ? ORDER BY idx")) {
            query.setString(1, sessionId);
            query.setMaxRows(MAX_SESSION_EVENTS);
            try (ResultSet rs = query.executeQuery()) {
                boolean insideTracedCommand = false;
                while (rs.next()) {
                    String type = rs.getString(2);
                    JsonNode event = parse(rs.getBytes(3));
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
                        events.putIfAbsent(rs.getLong(1), event);
                    }
                    if (traced && (type.equals(EventType.COMMAND_RESULT) || type.equals(EventType.COMMAND_BLOCKED))) {
                        insideTracedCommand = false;
                    }
                }
            }
        }
    }

    private static boolean openedBy(JsonNode actor, Identity owner) {
        return actor != null && owner.is(actor.path("iss").asText(null), actor.path("sub").asText(null));
    }

    private static JsonNode parse(byte[] leaf) {
        try {
            return JSON.readTree(leaf);
        } catch (IOException e) {
            throw new StoreException("an event in the store is not valid JSON: the store may have been tampered with", e);
        }
    }
}
