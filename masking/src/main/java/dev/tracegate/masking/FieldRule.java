package dev.tracegate.masking;

/**
 * A rule for a JSON field path: the value at {@code path} is {@code entity} and is masked with
 * {@code strategy}. On an object or array the strategy applies to every string and number inside it, except
 * {@code nullify}, which replaces the whole container with {@code null}.
 */
record FieldRule(JsonPathPattern path, EntityType entity, String label, MaskStrategy strategy) {

    public FieldRule {
        if (path == null || entity == null || label == null || strategy == null) {
            throw new IllegalArgumentException("a field rule needs a path, an entity and a strategy");
        }
    }
}
