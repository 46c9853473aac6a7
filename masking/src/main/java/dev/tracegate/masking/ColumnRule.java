package dev.tracegate.masking;

import java.util.Locale;
import java.util.Set;

/**
 * A rule for whole columns, chosen by name pattern, by type, or both. It either masks every value
 * of the column as {@code entity} with {@code strategy}, or (when {@code json} is set) reads the
 * values as JSON documents and walks them with the field rules and content detectors.
 *
 * @param name     the column pattern, or {@code null} for any name
 * @param typeGlob a type name glob such as {@code inet} or {@code json*}, or {@code null} for any type
 * @param entity   what the values are (ignored for JSON rules)
 * @param label    the report's name for the entity (EMAIL, CUSTOM:...)
 * @param uses     the uses of the clear value masked callers are granted, or {@code null} for the
 *                 strategy's default ({@link ColumnProtection})
 */
record ColumnRule(ColumnPattern name, String typeGlob, EntityType entity, String label, MaskStrategy strategy,
        boolean json, Set<ColumnUse> uses) {

    public ColumnRule {
        if (name == null && typeGlob == null) {
            throw new IllegalArgumentException("a column rule needs a column pattern, a type, or both");
        }
        if (!json && (entity == null || strategy == null)) {
            throw new IllegalArgumentException("column rule " + describe(name, typeGlob)
                    + " needs an entity and a strategy, or json: true");
        }
        typeGlob = typeGlob == null ? null : typeGlob.strip().toLowerCase(Locale.ROOT);
    }

    boolean matches(ColumnRef column, String normalisedType) {
        if (name != null && (column.column() == null || !name.matches(column))) {
            return false;
        }
        return typeGlob == null || (normalisedType != null && ColumnPattern.Glob.matches(typeGlob, normalisedType));
    }

    @Override
    public String toString() {
        return describe(name, typeGlob);
    }

    private static String describe(ColumnPattern name, String type) {
        return (name != null ? name.text() : "*") + (type != null ? " (type " + type + ")" : "");
    }
}
