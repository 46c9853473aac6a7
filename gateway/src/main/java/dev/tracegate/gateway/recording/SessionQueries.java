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
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

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
     * @param actorSubject only sessions of this subject (at any issuer), or null for all
     * @param connection   only this connection, or null for all
     */
    public List<SessionSummary> list(String actorSubject, String connection, int limit) {
        return list(SessionFilter.of(actorSubject, connection, limit));
    }

    /** The sessions {@code filter} selects, most recent first. */
    public List<SessionSummary> list(SessionFilter filter) {
        StringBuilder where = new StringBuilder("e.event_type = ?");
        List<Object> args = new ArrayList<>(List.of(EventType.SESSION_OPEN));
        if (filter.actorSubject() != null) {
            where.append(" AND e.actor_subject = ?");
            args.add(filter.actorSubject());
        }
        if (filter.connection() != null) {
            where.append(" AND e.connection_name = ?");
            args.add(filter.connection());
        }
        if (filter.from() != null) {
            where.append(" AND e.event_time >= ?");
            args.add(Timestamp.from(filter.from()));
        }
        if (filter.to() != null) {
            where.append(" AND e.event_time < ?");
            args.add(Timestamp.from(filter.to()));
        }
        if (filter.traceId() != null) {
            where.append(" AND e.session_id IN (SELECT t.session_id FROM evidence_event t WHERE t.trace_id = ?)");
            args.add(filter.traceId());
        }
        if (filter.status() != null) {
            where.append(filter.status().equals("open") ? " AND NOT EXISTS" : " AND EXISTS")
                    .append(" (SELECT 1 FROM evidence_event c WHERE c.session_id = e.session_id AND c.event_type = ?)");
            args.add(EventType.SESSION_CLOSE);
        }
        log.awaitStored();
        try (Connection c = store.dataSource().getConnection()) {
            List<SessionSummary> sessions = new ArrayList<>();
            for (JsonNode opened : newestFirst(c, where.toString(), args, filter::openedByWanted, filter.limit())) {
                String id = opened.path("session").asText();
                sessions.add(new SessionSummary(id, opened, closeEvent(c, id).orElse(null)));
            }
            return sessions;
        } catch (SQLException e) {
            throw new StoreException("cannot list sessions", e);
        }
    }

    /** How far back "recent" activity is looked for: a bounded scan however quiet the person is. */
    static final long RECENT_EVENTS = 200_000;

    /**
     * The person's latest commands (newest first) among the log's last {@link #RECENT_EVENTS}
     * events: theirs only, not those of the same subject at another issuer.
     */
    public List<JsonNode> recentCommands(Identity person, int limit) {
        log.awaitStored();
        try (Connection c = store.dataSource().getConnection()) {
            return newestFirst(c, "e.event_type = ? AND e.idx >= ? AND e.actor_subject = ?",
                    List.of(EventType.COMMAND, Math.max(0, log.size() - RECENT_EVENTS), person.subject()),
                    event -> person.is(event.path("actor").path("iss").asText(null), event.path("actor").path("sub").asText(null)),
                    Math.max(1, Math.min(limit, 100)));
        } catch (SQLException e) {
            throw new StoreException("cannot read recent commands", e);
        }
    }

    /**
     * Up to {@code limit} events matching {@code where} and then {@code wanted}, newest first. The
     * store narrows (by subject, say) and {@code wanted} decides on the event itself (the issuer),
     * so batches continue below the last index read until enough were wanted or none are left.
     */
    private static List<JsonNode> newestFirst(Connection c, String where, List<Object> args, Predicate<JsonNode> wanted,
                                              int limit) throws SQLException {
        List<JsonNode> found = new ArrayList<>();
        long below = Long.MAX_VALUE;
        try (PreparedStatement query = c.prepareStatement("SELECT e.idx, e.leaf FROM evidence_event e WHERE " + where
                + " AND e.idx < ? ORDER BY e.idx DESC LIMIT " + limit)) {
            while (found.size() < limit) {
                for (int i = 0; i < args.size(); i++) {
                    query.setObject(i + 1, args.get(i));
                }
                query.setLong(args.size() + 1, below);
                int read = 0;
                try (ResultSet rs = query.executeQuery()) {
                    while (rs.next() && found.size() < limit) {
                        read++;
                        below = rs.getLong(1);
                        JsonNode event = parse(rs.getBytes(2));
                        if (wanted.test(event)) {
                            found.add(event);
                        }
                    }
                }
                if (read < limit) {
                    break;
                }
            }
        }
        return found;
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
