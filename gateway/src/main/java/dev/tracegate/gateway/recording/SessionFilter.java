package dev.tracegate.gateway.recording;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Locale;

/**
 * Which sessions to list; every field is optional and null means "any".
 *
 * @param actorIssuer  whose sessions: the issuer of the identity that opened them
 * @param actorSubject whose sessions: its subject (a subject alone may name people at several issuers)
 * @param connection   on which connection
 * @param from         opened at or after
 * @param to           opened before
 * @param traceId      with at least one event of this reasoning trace
 * @param status       {@code open} or {@code closed}
 * @param limit        at most this many, most recent first (1..1000)
 */
public record SessionFilter(String actorIssuer, String actorSubject, String connection, Instant from, Instant to,
                            String traceId, String status, int limit) {

    public SessionFilter {
        if (status != null) {
            status = status.toLowerCase(Locale.ROOT);
            if (!status.equals("open") && !status.equals("closed")) {
                throw new IllegalArgumentException("status is open or closed, not " + status);
            }
        }
        if (traceId != null && !traceId.matches("[0-9a-f]{32}")) {
            throw new IllegalArgumentException("a trace id is 32 lowercase hex digits");
        }
        if (actorIssuer != null && actorSubject == null) {
            throw new IllegalArgumentException("an issuer filter needs a user (subject) too");
        }
        limit = Math.max(1, Math.min(limit, 1000));
    }

    /** Someone's sessions on a connection (either may be null), most recent first, at whatever issuer. */
    public static SessionFilter of(String actorSubject, String connection, int limit) {
        return new SessionFilter(null, actorSubject, connection, null, null, null, null, limit);
    }

    /**
     * The store indexes subjects only, so the issuer is checked on the {@code session.open} event
     * itself: the store narrows, this decides.
     */
    boolean openedByWanted(JsonNode sessionOpen) {
        return actorIssuer == null || actorIssuer.equals(sessionOpen.path("actor").path("iss").asText(null));
    }
}
