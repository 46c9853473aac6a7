package dev.tracegate.policy.sql;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The upstream's own code that a statement may run without its text showing what it does, as the
 * catalog answered for {@link CalledCode}: the routines the database's users made (functions,
 * procedures, with their language and body), the operators and casts that run one of them, and the
 * code a write to a table runs (its triggers, rules and defaults). Routines of the server itself
 * are only named ({@code builtIns}), so that a name the answer knows neither way tells the gateway
 * the answer is older than the routine.
 *
 * @param builtIns  names of the server's own routines (PostgreSQL's {@code pg_catalog} from initdb)
 * @param routines  the database's own routines by name, as the server stores names
 * @param implicit  operator symbols and type names that run routines (their names) where they are used
 * @param onWrite   by table name: the code a write to it runs, as text (a trigger as a call of its
 *                  function, {@code f()}; a rule's definition; a default's expression)
 * @param onUse     by relation name: the code any statement naming it runs (a view's query, a
 *                  row-level security policy's expressions)
 * @param onSchemaChange the code every schema or privilege change runs (PostgreSQL's event triggers, as calls
 *                  of their functions)
 * @param version   the catalog's version of this code when the answer was read (read before the rest,
 *                  so a change meanwhile shows as a version that differs); null when the reader keeps none
 * @param castColumns by table name: its columns of a type an implicit cast of the database's own converts
 *                  from, so a comparison of the column may run that cast's function on it
 */
public record DatabaseRoutines(Set<String> builtIns, Map<String, List<Routine>> routines,
                               Map<String, List<String>> implicit, Map<String, List<String>> onWrite,
                               Map<String, List<String>> onUse, List<String> onSchemaChange, String version,
                               Map<String, List<String>> castColumns) {

    public DatabaseRoutines {
        builtIns = Set.copyOf(builtIns);
        routines = Map.copyOf(routines);
        implicit = Map.copyOf(implicit);
        onWrite = Map.copyOf(onWrite);
        onUse = Map.copyOf(onUse);
        onSchemaChange = List.copyOf(onSchemaChange);
        castColumns = Map.copyOf(castColumns);
    }

    /**
     * One routine of the database.
     *
     * @param name      as the server stores it
     * @param language  {@code sql}, {@code plpgsql}, {@code c}, ... (MySQL's and MariaDB's: {@code sql})
     * @param extension whether an extension installed it: its C code is the extension's, judged by name
     * @param body      its source ({@code BEGIN ATOMIC ... END} for a SQL-standard body); null when unreadable
     * @param stable    whether it returns the same value for the same arguments within a statement
     *                  (PostgreSQL's {@code IMMUTABLE} or {@code STABLE}), so a call with constants is one
     *                  value for every row; false when not known
     */
    public record Routine(String name, String language, boolean extension, String body, boolean stable) {

        /** A routine whose volatility is not known: read as one that may return a new value at each call. */
        public Routine(String name, String language, boolean extension, String body) {
            this(name, language, extension, body, false);
        }
    }

    /** The answer built from the catalog's rows, kept in the order given. */
    public static final class Builder {
        private final Set<String> builtIns;
        private final Map<String, List<Routine>> routines = new HashMap<>();
        private final Map<String, List<String>> implicit = new HashMap<>();
        private final Map<String, List<String>> onWrite = new HashMap<>();
        private final Map<String, List<String>> onUse = new HashMap<>();
        private final List<String> onSchemaChange = new ArrayList<>();
        private final Map<String, List<String>> castColumns = new HashMap<>();
        private String version;

        public Builder(Set<String> builtIns) {
            this.builtIns = builtIns;
        }

        public Builder routine(Routine routine) {
            routines.computeIfAbsent(routine.name(), k -> new ArrayList<>()).add(routine);
            return this;
        }

        public Builder implicit(String symbolOrType, String routine) {
            implicit.computeIfAbsent(symbolOrType, k -> new ArrayList<>()).add(routine);
            return this;
        }

        public Builder onWrite(String table, String code) {
            onWrite.computeIfAbsent(table, k -> new ArrayList<>()).add(code);
            return this;
        }

        public Builder onUse(String relation, String code) {
            onUse.computeIfAbsent(relation, k -> new ArrayList<>()).add(code);
            return this;
        }

        public Builder onSchemaChange(String code) {
            onSchemaChange.add(code);
            return this;
        }

        public Builder castColumn(String table, String column) {
            castColumns.computeIfAbsent(table, k -> new ArrayList<>()).add(column);
            return this;
        }

        public Builder version(String catalogVersion) {
            this.version = catalogVersion;
            return this;
        }

        public DatabaseRoutines build() {
            return new DatabaseRoutines(builtIns, frozen(routines), frozen(implicit), frozen(onWrite), frozen(onUse),
                    onSchemaChange, version, frozen(castColumns));
        }

        private static <T> Map<String, List<T>> frozen(Map<String, List<T>> lists) {
            Map<String, List<T>> frozen = new HashMap<>();
            lists.forEach((key, list) -> frozen.put(key, List.copyOf(list)));
            return frozen;
        }
    }
}
