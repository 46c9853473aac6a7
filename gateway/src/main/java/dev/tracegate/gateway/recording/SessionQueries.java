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
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads sessions back out of the evidence log for the API and the CLI. Each query first waits
 * until the store holds every event that is already durable, so a caller sees what it just did.
 */
public final class SessionQueries {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final EvidenceLog log;
    private final Store store;

    public SessionQueries(EvidenceLog log) {
        this.log = log;
        this.store = log.store();
    }

    /**
     * Most recent sessions first.
     *
     * @param actorSubject only this caller's sessions, or null for all
     * @param connection   only this connection, or null for all
     */
    public List<SessionSummary> list(String actorSubject, String connection, int limit) {
        return list(SessionFilter.of(actorSubject, connection, limit));
    }

    /** The sessions {@code filter} selects, most recent first. */
    public List<SessionSummary> list(SessionFilter filter) {
        StringBuilder sql = new StringBuilder("SELECT e.session_id, e.leaf FROM evidence_event e WHERE e.event_type = ?");
        List<Object> args = new ArrayList<>(List.of(EventType.SESSION_OPEN));
        if (filter.actorSubject() != null) {
            sql.append(" AND e.actor_subject = ?");
            args.add(filter.actorSubject());
        }
        if (filter.connection() != null) {
            sql.append(" AND e.connection_name = ?");
            args.add(filter.connection());
        }
        if (filter.from() != null) {
            sql.append(" AND e.event_time >= ?");
            args.add(Timestamp.from(filter.from()));
        }
        if (filter.to() != null) {
            sql.append(" AND e.event_time < ?");
            args.add(Timestamp.from(filter.to()));
        }
        if (filter.traceId() != null) {
            sql.append(" AND e.session_id IN (SELECT t.session_id FROM evidence_event t WHERE t.trace_id = ?)");
            args.add(filter.traceId());
        }
        if (filter.status() != null) {
            sql.append(filter.status().equals("open") ? " AND NOT EXISTS" : " AND EXISTS")
                    .append(" (SELECT 1 FROM evidence_event c WHERE c.session_id = e.session_id AND c.event_type = ?)");
            args.add(EventType.SESSION_CLOSE);
        }
        log.awaitStored();
        sql.append(" ORDER BY e.idx DESC LIMIT ").append(filter.limit()); // SessionFilter keeps it within 1..1000
        try (Connection c = store.dataSource().getConnection();
             PreparedStatement query = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < args.size(); i++) {
                query.setObject(i + 1, args.get(i));
            }
            List<SessionSummary> sessions = new ArrayList<>();
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    String id = rs.getString(1);
                    sessions.add(new SessionSummary(id, parse(rs.getBytes(2)), closeEvent(c, id).orElse(null)));
                }
            }
            return sessions;
        } catch (SQLException e) {
            throw new StoreException("cannot list sessions", e);
        }
    }

    /** How far back "recent" activity is looked for: a bounded scan however quiet the person is. */
    static final long RECENT_EVENTS = 200_000;

    /** The person's latest commands (newest first) among the log's last {@link #RECENT_EVENTS} events. */
    public List<JsonNode> recentCommands(String actorSubject, int limit) {
        log.awaitStored();
        try (Connection c = store.dataSource().getConnection();
             PreparedStatement query = c.prepareStatement("SELECT leaf FROM evidence_event WHERE event_type = ? AND idx >= ?"
                     + " AND actor_subject = ? ORDER BY idx DESC LIMIT " + Math.max(1, Math.min(limit, 100)))) {
            query.setString(1, EventType.COMMAND);
            query.setLong(2, Math.max(0, log.size() - RECENT_EVENTS));
            query.setString(3, actorSubject);
            List<JsonNode> commands = new ArrayList<>();
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    commands.add(parse(rs.getBytes(1)));
                }
            }
            return commands;
        } catch (SQLException e) {
            throw new StoreException("cannot read recent commands", e);
        }
    }

    /** Every event of the session in log order, or empty when there is no such session. */
    public List<JsonNode> events(String sessionId) {
        log.awaitStored();
        try (Connection c = store.dataSource().getConnection();
             PreparedStatement query = c.prepareStatement(
                     "SELECT leaf FROM evidence_event WHERE session_id = ? ORDER BY idx")) {
            query.setString(1, sessionId);
            List<JsonNode> events = new ArrayList<>();
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    events.add(parse(rs.getBytes(1)));
                }
            }
            return events;
        } catch (SQLException e) {
            throw new StoreException("cannot read session " + sessionId, e);
        }
    }

    private Optional<JsonNode> closeEvent(Connection c, String sessionId) throws SQLException {
        try (PreparedStatement query = c.prepareStatement(
                "SELECT leaf FROM evidence_event WHERE session_id = ? AND event_type = ? ORDER BY idx DESC LIMIT 1")) {
            query.setString(1, sessionId);
            query.setString(2, EventType.SESSION_CLOSE);
            try (ResultSet rs = query.executeQuery()) {
                return rs.next() ? Optional.of(parse(rs.getBytes(1))) : Optional.empty();
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
