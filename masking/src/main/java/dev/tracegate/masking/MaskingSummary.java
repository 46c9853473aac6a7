package dev.tracegate.masking;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one command or request had masked, in a stable order: the content of a {@code
 * masking.applied} evidence event. Holds location names, entity labels and counts, never a value.
 *
 * @param found        location to entity label to count
 * @param fallbacks    values replaced or passed by a fallback, per location and reason
 * @param valuesMasked how many values (cells, JSON scalars) were changed in total
 */
public record MaskingSummary(Map<String, Map<String, Long>> found, List<Fallback> fallbacks, long valuesMasked) {

    /** {@code count} values at {@code location} that {@code action} handled because of {@code reason}. */
    public record Fallback(String location, FallbackReason reason, FallbackAction action, long count) {
    }

    /** The order of {@link #fallbacks}: by location, then reason, then action. */
    private static final Comparator<Fallback> FALLBACK_ORDER = Comparator.comparing(Fallback::location)
            .thenComparing(Fallback::reason).thenComparing(Fallback::action);

    /** Nothing masked, nothing fell back: what most reports hold, shared instead of made per report. */
    static final MaskingSummary NOTHING = new MaskingSummary(Map.of(), List.of(), 0);

    /** Sorts {@code found} by location once, here: the summaries made below hand it over unsorted. */
    public MaskingSummary {
        found = found.isEmpty() ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(found));
        fallbacks = List.copyOf(fallbacks);
    }

    static MaskingSummary of(Map<String, Map<String, long[]>> found,
            Map<String, Map<MaskingReport.FallbackKind, long[]>> fallbacks, long valuesMasked) {
        if (found.isEmpty() && fallbacks.isEmpty() && valuesMasked == 0) {
            return NOTHING;
        }
        // Outer map unsorted: the canonical constructor sorts it in its one copy.
        Map<String, Map<String, Long>> counts = new HashMap<>();
        found.forEach((location, entities) -> {
            Map<String, Long> perEntity = new TreeMap<>();
            entities.forEach((entity, count) -> perEntity.put(entity, count[0]));
            counts.put(location, Collections.unmodifiableMap(perEntity));
        });
        List<Fallback> list = new ArrayList<>();
        fallbacks.forEach((location, kinds) -> kinds.forEach((kind, count) ->
                list.add(new Fallback(location, kind.reason(), kind.action(), count[0]))));
        list.sort(FALLBACK_ORDER);
        return new MaskingSummary(counts, list, valuesMasked);
    }

    /** This summary and {@code other} together, e.g. a request body's and its response's. */
    public MaskingSummary plus(MaskingSummary other) {
        if (other.isEmpty() && other.valuesMasked == 0) {
            return this;
        }
        if (isEmpty() && valuesMasked == 0) {
            return other;
        }
        Map<String, Map<String, Long>> counts = new HashMap<>();
        for (MaskingSummary summary : List.of(this, other)) {
            summary.found.forEach((location, entities) -> entities.forEach((entity, count) ->
                    counts.computeIfAbsent(location, k -> new TreeMap<>()).merge(entity, count, Long::sum)));
        }
        counts.replaceAll((location, entities) -> Collections.unmodifiableMap(entities));
        List<Fallback> list = new ArrayList<>(fallbacks);
        list.addAll(other.fallbacks);
        list.sort(FALLBACK_ORDER);
        return new MaskingSummary(counts, list, valuesMasked + other.valuesMasked);
    }

    public boolean isEmpty() {
        return found.isEmpty() && fallbacks.isEmpty();
    }

    /** Total count of one entity label over all locations. */
    public long total(String entity) {
        return found.values().stream().mapToLong(m -> m.getOrDefault(entity, 0L)).sum();
    }

    /**
     * Plain maps and lists, ready for an event's JSON body: {@code {"valuesMasked": n, "found":
     * {location: {entity: count}}, "fallbacks": [{"location", "reason", "action", "count"}]}}.
     */
    public Map<String, Object> toEventData() {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("valuesMasked", valuesMasked);
        data.put("found", found);
        List<Map<String, Object>> list = new ArrayList<>();
        for (Fallback fallback : fallbacks) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("location", fallback.location());
            entry.put("reason", fallback.reason().name());
            entry.put("action", fallback.action().name());
            entry.put("count", fallback.count());
            list.add(entry);
        }
        data.put("fallbacks", list);
        return data;
    }
}
