package dev.tracegate.ledger.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Counts broken down by a key (a rule, a reason, an identity), written as a list, largest first
 * and then by key, so the same events always give the same report.
 */
final class TallyMap {
    private final Map<String, Tally> tallies = new TreeMap<>();

    Tally get(String key) {
        return tallies.computeIfAbsent(key == null ? "(none)" : key, k -> new Tally());
    }

    boolean isEmpty() {
        return tallies.isEmpty();
    }

    Map<String, Tally> entries() {
        return tallies;
    }

    /** Keys, largest count first. */
    List<String> keysByCount() {
        return tallies.entrySet().stream()
                .sorted(Comparator.comparingLong((Map.Entry<String, Tally> e) -> -e.getValue().value()).thenComparing(Map.Entry::getKey))
                .map(Map.Entry::getKey).toList();
    }

    /**
     * {@code [{"key": ..., "count": figure}, ...]}, the figure's id being {@code idPrefix[key]}.
     *
     * @param describe the label of each key's figure
     */
    ArrayNode toJson(String idPrefix, java.util.function.Function<String, String> describe) {
        ArrayNode list = JsonNodeFactory.instance.arrayNode();
        for (String key : keysByCount()) {
            ObjectNode item = list.addObject();
            item.put("key", key);
            item.set("count", Figures.of(idPrefix + "[" + key + "]", describe.apply(key), tallies.get(key)));
        }
        return list;
    }

    /** Keys and their labels in the order given: {@code labels("human", "Sessions of people", ...)}. */
    static Map<String, String> labels(String... keysAndLabels) {
        Map<String, String> labels = new LinkedHashMap<>();
        for (int i = 0; i + 1 < keysAndLabels.length; i += 2) {
            labels.put(keysAndLabels[i], keysAndLabels[i + 1]);
        }
        return java.util.Collections.unmodifiableMap(labels);
    }

    /** The same as {@link #toJson} for a fixed set of keys that are always listed, zero or not. */
    static ObjectNode fixed(String idPrefix, Map<String, String> labels, TallyMap counted) {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        Map<String, String> all = new LinkedHashMap<>(labels);
        counted.tallies.keySet().forEach(key -> all.putIfAbsent(key, key));
        all.forEach((key, label) -> json.set(key, Figures.of(idPrefix + "." + key, label, counted.get(key))));
        return json;
    }
}
