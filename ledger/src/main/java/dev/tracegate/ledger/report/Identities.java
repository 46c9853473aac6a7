package dev.tracegate.ledger.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashMap;
import java.util.Map;

/** The identities a report names, by key, as last seen: figures refer to them by key. */
final class Identities {
    private final Map<String, ReportEvent.Actor> known = new HashMap<>();

    String remember(ReportEvent.Actor actor) {
        known.put(actor.key(), actor);
        return actor.key();
    }

    ReportEvent.Actor get(String key) {
        return known.get(key);
    }

    String display(String key) {
        ReportEvent.Actor actor = known.get(key);
        return actor == null ? key : actor.display();
    }

    /** Rows of a breakdown by identity, each given the identity's display name next to its key. */
    ArrayNode named(ArrayNode rows) {
        rows.forEach(row -> ((ObjectNode) row).put("name", display(row.path("key").asText())));
        return rows;
    }

    static ObjectNode toJson(ReportEvent.Actor actor) {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("issuer", actor.issuer());
        json.put("subject", actor.subject());
        if (actor.name() != null) {
            json.put("name", actor.name());
        }
        json.put("kind", actor.kindOrUnknown());
        actor.groups().forEach(json.putArray("groups")::add);
        return json;
    }

    ObjectNode toJson(String key) {
        ReportEvent.Actor actor = known.get(key);
        return actor == null ? JsonNodeFactory.instance.objectNode().put("key", key) : toJson(actor);
    }
}
