package dev.tracegate.ledger.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * How a number appears in report.json: {@code {"figure": id, "label": ..., "value": n, "leaves":
 * [[first, last], ...]}}. Every number of the report is one of these, so the verifier can find
 * them all, recompute each by its id and name the one that differs.
 */
final class Figures {
    static final String ID = "figure";
    static final String LABEL = "label";
    static final String VALUE = "value";
    static final String UNIT = "unit";
    static final String LEAVES = "leaves";

    private Figures() {}

    static ObjectNode of(String id, String label, Tally tally) {
        return of(id, label, tally.value(), null, tally.leaves());
    }

    static ObjectNode of(String id, String label, long value, String unit, LeafSet leaves) {
        ObjectNode figure = JsonNodeFactory.instance.objectNode();
        figure.put(ID, id);
        figure.put(LABEL, label);
        figure.put(VALUE, value);
        if (unit != null) {
            figure.put(UNIT, unit);
        }
        figure.set(LEAVES, leaves.toJson());
        return figure;
    }

    static boolean isFigure(JsonNode node) {
        return node.isObject() && node.path(ID).isTextual() && node.has(VALUE) && node.path(LEAVES).isArray();
    }
}
