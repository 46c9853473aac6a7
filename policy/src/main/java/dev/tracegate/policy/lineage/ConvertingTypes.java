package dev.tracegate.policy.lineage;

import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The kinds of MySQL and MariaDB column types as the server compares them: a comparison within a
 * kind compares values as they are, one across kinds converts one side (every stored name read as a
 * number), and the server quotes a value that does not convert in a warning. A type of no kind
 * listed is a kind of its own, so that comparing it with anything else counts as converting.
 */
final class ConvertingTypes {

    private static final Set<String> NUMBERS = Set.of("tinyint", "smallint", "mediumint", "int", "integer", "bigint",
            "decimal", "numeric", "float", "double", "real", "bit", "bool", "boolean", "int2", "int4", "int8", "float4",
            "float8");
    private static final Set<String> TEXTS = Set.of("char", "varchar", "tinytext", "text", "mediumtext", "longtext",
            "enum", "set", "bpchar", "name");
    private static final Set<String> TEMPORAL = Set.of("date", "datetime", "timestamp", "time", "year", "timestamptz",
            "timetz");

    private ConvertingTypes() {
    }

    /** The kinds of {@code types}: more than one means a comparison between them converts. */
    static Set<String> kinds(Set<String> types) {
        return types.stream().map(ConvertingTypes::kind).collect(Collectors.toSet());
    }

    /** Whether a value of {@code type} is a date or time already, which taking its year does not convert. */
    static boolean isTemporal(String type) {
        return TEMPORAL.contains(normal(type));
    }

    private static String kind(String type) {
        String normal = normal(type);
        return NUMBERS.contains(normal) ? "number" : TEXTS.contains(normal) ? "text" : isTemporal(normal) ? "temporal"
                : normal;
    }

    private static String normal(String type) {
        return type == null ? "" : type.toLowerCase(Locale.ROOT).strip();
    }
}
