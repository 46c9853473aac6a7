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
 * ({@code information_schema.TRIGGERS}), and its views' queries ({@code information_schema.VIEWS}; one
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

    /** Code the account may not see: judged as a CALL, which runs what no one can tell (unknown). */
    private static final String UNREADABLE = "CALL hidden_from_the_gateway()";

    private MysqlDatabaseRoutines() {
    }

    static DatabaseRoutines read(MysqlCatalog catalog) throws CatalogUnavailableException {
        DatabaseRoutines.Builder answer = new DatabaseRoutines.Builder(Set.of());
        for (List<String> row : catalog.query(ROUTINES)) {
            answer.routine(new DatabaseRoutines.Routine(row.get(0).toLowerCase(Locale.ROOT), "sql", false, row.get(1)));
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
}
