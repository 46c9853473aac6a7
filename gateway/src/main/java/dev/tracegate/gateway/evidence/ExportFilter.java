package dev.tracegate.gateway.evidence;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
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

    /**
     * What the bundle's signed manifest states was asked for: {@code {"export":"all"}}, or
     * {@code {"export":"filtered", ...}} with each filter given (times in ISO-8601 UTC).
     */
    public ObjectNode toSelection() {
        ObjectNode selection = JsonNodeFactory.instance.objectNode().put("export", selectsEverything() ? "all" : "filtered");
        String[][] given = {{"from", from == null ? null : from.toString()}, {"to", to == null ? null : to.toString()},
                {"user", user}, {"connection", connection}, {"session", session}, {"trace", trace}};
        for (String[] member : given) {
            if (member[1] != null) {
                selection.put(member[0], member[1]);
            }
        }
        return selection;
    }

    public boolean selectsEverything() {
        return from == null && to == null && user == null && connection == null && session == null && trace == null;
    }
}
