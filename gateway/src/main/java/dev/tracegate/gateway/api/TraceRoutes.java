package dev.tracegate.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tracegate.gateway.evidence.EvidenceLog;
import dev.tracegate.gateway.identity.Identity;
import dev.tracegate.gateway.recording.TraceQueries;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code GET /api/traces/{id}}: one reasoning trace across sessions and protocols (docs/traces.md).
 * Read as sessions are: administrators and auditors see every event; anyone else sees the events
 * of the sessions they opened, and a trace with none of theirs does not exist for them (404, as
 * an unknown one).
 */
final class TraceRoutes {

    private static final Pattern TRACE_ID = Pattern.compile("[0-9a-f]{32}");

    private TraceRoutes() {
    }

    static void register(RoutesConfig routes, EvidenceLog evidence) {
        TraceQueries traces = new TraceQueries(evidence);
        routes.get("/api/traces/{id}", ctx -> show(ctx, traces));
    }

    private static void show(Context ctx, TraceQueries traces) {
        Identity caller = ctx.attribute(ApiServer.IDENTITY);
        String id = ctx.pathParam("id").toLowerCase(Locale.ROOT);
        if (!TRACE_ID.matcher(id).matches()) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "a trace id is 32 hexadecimal digits (W3C trace context)");
        }
        List<JsonNode> events = traces.timeline(id, ApiServer.readsAll(caller) ? null : caller);
        if (events.isEmpty()) {
            throw new ApiException(HttpStatus.NOT_FOUND, "no events of trace " + id);
        }
        ctx.json(Map.of("trace", id, "events", events));
    }
}
