package dev.tracegate.ledger.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * Refused credentials. An {@code auth.failure} event is one refusal, or under a flood a summary
 * of many with their {@code count} and a {@code reasons} breakdown; the figures add the counts.
 */
final class AuthFailures {
    private final Tally total = new Tally();
    private final Tally summaries = new Tally();
    private final TallyMap byReason = new TallyMap();
    private final TallyMap bySource = new TallyMap();

    void accept(ReportEvent event) {
        if (!event.is(EventTypes.AUTH_FAILURE)) {
            return;
        }
        long count = Math.max(1, event.detail().path("count").asLong(1));
        total.add(count, event.index());
        bySource.get(source(event)).add(count, event.index());
        JsonNode reasons = event.detail().path("reasons");
        if (reasons.isObject() && !reasons.isEmpty()) {
            summaries.count(event.index());
            for (Map.Entry<String, JsonNode> reason : reasons.properties()) {
                byReason.get(reason.getKey()).add(Math.max(0, reason.getValue().asLong(0)), event.index());
            }
        } else {
            byReason.get(event.detailText("reason")).add(count, event.index());
        }
    }

    /** The address without its port (a summary's source already is one). */
    private static String source(ReportEvent event) {
        String source = event.detailText("source");
        if (source != null) {
            return source;
        }
        String client = event.detailText("client");
        if (client == null) {
            return null;
        }
        int port = client.lastIndexOf(':');
        return port > 0 && client.indexOf(':') == port ? client.substring(0, port) : client;
    }

    ObjectNode toJson() {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.set("total", Figures.of("auth_failures.total", "Failed authentications", total));
        json.set("summaries", Figures.of("auth_failures.summaries",
                "Summary events (one per source and minute under a flood)", summaries));
        json.set("by_reason", byReason.toJson("auth_failures.by_reason", key -> "Refused: " + key));
        json.set("by_source", bySource.toJson("auth_failures.by_source", key -> "Refused from " + key));
        return json;
    }
}
