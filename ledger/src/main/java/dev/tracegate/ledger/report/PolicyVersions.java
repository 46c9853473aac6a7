package dev.tracegate.ledger.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Policy versions in force: the one in force when the period began (the last accepted change
 * before it that the bundle holds), each change in the period with its SHA-256, and rejected
 * documents. The gateway records the document's hash when its file watcher loads it; who edited
 * the file is for the repository that keeps it to say.
 */
final class PolicyVersions {
    private final ReportScope scope;
    private final Tally accepted = new Tally();
    private final Tally rejected = new Tally();
    private final ArrayNode changes = JsonNodeFactory.instance.arrayNode();
    private ObjectNode inForceAtStart;

    PolicyVersions(ReportScope scope) {
        this.scope = scope;
    }

    /** Every policy.changed of the bundle: those before the period say what was in force when it began. */
    void accept(ReportEvent event) {
        if (!event.is(EventTypes.POLICY_CHANGED)) {
            return;
        }
        boolean wasAccepted = event.detail().path("accepted").asBoolean(true);
        if (scope.isBeforePeriod(event)) {
            if (wasAccepted) {
                inForceAtStart = item(event, true);
            }
            return;
        }
        if (!scope.counts(event)) {
            return;
        }
        (wasAccepted ? accepted : rejected).count(event.index());
        changes.add(item(event, wasAccepted));
    }

    private static ObjectNode item(ReportEvent event, boolean wasAccepted) {
        ObjectNode item = JsonNodeFactory.instance.objectNode();
        item.put("leaf", event.index());
        item.put("time", String.valueOf(event.time()));
        item.put("sha256", event.detailText("sha256"));
        item.put("accepted", wasAccepted);
        if (event.detail().has("rules")) {
            item.put("rules", event.detail().path("rules").asLong());
        }
        if (event.detailText("error") != null) {
            item.put("error", event.detailText("error"));
        }
        item.put("file", event.detailText("file"));
        item.put("recorded_by", event.actor().display());
        return item;
    }

    ObjectNode toJson() {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.set("in_force_at_start", inForceAtStart == null ? NullNode.instance : inForceAtStart);
        json.set("accepted", Figures.of("policy.accepted", "Policy versions put in force during the period", accepted));
        json.set("rejected", Figures.of("policy.rejected", "Policy documents rejected (the previous one stayed in force)", rejected));
        json.set("changes", changes);
        json.put("changed_by", "The gateway records each document it loads (its SHA-256, the number of rules) as the actor"
                + " \"tracegate gateway\"; who edited the file is recorded by the version control that holds it.");
        return json;
    }
}
