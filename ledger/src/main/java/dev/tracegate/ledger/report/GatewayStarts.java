package dev.tracegate.ledger.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** How a {@code gateway.started} event appears in the report: when, which version, which settings. */
final class GatewayStarts {
    private GatewayStarts() {}

    static ObjectNode item(ReportEvent event) {
        ObjectNode item = JsonNodeFactory.instance.objectNode();
        item.put("leaf", event.index());
        item.put("time", String.valueOf(event.time()));
        copy(event.detail(), item, "version");
        copy(event.detail(), item, "host");
        copy(event.detail(), item, "origin");
        JsonNode evidence = event.detail().path("evidence");
        if (evidence.isObject()) {
            item.set("evidence", evidence.deepCopy());
        }
        return item;
    }

    private static void copy(JsonNode from, ObjectNode to, String name) {
        if (from.path(name).isValueNode()) {
            to.put(name, from.path(name).asText());
        }
    }
}
