package dev.tracegate.policy.lineage;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Built-in functions, catalog relations and catalog columns that show the {@link WrittenValues}: a
 * comment ({@code obj_description}, {@code col_description}, {@code shobj_description}, {@code
 * pg_description}, psql's {@code \d+} and {@code \dt+}), a setting stored for a database or role
 * ({@code current_setting}, {@code pg_settings}, {@code pg_db_role_setting}, {@code
 * pg_roles.rolconfig}, psql's {@code \drds}; {@code SHOW} is judged by {@link LineageCheck}), an
 * aggregate's initial states ({@code pg_aggregate.agginitval}, {@code aggminitval}). Each kind is refused to masked
 * callers only while a value of that kind may quote a protected one.
 */
final class WrittenValueNames {

    private WrittenValueNames() {
    }

    /** What a name shows. */
    enum Kind { COMMENT, SETTING, AGGREGATE_STATE }

    private static final Map<String, Kind> FUNCTIONS = Map.of(
            "obj_description", Kind.COMMENT, "col_description", Kind.COMMENT, "shobj_description", Kind.COMMENT,
            "current_setting", Kind.SETTING, "pg_show_all_settings", Kind.SETTING,
            // A function's own settings (ALTER FUNCTION ... SET app.vip = '...') are in its definition.
            "pg_get_functiondef", Kind.SETTING);

    /** In {@code pg_catalog}, always on the search path, so named without their schema too. */
    private static final Map<String, Kind> RELATIONS = Map.of(
            "pg_description", Kind.COMMENT, "pg_shdescription", Kind.COMMENT,
            "pg_settings", Kind.SETTING, "pg_db_role_setting", Kind.SETTING);

    /**
     * Columns of catalogs every client reads that hold such values: refused by name and in the row
     * read as one value, the rest of the catalog stays readable ({@code psql}'s {@code \du} reads
     * {@code pg_roles}).
     */
    static final Map<String, Set<String>> COLUMNS = Map.of(
            "pg_aggregate", Set.of("agginitval", "aggminitval"),
            "pg_proc", Set.of("proconfig"),
            "pg_roles", Set.of("rolconfig"),
            "pg_user", Set.of("useconfig"));

    private static final Map<String, Kind> COLUMN_KINDS = Map.of(
            "pg_aggregate", Kind.AGGREGATE_STATE, "pg_roles", Kind.SETTING, "pg_user", Kind.SETTING,
            "pg_proc", Kind.SETTING);

    /**
     * MySQL's and MariaDB's comments, in {@code information_schema} (named with it): a table's, a
     * column's, an index's, a partition's, a routine's, an event's.
     */
    static final Map<String, Set<String>> INFORMATION_SCHEMA_COLUMNS = Map.of(
            "tables", Set.of("table_comment"), "columns", Set.of("column_comment"),
            "statistics", Set.of("index_comment"), "partitions", Set.of("partition_comment"),
            "routines", Set.of("routine_comment"), "events", Set.of("event_comment"));

    static Optional<Kind> function(String name) {
        return Optional.ofNullable(FUNCTIONS.get(name));
    }

    /** What {@code schema.name} (schema null when unqualified) shows as a whole. */
    static Optional<Kind> relation(String schema, String name) {
        return schema == null || schema.equals("pg_catalog") ? Optional.ofNullable(RELATIONS.get(name)) : Optional.empty();
    }

    /** What the {@link #columns} of {@code schema.name} show. */
    static Optional<Kind> columnsOf(String schema, String name) {
        if (schema != null && schema.equals("information_schema")) {
            return INFORMATION_SCHEMA_COLUMNS.containsKey(name) ? Optional.of(Kind.COMMENT) : Optional.empty();
        }
        return schema == null || schema.equals("pg_catalog") ? Optional.ofNullable(COLUMN_KINDS.get(name)) : Optional.empty();
    }

    /** The columns of {@code schema.name} that show such values; empty for other relations. */
    static Set<String> columns(String schema, String name) {
        if (schema != null && schema.equals("information_schema")) {
            return INFORMATION_SCHEMA_COLUMNS.getOrDefault(name, Set.of());
        }
        return schema == null || schema.equals("pg_catalog") ? COLUMNS.getOrDefault(name, Set.of()) : Set.of();
    }

    /** Whether a word of a statement may name such a value. */
    static boolean mayName(String word) {
        return FUNCTIONS.containsKey(word) || RELATIONS.containsKey(word) || INFORMATION_SCHEMA_COLUMNS.containsKey(word)
                || COLUMNS.values().stream().anyMatch(columns -> columns.contains(word))
                || INFORMATION_SCHEMA_COLUMNS.values().stream().anyMatch(columns -> columns.contains(word));
    }

    /** Why a masked caller may not read such a value; formatted with what the statement named. */
    static String refusal(Kind kind, String what) {
        String value = switch (kind) {
            case COMMENT -> "a comment (COMMENT ON ... IS '...') on a relation that holds protected data, or on an"
                    + " object no relation owns";
            case SETTING -> "a setting stored for a database, a role or a function (ALTER DATABASE/ROLE/FUNCTION ... SET)";
            case AGGREGATE_STATE -> "an aggregate's initial state (INITCOND)";
        };
        return what + " shows " + value + ", free text a DBA wrote that may quote a protected value the gateway"
                + " cannot mask; ask a member of a group that sees personal data";
    }
}
