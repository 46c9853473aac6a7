package dev.tracegate.gateway.evidence;

import java.time.Instant;

/**
 * Which events an export selects; every field is optional and they combine with AND. An empty
 * filter is a full export, verified by recomputing the whole tree; any filter gives a partial
 * export with an inclusion proof per event.
 *
 * @param from       events at or after this time
 * @param to         events before this time
 * @param user       the actor's subject (e.g. {@code apikey:analyst})
 * @param connection the connection name
 * @param session    one session
 * @param trace      one W3C trace id
 */
public record ExportFilter(Instant from, Instant to, String user, String connection, String session, String trace) {

    public static final ExportFilter ALL = new ExportFilter(null, null, null, null, null, null);

    /** Whether the query index can narrow the export (by anything but time). */
    boolean narrowsByIndex() {
        return user != null || connection != null || session != null || trace != null;
    }

    public boolean selectsEverything() {
        return from == null && to == null && user == null && connection == null && session == null && trace == null;
    }
}
