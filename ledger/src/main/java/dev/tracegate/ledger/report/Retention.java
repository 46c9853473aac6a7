package dev.tracegate.ledger.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tracegate.ledger.bundle.BlobReference;
import java.util.function.Predicate;

/**
 * Retention: the settings the gateway reported when it started (before and during the period),
 * what blob retention removed in the period, and which blobs the period's events refer to that
 * the bundle no longer holds. Leaves keep committing to a removed blob's hash.
 */
final class Retention {
    private final ReportScope scope;
    private final Predicate<String> blobPresent;
    private final ArrayNode settings = JsonNodeFactory.instance.arrayNode();
    private final Tally removed = new Tally();
    private final ArrayNode removals = JsonNodeFactory.instance.arrayNode();
    private final Tally referenced = new Tally();
    private final Tally absent = new Tally();
    private ObjectNode inForceAtStart;

    Retention(ReportScope scope, Predicate<String> blobPresent) {
        this.scope = scope;
        this.blobPresent = blobPresent;
    }

    /** Every event of the bundle: starts before the period say what was in force when it began. */
    void accept(ReportEvent event) {
        if (event.is(EventTypes.GATEWAY_STARTED)) {
            if (scope.isBeforePeriod(event)) {
                inForceAtStart = GatewayStarts.item(event);
            } else if (scope.inPeriod(event)) {
                settings.add(GatewayStarts.item(event));
            }
        }
        if (!scope.counts(event)) {
            return;
        }
        if (event.is(EventTypes.RETENTION_APPLIED)) {
            removed.add(Math.max(0, event.detail().path("deleted").asLong(0)), event.index());
            ObjectNode item = removals.addObject();
            item.put("leaf", event.index());
            item.put("time", String.valueOf(event.time()));
            item.put("deleted", event.detail().path("deleted").asLong(0));
            item.put("stored_before", event.detailText("stored_before"));
        }
        for (BlobReference reference : BlobReference.findIn(event.detail())) {
            referenced.count(event.index());
            if (!blobPresent.test(reference.sha256Hex())) {
                absent.count(event.index());
            }
        }
    }

    ObjectNode toJson() {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.set("in_force_at_start", inForceAtStart == null ? NullNode.instance : inForceAtStart);
        json.set("starts_in_period", settings);
        json.set("removed", Figures.of("retention.removed", "Blob contents removed by retention in the period", removed));
        json.set("removals", removals);
        json.set("referenced", Figures.of("retention.blobs_referenced", "Blob references in the period's events", referenced));
        json.set("absent", Figures.of("retention.blobs_absent",
                "Blob references whose content the bundle does not hold (removed by retention, or never stored)", absent));
        return json;
    }
}
