package dev.tracegate.ledger.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * Service accounts and tokens: keys created and revoked, gateway tokens issued, exchanged (CI
 * jobs) and renewed, as {@code admin.action} events or token events of their own type; and the
 * sessions of non-human identities.
 */
final class IdentityLifecycle {
    private final Identities identities;
    private final Tally total = new Tally();
    private final TallyMap byAction = new TallyMap();
    private final ArrayNode items = JsonNodeFactory.instance.arrayNode();

    IdentityLifecycle(Identities identities) {
        this.identities = identities;
    }

    void accept(ReportEvent event) {
        if (!EventTypes.identityAction(event.type())) {
            return;
        }
        String action = event.is(EventTypes.ADMIN_ACTION) ? event.detailText("action") : event.type();
        total.count(event.index());
        byAction.get(action).count(event.index());
        ObjectNode item = items.addObject();
        item.put("leaf", event.index());
        item.put("time", String.valueOf(event.time()));
        item.put("action", action);
        item.put("by", event.actor().display());
        // What each action records (token id, rule, account, key id, expiry); never a secret.
        for (Map.Entry<String, JsonNode> member : event.detail().properties()) {
            if (member.getValue().isValueNode() && !member.getKey().equals("action")) {
                item.put(member.getKey(), member.getValue().asText());
            }
        }
    }

    ObjectNode toJson(Sessions sessions) {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.set("total", Figures.of("identity_actions.total",
                "Identity administration: keys created or revoked, tokens issued, exchanged or renewed", total));
        json.set("by_action", byAction.toJson("identity_actions", action -> "Identity actions: " + action));
        json.set("items", items);
        ArrayNode machines = json.putArray("non_human_sessions");
        sessions.toJson().path("by_identity").forEach(row -> {
            String kind = row.path("identity").path("kind").asText();
            if (kind.equals("service") || kind.equals("agent")) {
                machines.add(row.deepCopy());
            }
        });
        return json;
    }
}
