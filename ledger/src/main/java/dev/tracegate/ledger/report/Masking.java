package dev.tracegate.ledger.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Masking applied: per column or field and entity type, how many values, for the caller
 * ({@code client}) or only in the kept evidence ({@code record}); by rule and profile; and who
 * the masked callers are.
 */
final class Masking {
    private final Identities identities;
    private final Tally events = new Tally();
    private final Tally values = new Tally();
    private final TallyMap byAppliedTo = new TallyMap();
    private final TallyMap byLocation = new TallyMap();
    private final TallyMap byRule = new TallyMap();
    private final Tally fallbacks = new Tally();
    private final Set<String> maskedCallers = new TreeSet<>();
    private final Set<String> maskingRules = new TreeSet<>();

    Masking(Identities identities) {
        this.identities = identities;
    }

    void accept(ReportEvent event) {
        if (!event.is(EventTypes.MASKING_APPLIED)) {
            return;
        }
        JsonNode detail = event.detail();
        long index = event.index();
        events.count(index);
        values.add(detail.path("valuesMasked").asLong(0), index);
        String appliedTo = event.detailText("applied_to");
        byAppliedTo.get(appliedTo).count(index);
        if ("client".equals(appliedTo)) {
            maskedCallers.add(identities.remember(event.actor()));
            String rule = event.detailText("rule");
            if (rule != null) {
                maskingRules.add(rule);
                byRule.get(rule + " (profile " + event.detailText("profile") + ")").count(index);
            }
        }
        for (Map.Entry<String, JsonNode> location : detail.path("found").properties()) {
            for (Map.Entry<String, JsonNode> entity : location.getValue().properties()) {
                byLocation.get(location.getKey() + " " + entity.getKey()).add(entity.getValue().asLong(0), index);
            }
        }
        for (JsonNode fallback : detail.path("fallbacks")) {
            fallbacks.add(Math.max(1, fallback.path("count").asLong(1)), index);
        }
    }

    /** Identities whose results were masked for them in the period. */
    Set<String> maskedCallers() {
        return maskedCallers;
    }

    /** Rules that masked someone's results: a refusal by one of them is a lineage refusal. */
    Set<String> maskingRules() {
        return maskingRules;
    }

    ObjectNode toJson() {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.set("events", Figures.of("masking.events", "Results and bodies with masked values", events));
        json.set("values", Figures.of("masking.values", "Values masked", values));
        json.set("applied_to", TallyMap.fixed("masking.applied_to", TallyMap.labels(
                "client", "Masked for the caller (the evidence keeps the same)",
                "record", "Masked in the kept evidence only (the caller may see clear text)"), byAppliedTo));
        ArrayNode locations = json.putArray("by_column");
        for (String key : byLocation.keysByCount()) {
            int split = key.lastIndexOf(' ');
            ObjectNode row = locations.addObject();
            row.put("column", key.substring(0, split));
            row.put("entity", key.substring(split + 1));
            row.set("values", Figures.of("masking.by_column[" + key + "]", "Values of " + key.substring(split + 1) + " masked in "
                    + key.substring(0, split), byLocation.get(key)));
        }
        json.set("by_rule", byRule.toJson("masking.by_rule", key -> "Masked for callers by rule " + key));
        json.set("fallbacks", Figures.of("masking.fallbacks",
                "Values the profile could not mask as configured and handled by its fallback", fallbacks));
        ArrayNode callers = json.putArray("masked_callers");
        maskedCallers.forEach(key -> callers.add(identities.display(key)));
        return json;
    }
}
