package dev.tracegate.gateway.recording;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracegate.gateway.evidence.EventType;
import dev.tracegate.gateway.evidence.EvidenceLog;
import dev.tracegate.gateway.store.Store;
import dev.tracegate.gateway.store.StoreException;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One reasoning trace across sessions and protocols: every event that carries the trace id, and
 * with each traced command the events that tell what became of it (its result, what was masked,
 * whether it was blocked, who approved it), which do not repeat the trace id themselves. The
 * open and close of each session involved give who and where. In log order.
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
        log.awaitStored();
        try (Connection c = store.dataSource().getConnection()) {
            Map<Long, JsonNode> events = new LinkedHashMap<>();
            Map<String, Set<Long>> commandsBySession = new HashMap<>();
            try (PreparedStatement query = c.prepareStatement(
                    "SELECT idx, session_id, leaf FROM evidence_event WHERE trace_id = ? ORDER BY idx")) {
                query.setString(1, traceId);
                try (ResultSet rs = query.executeQuery()) {
                    while (rs.next()) {
                        JsonNode event = parse(rs.getBytes(3));
                        events.put(rs.getLong(1), event);
                        String session = rs.getString(2);
                        if (session != null && event.path("detail").has("seq")) {
                            commandsBySession.computeIfAbsent(session, k -> new HashSet<>())
                                    .add(event.path("detail").path("seq").asLong());
                        }
                    }
                }
            }
            for (Map.Entry<String, Set<Long>> session : commandsBySession.entrySet()) {
                addRelated(c, session.getKey(), session.getValue(), events);
            }
            List<Map.Entry<Long, JsonNode>> ordered = new ArrayList<>(events.entrySet());
            ordered.sort(Map.Entry.comparingByKey(Comparator.naturalOrder()));
            return ordered.stream().map(Map.Entry::getValue).toList();
        } catch (SQLException e) {
            throw new StoreException("cannot read trace " + traceId, e);
        }
    }

    /** The session's open and close, and every event about the traced commands (same seq, or an approval between them). */
    private void addRelated(Connection c, String sessionId, Set<Long> sequences, Map<Long, JsonNode> events)
            throws SQLException {
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
                    if (traced || approval || type.equals(EventType.SESSION_OPEN) || type.equals(EventType.SESSION_CLOSE)) {
                        events.putIfAbsent(rs.getLong(1), event);
                    }
                    if (traced && (type.equals(EventType.COMMAND_RESULT) || type.equals(EventType.COMMAND_BLOCKED))) {
                        insideTracedCommand = false;
                    }
                }
            }
        }
    }

    private static JsonNode parse(byte[] leaf) {
        try {
            return JSON.readTree(leaf);
        } catch (IOException e) {
            throw new StoreException("an event in the store is not valid JSON: the store may have been tampered with", e);
        }
    }
}
