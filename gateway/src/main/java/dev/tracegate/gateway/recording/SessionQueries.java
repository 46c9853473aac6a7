package dev.tracegate.gateway.recording;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracegate.gateway.evidence.EventType;
import dev.tracegate.gateway.evidence.EventSelection;
import dev.tracegate.gateway.evidence.EvidenceLog;
import dev.tracegate.gateway.evidence.EvidenceReader;
import dev.tracegate.gateway.evidence.SessionRow;
import dev.tracegate.gateway.evidence.SessionSelection;
import dev.tracegate.gateway.identity.Identity;
import dev.tracegate.gateway.store.StoreException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads sessions back out of the evidence log for the API and the CLI: the query index finds them
 * ({@code evidence_session}, {@code evidence_chunk}), the log gives their events. Each query first
 * waits until every event that is already durable is indexed, so a caller sees what it just did.
 */
public final class SessionQueries {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final EvidenceLog log;

    public SessionQueries(EvidenceLog log) {
        this.log = log;
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
        SessionSelection selection = new SessionSelection(filter.actorSubject(), filter.connection(), filter.from(),
                filter.to(), filter.traceId(), filter.status() == null ? null : filter.status().equals("open"));
        log.awaitStored();
        try (EvidenceReader reader = log.reader()) {
            List<SessionSummary> sessions = new ArrayList<>();
            long below = Long.MAX_VALUE;
            while (sessions.size() < filter.limit()) {
                List<SessionRow> rows = reader.sessions(selection, below, filter.limit());
                for (SessionRow row : rows) {
                    below = row.openIndex();
                    JsonNode opened = parse(reader.leaf(row.openIndex()));
                    if (filter.openedByWanted(opened) && sessions.size() < filter.limit()) {
                        JsonNode closed = row.closeIndex() < 0 ? null : parse(reader.leaf(row.closeIndex()));
                        sessions.add(new SessionSummary(opened.path("session").asText(), opened, closed));
                    }
                }
                if (rows.size() < filter.limit()) {
                    break;
                }
            }
            return sessions;
        }
    }

    /** How far back "recent" activity is looked for: a bounded scan however quiet the person is. */
    static final long RECENT_EVENTS = 200_000;

    /**
     * The person's latest commands (newest first) among the log's last {@link #RECENT_EVENTS}
     * events: theirs only, not those of the same subject at another issuer.
     */
    public List<JsonNode> recentCommands(Identity person, int limit) {
        int wanted = Math.max(1, Math.min(limit, 100));
        log.awaitStored();
        try (EvidenceReader reader = log.reader()) {
            long[] indices = reader.indices(EventSelection.ofActor(person.subject(),
                    Math.max(0, reader.size() - RECENT_EVENTS)));
            List<JsonNode> found = new ArrayList<>();
            for (int i = indices.length - 1; i >= 0 && found.size() < wanted; i--) {
                JsonNode event = parse(reader.leaf(indices[i]));
                if (event.path("type").asText().equals(EventType.COMMAND)
                        && person.is(event.path("actor").path("iss").asText(null), event.path("actor").path("sub").asText(null))) {
                    found.add(event);
                }
            }
            return found;
        }
    }

    /** Every event of the session in log order, or empty when there is no such session. */
    public List<JsonNode> events(String sessionId) {
        log.awaitStored();
        try (EvidenceReader reader = log.reader()) {
            List<JsonNode> events = new ArrayList<>();
            for (byte[] leaf : reader.leaves(reader.indices(EventSelection.ofSession(sessionId)))) {
                events.add(parse(leaf));
            }
            return events;
        }
    }

    static JsonNode parse(byte[] leaf) {
        try {
            return JSON.readTree(leaf);
        } catch (IOException e) {
            throw new StoreException("an event in the store is not valid JSON: the store may have been tampered with", e);
        }
    }
}
