package dev.tracegate.gateway.mysql;

import dev.tracegate.gateway.lineage.CatalogUnavailableException;
import dev.tracegate.policy.sql.DatabaseRoutines;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Reads a MySQL or MariaDB server's own code for the classifier ({@link DatabaseRoutines}): its
 * stored functions and procedures with their bodies ({@code information_schema.ROUTINES}; a body the
 * gateway's account may not see is null, and judged unknown) and its triggers by table
 * ({@code information_schema.TRIGGERS}), its loadable functions ({@code mysql.func}, when the account may
 * read it: code in a library, judged unknown), and its views' queries ({@code information_schema.VIEWS}; one
 * hidden from the account counts as running what no one can tell). Names are kept in lower case: the server compares routine
 * names without regard to case. The server lists no built-ins, so none are named.
 */
final class MysqlDatabaseRoutines {

    private static final String SYSTEM_SCHEMAS = "('mysql', 'sys', 'information_schema', 'performance_schema')";
    private static final String ROUTINES = "SELECT ROUTINE_NAME, ROUTINE_DEFINITION FROM information_schema.ROUTINES"
            + " WHERE ROUTINE_SCHEMA NOT IN " + SYSTEM_SCHEMAS;
    private static final String TRIGGERS = "SELECT EVENT_OBJECT_TABLE, ACTION_STATEMENT FROM information_schema.TRIGGERS"
            + " WHERE TRIGGER_SCHEMA NOT IN " + SYSTEM_SCHEMAS;

    /** A view's query runs for every statement naming the view. */
    private static final String VIEWS = "SELECT TABLE_NAME, VIEW_DEFINITION FROM information_schema.VIEWS"
            + " WHERE TABLE_SCHEMA NOT IN " + SYSTEM_SCHEMAS;

    /** Loadable functions ({@code CREATE FUNCTION ... SONAME}): code in a library, which no catalog shows. */
    private static final String LOADABLE = "SELECT name FROM mysql.func";

    /**
     * The version of the code an answer holds: per list, how many there are and four sums of a digest of
     * each one's name and text, so a routine, trigger or view replaced (within the same second too) or
     * one made or dropped gives another version. The digest is SHA-256 (four 60-bit slices of it, each
     * summed exactly), not a CRC: a CRC is linear, so whoever replaces a routine within the second it was
     * made could pad the new body (in a comment) until its CRC, and so the sum, matched the old one's, and
     * the statement calling it would be judged by the old body. Each text field but the last is preceded
     * by its length, so two different rows never join into one text.
     */
    private static final String VERSION = "SELECT CONCAT_WS('/',"
            + digestSums("information_schema.ROUTINES", "ROUTINE_SCHEMA", "ROUTINE_SCHEMA, ROUTINE_NAME, ROUTINE_DEFINITION",
                    "LAST_ALTERED") + ","
            + digestSums("information_schema.TRIGGERS", "TRIGGER_SCHEMA", "TRIGGER_SCHEMA, TRIGGER_NAME, EVENT_OBJECT_TABLE,"
                    + " ACTION_STATEMENT", "CREATED") + ","
            + digestSums("information_schema.VIEWS", "TABLE_SCHEMA", "TABLE_SCHEMA, TABLE_NAME, VIEW_DEFINITION", "CHECK_OPTION")
            + ")";

    /** Code the account may not see: judged as a CALL, which runs what no one can tell (unknown). */
    private static final String UNREADABLE = "CALL hidden_from_the_gateway()";

    private MysqlDatabaseRoutines() {
    }

    /**
     * {@code count:s1:s2:s3:s4} of one catalog list: the rows' count and the exact sums of four 60-bit slices of
     * each row's SHA-256 over its text fields (each with its length first) and {@code last}.
     */
    private static String digestSums(String list, String schemaColumn, String textColumns, String last) {
        StringBuilder fields = new StringBuilder();
        for (String column : textColumns.split(",")) {
            String name = column.strip();
            fields.append("CHAR_LENGTH(").append(name).append("), ").append(name).append(", ");
        }
        String row = "SHA2(CONCAT_WS('|', " + fields + last + "), 256)";
        StringBuilder sums = new StringBuilder("COUNT(*)");
        for (int slice = 0; slice < 4; slice++) {
            sums.append(", ':', COALESCE(SUM(CAST(CONV(SUBSTRING(d, ").append(1 + slice * 15)
                    .append(", 15), 16, 10) AS UNSIGNED)), 0)");
        }
        return " (SELECT CONCAT(" + sums + ") FROM (SELECT " + row + " AS d FROM " + list
                + " WHERE " + schemaColumn + " NOT IN " + SYSTEM_SCHEMAS + ") rows_of_" + list.substring(list.indexOf('.') + 1) + ")";
    }

    static DatabaseRoutines read(MysqlCatalog catalog) throws CatalogUnavailableException {
        DatabaseRoutines.Builder answer = new DatabaseRoutines.Builder(Set.of()).version(version(catalog));
        for (List<String> row : catalog.query(ROUTINES)) {
            answer.routine(new DatabaseRoutines.Routine(row.get(0).toLowerCase(Locale.ROOT), "sql", false, row.get(1)));
        }
        for (String loadable : loadable(catalog)) {
            answer.routine(new DatabaseRoutines.Routine(loadable.toLowerCase(Locale.ROOT), "loadable", false, null));
        }
        for (List<String> row : catalog.query(TRIGGERS)) {
            answer.onWrite(row.get(0).toLowerCase(Locale.ROOT), row.get(1) == null ? UNREADABLE : row.get(1));
        }
        for (List<String> row : catalog.query(VIEWS)) {
            boolean hidden = row.get(1) == null || row.get(1).isEmpty();
            answer.onUse(row.get(0).toLowerCase(Locale.ROOT), hidden ? UNREADABLE : row.get(1));
        }
        return answer.build();
    }

    /**
     * The loadable functions' names; none when the gateway's account may not read {@code mysql.func}
     * (then they are not seen: docs/mysql.md says to grant it).
     */
    private static List<String> loadable(MysqlCatalog catalog) {
        try {
            return catalog.query(LOADABLE).stream().map(List::getFirst).toList();
        } catch (CatalogUnavailableException notReadable) {
            return List.of();
        }
    }

    /** The version of the server's code now: read before the rest of an answer, and to confirm one. */
    static String version(MysqlCatalog catalog) throws CatalogUnavailableException {
        List<List<String>> rows = catalog.query(VERSION);
        if (rows.isEmpty() || rows.getFirst().isEmpty() || rows.getFirst().getFirst() == null) {
            throw new CatalogUnavailableException("the catalog gave no version of the database's own code", null);
        }
        return rows.getFirst().getFirst();
    }
}
