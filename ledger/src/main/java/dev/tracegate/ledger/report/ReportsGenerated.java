package dev.tracegate.ledger.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Earlier reports generated in the period: each is an event with its report.json's SHA-256, to match a copy against. */
final class ReportsGenerated {
    private final Tally total = new Tally();
    private final ArrayNode items = JsonNodeFactory.instance.arrayNode();

    void accept(ReportEvent event) {
        if (!event.is(EventTypes.REPORT_GENERATED)) {
            return;
        }
        total.count(event.index());
        ObjectNode item = items.addObject();
        item.put("leaf", event.index());
        item.put("time", String.valueOf(event.time()));
        item.put("by", event.actor().display());
        item.put("report_sha256", event.detailText("report_sha256"));
        item.put("from", event.detailText("from"));
        item.put("to", event.detailText("to"));
    }

    ObjectNode toJson() {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.set("total", Figures.of("reports.generated", "Audit reports generated in the period", total));
        json.set("items", items);
        return json;
    }
}
