package dev.tracegate.gateway.evidence;

import java.time.Instant;

/**
 * Which events to look up in the query index; every field is optional (null: any) and they
 * combine with AND. Times narrow by chunk (the earliest and latest event of each), so a caller
 * that filters by time still checks each event's own time.
 *
 * @param session      one session
 * @param actorSubject the actor's subject
 * @param connection   the connection name
 * @param trace        one W3C trace id
 * @param from         events at or after this time (by chunk)
 * @param to           events before this time (by chunk)
 * @param fromIndex    events at or after this index
 */
public record EventSelection(String session, String actorSubject, String connection, String trace, Instant from,
                             Instant to, long fromIndex) {

    public static EventSelection ofSession(String session) {
        return new EventSelection(session, null, null, null, null, null, 0);
    }

    public static EventSelection ofTrace(String trace) {
        return new EventSelection(null, null, null, trace, null, null, 0);
    }

    public static EventSelection ofActor(String actorSubject, long fromIndex) {
        return new EventSelection(null, actorSubject, null, null, null, null, fromIndex);
    }
}
