package dev.tracegate.cli.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/** Helm's way of combining values: a user's file over the chart's values.yaml. */
final class HelmValues {

    private HelmValues() {
    }

    /**
     * {@code overlay} over {@code defaults}, as {@code helm install -f overlay} does: maps merge key by
     * key, anything else (lists included) replaces, and a null removes the default's key.
     */
    static JsonNode merge(JsonNode defaults, JsonNode overlay) {
        ObjectNode merged = defaults.deepCopy();
        for (Map.Entry<String, JsonNode> entry : overlay.properties()) {
            JsonNode mine = merged.get(entry.getKey());
            JsonNode theirs = entry.getValue();
            if (theirs.isNull()) {
                merged.remove(entry.getKey());
            } else if (mine != null && mine.isObject() && theirs.isObject()) {
                merged.set(entry.getKey(), merge(mine, theirs));
            } else {
                merged.set(entry.getKey(), theirs.deepCopy());
            }
        }
        return merged;
    }
}
