package dev.tracegate.masking;

import java.util.HashMap;
import java.util.Map;

/**
 * Accumulates what was masked while one command's results or one request's body stream through:
 * per location (a column such as {@code public.customers.email}, or a JSON path such as {@code
 * public.customers.profile:$.contacts[*].phone} or {@code response.body:$.user.email}), per entity,
 * a count; and per location, the values a fallback replaced. Never a value: only names and numbers.
 *
 * <p>Not thread-safe: one report belongs to one command on one relay thread. Memory is bounded:
 * beyond {@value #MAX_LOCATIONS} distinct locations (a JSON body can invent keys), further ones
 * are counted under {@value #OTHER_LOCATION}.
 */
public final class MaskingReport {

    public static final int MAX_LOCATIONS = 1000;
    public static final String OTHER_LOCATION = "(other locations)";

    // Made on the first count: a report is made for every statement, and most statements mask nothing.
    private Map<String, Map<String, long[]>> found;
    private Map<String, Map<FallbackKind, long[]>> fallbacks;
    private long valuesMasked;

    /** A reason and what was done about it. */
    record FallbackKind(FallbackReason reason, FallbackAction action) {
    }

    /** Counts {@code count} entities of {@code entity} (a label such as EMAIL) masked at {@code location}. */
    public void count(String location, String entity, long count) {
        if (found == null) {
            found = new HashMap<>();
        }
        String key = bounded(location, found);
        found.computeIfAbsent(key, k -> new HashMap<>()).computeIfAbsent(entity, k -> new long[1])[0] += count;
    }

    /** Counts one value at {@code location} that the fallback {@code action} handled because of {@code reason}. */
    public void fallback(String location, FallbackReason reason, FallbackAction action) {
        if (fallbacks == null) {
            fallbacks = new HashMap<>();
        }
        String key = bounded(location, fallbacks);
        fallbacks.computeIfAbsent(key, k -> new HashMap<>())
                .computeIfAbsent(new FallbackKind(reason, action), k -> new long[1])[0]++;
    }

    /** Records one masker answer for a value at {@code location}. */
    public void record(String location, CellResult result) {
        if (result.changed()) {
            valuesMasked++;
        }
        result.findings().forEach((entity, count) -> count(location, entity, count));
        if (result.fallback() != null) {
            FallbackAction action = switch (result.outcome()) {
                case PASSED_UNSCANNED -> FallbackAction.PASS;
                case FALLBACK -> result.value() == null ? FallbackAction.NULLIFY : FallbackAction.REDACT;
                default -> throw new IllegalStateException("fallback without a fallback outcome");
            };
            fallback(location, result.fallback(), action);
        }
    }

    /** Adds what {@code other} counted (a tentative pass that turned out to be the right one). */
    public void add(MaskingReport other) {
        if (other.found != null) {
            other.found.forEach((location, entities) -> entities.forEach((entity, n) -> count(location, entity, n[0])));
        }
        if (other.fallbacks != null) {
            if (fallbacks == null) {
                fallbacks = new HashMap<>();
            }
            other.fallbacks.forEach((location, kinds) -> kinds.forEach((kind, n) -> {
                String key = bounded(location, fallbacks);
                fallbacks.computeIfAbsent(key, k -> new HashMap<>()).computeIfAbsent(kind, k -> new long[1])[0] += n[0];
            }));
        }
        valuesMasked += other.valuesMasked;
    }

    void valueMasked() {
        valuesMasked++;
    }

    public boolean isEmpty() {
        return (found == null || found.isEmpty()) && (fallbacks == null || fallbacks.isEmpty());
    }

    /** An immutable copy for the {@code masking.applied} event; the report can keep accumulating. */
    public MaskingSummary snapshot() {
        return MaskingSummary.of(found == null ? Map.of() : found, fallbacks == null ? Map.of() : fallbacks,
                valuesMasked);
    }

    private static String bounded(String location, Map<String, ?> map) {
        if (map.size() < MAX_LOCATIONS || map.containsKey(location)) {
            return location;
        }
        return OTHER_LOCATION;
    }
}
