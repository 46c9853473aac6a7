package dev.tracegate.gateway.postgres;

import dev.tracegate.gateway.lineage.CatalogUnavailableException;
import dev.tracegate.gateway.postgres.results.UpstreamCatalog;
import dev.tracegate.policy.sql.DatabaseRoutines;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads a PostgreSQL database's own code for the classifier ({@link DatabaseRoutines}): its
 * functions and procedures (made after initdb, or outside {@code pg_catalog} and
 * {@code information_schema}) with language and body, whether an extension installed them; the
 * operators and casts made after initdb and the functions they run, the functions domains' checks
 * call; and, by table, its enabled
 * triggers (as calls of their functions), its rules (other than views'), its columns' defaults, its
 * check and exclusion constraints, its index expressions and predicates and its columns' domains'
 * checks,
 * and the views' queries and row-level security policies any statement naming a relation runs.
 * The server's own routine names are read too (once), so a name neither list holds tells that a
 * routine was made since. The queries are the gateway's own text; no client input reaches them.
 */
final class PostgresDatabaseRoutines {

    private static final String BUILT_INS = "SELECT DISTINCT p.proname FROM pg_catalog.pg_proc p WHERE p.oid < 16384";
    /** An aggregate runs its support functions: as a body, a SELECT calling each. */
    private static final String AGGREGATE_CALLS = "(SELECT 'SELECT ' || pg_catalog.concat_ws(', ', a.aggtransfn::text || '()',"
            + " CASE WHEN a.aggfinalfn::oid <> 0 THEN a.aggfinalfn::text || '()' END,"
            + " CASE WHEN a.aggcombinefn::oid <> 0 THEN a.aggcombinefn::text || '()' END,"
            + " CASE WHEN a.aggmtransfn::oid <> 0 THEN a.aggmtransfn::text || '()' END,"
            + " CASE WHEN a.aggmfinalfn::oid <> 0 THEN a.aggmfinalfn::text || '()' END)"
            + " FROM pg_catalog.pg_aggregate a WHERE a.aggfnoid = p.oid)";
    /** A SQL-standard body ({@code BEGIN ATOMIC}) is kept parsed, with an empty prosrc (PostgreSQL 14 and later). */
    private static final String ROUTINES = "SELECT p.proname, CASE WHEN p.prokind = 'a' THEN 'sql' ELSE l.lanname END,"
            + " EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass"
            + " AND d.objid = p.oid AND d.deptype = 'e'),"
            + " CASE WHEN p.prokind = 'a' THEN " + AGGREGATE_CALLS
            + " WHEN p.prosrc = '' OR p.prosrc IS NULL THEN %s ELSE p.prosrc END, p.provolatile <> 'v'"
            + " FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace"
            + " JOIN pg_catalog.pg_language l ON l.oid = p.prolang"
            + " WHERE p.prokind IN ('f', 'p', 'w', 'a')"
            + " AND (n.nspname NOT IN ('pg_catalog', 'information_schema') OR p.oid >= 16384)";
    private static final String SQL_BODY = "pg_catalog.pg_get_function_sqlbody(p.oid)";
    private static final String HAS_SQL_BODY = "SELECT pg_catalog.current_setting('server_version_num')::int >= 140000";
    /**
     * Each type with a check of a domain it is made of: the domain itself, a domain over it (at any
     * depth), an array of it and a composite type (a table's row type too) with an attribute of it.
     * A value that takes the type runs those checks.
     */
    private static final String CHECKED_TYPES = "WITH RECURSIVE checked(typ, dom) AS ("
            + "SELECT DISTINCT k.contypid, k.contypid FROM pg_catalog.pg_constraint k WHERE k.contype = 'c'"
            + " AND k.contypid <> 0 UNION SELECT m.typ, c.dom FROM checked c CROSS JOIN LATERAL ("
            + "SELECT t.oid AS typ FROM pg_catalog.pg_type t WHERE t.typbasetype = c.typ OR t.typelem = c.typ"
            + " UNION ALL SELECT r.reltype FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class r ON r.oid = a.attrelid"
            + " WHERE a.atttypid = c.typ AND a.attnum > 0 AND NOT a.attisdropped) m),"
            // Each domain with the domains it is over, at any depth: a column of it takes their defaults.
            + " under(typ, dom) AS (SELECT t.oid, t.oid FROM pg_catalog.pg_type t WHERE t.typtype = 'd'"
            + " UNION SELECT u.typ, t.typbasetype FROM under u JOIN pg_catalog.pg_type t ON t.oid = u.dom"
            + " WHERE t.typtype = 'd') ";
    /** Operators by symbol and types by name (a cast's source and target) with the function each runs. */
    private static final String IMPLICIT = CHECKED_TYPES + "SELECT o.oprname, p.proname FROM pg_catalog.pg_operator o"
            + " JOIN pg_catalog.pg_proc p ON p.oid = o.oprcode WHERE o.oid >= 16384"
            + " UNION SELECT t.typname, p.proname FROM pg_catalog.pg_cast k JOIN pg_catalog.pg_proc p ON p.oid = k.castfunc"
            + " JOIN pg_catalog.pg_type t ON t.oid IN (k.castsource, k.casttarget) WHERE k.oid >= 16384"
            // A domain's check runs where a value takes the domain or a type made of it: the functions it calls.
            + " UNION SELECT t.typname, p.proname FROM checked ch JOIN pg_catalog.pg_constraint k"
            + " ON k.contypid = ch.dom AND k.contype = 'c' JOIN pg_catalog.pg_type t ON t.oid = ch.typ JOIN pg_catalog.pg_depend d"
            + " ON d.classid = 'pg_catalog.pg_constraint'::pg_catalog.regclass AND d.objid = k.oid"
            + " AND d.refclassid = 'pg_catalog.pg_proc'::pg_catalog.regclass"
            + " JOIN pg_catalog.pg_proc p ON p.oid = d.refobjid";
    /**
     * A routine whose arguments or result are of a type with a domain's check runs the check on every
     * call: as one more routine of its name, whose body calls the check's functions.
     */
    private static final String ROUTINES_CHECKING = CHECKED_TYPES + "SELECT p.proname, 'sql', false,"
            + " 'SELECT ' || pg_catalog.string_agg(DISTINCT pg_catalog.quote_ident(f.proname) || '()', ', '), true"
            + " FROM pg_catalog.pg_proc p JOIN checked ch ON ch.typ = ANY (p.proargtypes::oid[] || p.prorettype)"
            + " JOIN pg_catalog.pg_constraint k ON k.contypid = ch.dom AND k.contype = 'c'"
            + " JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_constraint'::pg_catalog.regclass"
            + " AND d.objid = k.oid AND d.refclassid = 'pg_catalog.pg_proc'::pg_catalog.regclass"
            + " JOIN pg_catalog.pg_proc f ON f.oid = d.refobjid WHERE p.oid >= 16384 GROUP BY p.oid, p.proname"
            // An implicit cast made after initdb runs where an argument takes its target type: f(1) of f(t).
            + " UNION ALL SELECT p.proname, 'sql', false, 'SELECT ' || pg_catalog.quote_ident(f.proname) || '()', true"
            + " FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_cast k ON k.casttarget = ANY (p.proargtypes::oid[])"
            + " JOIN pg_catalog.pg_proc f ON f.oid = k.castfunc"
            + " WHERE k.castcontext = 'i' AND k.oid >= 16384 AND p.oid >= 16384"
            // An argument's default runs when a call leaves the argument out: f() of f(x int DEFAULT purge()).
            + " UNION ALL SELECT p.proname, 'sql', false, pg_catalog.pg_get_function_arguments(p.oid), true"
            + " FROM pg_catalog.pg_proc p WHERE p.pronargdefaults > 0 AND p.oid >= 16384";
    /** A trigger runs its function, and first its WHEN condition (read from its definition). */
    private static final String ON_WRITE = CHECKED_TYPES + "SELECT c.relname, CASE WHEN t.tgqual IS NULL"
            + " THEN pg_catalog.quote_ident(p.proname) || '()' ELSE 'SELECT ' || pg_catalog.quote_ident(p.proname)"
            + " || '() WHERE ' || pg_catalog.substring(pg_catalog.pg_get_triggerdef(t.oid), ' WHEN \\((.*)\\) EXECUTE ')"
            + " END"
            + " FROM pg_catalog.pg_trigger t JOIN pg_catalog.pg_class c ON c.oid = t.tgrelid"
            + " JOIN pg_catalog.pg_proc p ON p.oid = t.tgfoid WHERE NOT t.tgisinternal AND t.tgenabled <> 'D'"
            + " UNION ALL SELECT c.relname, pg_catalog.pg_get_ruledef(r.oid)"
            + " FROM pg_catalog.pg_rewrite r JOIN pg_catalog.pg_class c ON c.oid = r.ev_class"
            + " WHERE r.rulename <> '_RETURN' AND r.oid >= 16384 AND r.ev_enabled <> 'D'"
            + " UNION ALL SELECT c.relname, pg_catalog.pg_get_expr(d.adbin, d.adrelid)"
            + " FROM pg_catalog.pg_attrdef d JOIN pg_catalog.pg_class c ON c.oid = d.adrelid WHERE c.oid >= 16384"
            + " UNION ALL SELECT c.relname, pg_catalog.pg_get_constraintdef(k.oid)"
            + " FROM pg_catalog.pg_constraint k JOIN pg_catalog.pg_class c ON c.oid = k.conrelid"
            + " WHERE k.contype IN ('c', 'x') AND c.oid >= 16384"
            + " UNION ALL SELECT c.relname, pg_catalog.concat_ws(' ', pg_catalog.pg_get_expr(i.indexprs, i.indrelid),"
            + " pg_catalog.pg_get_expr(i.indpred, i.indrelid)) FROM pg_catalog.pg_index i"
            + " JOIN pg_catalog.pg_class c ON c.oid = i.indrelid"
            + " WHERE (i.indexprs IS NOT NULL OR i.indpred IS NOT NULL) AND c.oid >= 16384"
            // A value written to a column of a domain, or of a type made of one, runs the domain's checks.
            + " UNION ALL SELECT c.relname, pg_catalog.pg_get_constraintdef(k.oid) FROM pg_catalog.pg_attribute a"
            + " JOIN pg_catalog.pg_class c ON c.oid = a.attrelid JOIN checked ch ON ch.typ = a.atttypid"
            + " JOIN pg_catalog.pg_constraint k ON k.contypid = ch.dom"
            + " WHERE k.contype = 'c' AND a.attnum > 0 AND NOT a.attisdropped AND c.oid >= 16384"
            // A column of a domain with a default (its own or a domain's it is over) takes it when a write leaves it out.
            + " UNION ALL SELECT c.relname, pg_catalog.pg_get_expr(d.typdefaultbin, 0) FROM pg_catalog.pg_attribute a"
            + " JOIN pg_catalog.pg_class c ON c.oid = a.attrelid JOIN under u ON u.typ = a.atttypid"
            + " JOIN pg_catalog.pg_type d ON d.oid = u.dom WHERE d.typdefaultbin IS NOT NULL AND a.attnum > 0"
            + " AND NOT a.attisdropped AND c.oid >= 16384"
            // An assignment or implicit cast made after initdb runs where a written value takes a column's type.
            + " UNION ALL SELECT c.relname, 'SELECT ' || pg_catalog.quote_ident(p.proname) || '()'"
            + " FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON c.oid = a.attrelid"
            + " JOIN pg_catalog.pg_cast k ON k.casttarget = a.atttypid JOIN pg_catalog.pg_proc p ON p.oid = k.castfunc"
            + " WHERE k.castcontext IN ('a', 'i') AND k.oid >= 16384 AND a.attnum > 0 AND NOT a.attisdropped"
            + " AND c.oid >= 16384"
            // A foreign key's action writes the referencing table when the referenced one is written: as a
            // one-row write of it, so that the referencing table's own triggers and checks are judged too.
            + " UNION ALL SELECT p.relname, CASE WHEN k.confdeltype = 'c' THEN 'DELETE FROM '"
            + " || pg_catalog.quote_ident(c.relname) || ' WHERE ' || pg_catalog.quote_ident(a.attname) || ' = 1'"
            + " ELSE 'UPDATE ' || pg_catalog.quote_ident(c.relname) || ' SET ' || pg_catalog.quote_ident(a.attname)"
            + " || ' = DEFAULT WHERE ' || pg_catalog.quote_ident(a.attname) || ' = 1' END"
            + " FROM pg_catalog.pg_constraint k JOIN pg_catalog.pg_class c ON c.oid = k.conrelid"
            + " JOIN pg_catalog.pg_class p ON p.oid = k.confrelid"
            + " JOIN pg_catalog.pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = k.conkey[1]"
            + " WHERE k.contype = 'f' AND (k.confdeltype IN ('c', 'n', 'd') OR k.confupdtype IN ('c', 'n', 'd'))"
            // A write to a partitioned or inherited table writes its partitions and children, whose own triggers fire.
            + " UNION ALL SELECT p.relname, 'DELETE FROM ' || pg_catalog.quote_ident(c.relname) || ' WHERE tableoid = 0'"
            + " FROM pg_catalog.pg_inherits i JOIN pg_catalog.pg_class c ON c.oid = i.inhrelid"
            + " JOIN pg_catalog.pg_class p ON p.oid = i.inhparent";

    /** A view's query and a row-level security policy's expressions run for every statement naming the relation. */
    private static final String ON_USE = "SELECT c.relname, pg_catalog.pg_get_viewdef(c.oid) FROM pg_catalog.pg_class c"
            + " WHERE c.relkind IN ('v', 'm') AND c.oid >= 16384"
            + " UNION ALL SELECT c.relname, 'SELECT ' || pg_catalog.concat_ws(', ', pg_catalog.pg_get_expr(po.polqual,"
            + " po.polrelid), pg_catalog.pg_get_expr(po.polwithcheck, po.polrelid))"
            + " FROM pg_catalog.pg_policy po JOIN pg_catalog.pg_class c ON c.oid = po.polrelid";

    /**
     * The version of the code the answer holds: how many rows its catalogs have, the sum of their creating
     * transactions' ids, and that sum weighted by catalog (so a row that leaves one catalog and one that enters
     * another do not cancel out). A replaced routine, trigger, rule, policy, default or check is a row written
     * by a newer transaction; one dropped or made changes the count. So is what brings code already there to a
     * relation: a column (or a composite type's attribute) given a type of the database's own, a domain with a
     * check or default, a type with a cast ({@code pg_depend}'s rows on such types, read by its index on what
     * they reference: a fraction of {@code pg_attribute}); a domain's default set and a relation or type
     * renamed ({@code pg_type}: the answer keys code by name, so a table with a trigger renamed into a plain
     * one's name takes its place, and renames its row type); an index on an expression ({@code pg_index}); a
     * partition or child attached ({@code pg_inherits}). One aggregate over the catalogs' rows together, not
     * one per catalog: the server runs it before every write, and each subquery of its own was an aggregate
     * node more to start and finish (about a fifth of the query's time, by pgbench -f).
     */
    private static final String VERSION = "SELECT count(*) || ':' || coalesce(sum(v.x), 0) || ':' || coalesce(sum(v.x * v.k), 0)"
            + " FROM (SELECT 1 AS k, xmin::text::bigint AS x FROM pg_catalog.pg_proc WHERE oid >= 16384"
            + " UNION ALL SELECT 2, xmin::text::bigint FROM pg_catalog.pg_trigger"
            + " UNION ALL SELECT 3, xmin::text::bigint FROM pg_catalog.pg_rewrite WHERE oid >= 16384"
            + " UNION ALL SELECT 4, xmin::text::bigint FROM pg_catalog.pg_policy"
            + " UNION ALL SELECT 5, xmin::text::bigint FROM pg_catalog.pg_attrdef"
            + " UNION ALL SELECT 6, xmin::text::bigint FROM pg_catalog.pg_constraint WHERE oid >= 16384"
            + " UNION ALL SELECT 7, xmin::text::bigint FROM pg_catalog.pg_operator WHERE oid >= 16384"
            + " UNION ALL SELECT 8, xmin::text::bigint FROM pg_catalog.pg_cast WHERE oid >= 16384"
            + " UNION ALL SELECT 9, xmin::text::bigint FROM pg_catalog.pg_event_trigger"
            + " UNION ALL SELECT 10, xmin::text::bigint FROM pg_catalog.pg_depend"
            + " WHERE refclassid = 'pg_catalog.pg_type'::pg_catalog.regclass AND refobjid >= 16384"
            + " UNION ALL SELECT 11, xmin::text::bigint FROM pg_catalog.pg_type WHERE oid >= 16384"
            + " UNION ALL SELECT 12, xmin::text::bigint FROM pg_catalog.pg_index WHERE indexprs IS NOT NULL OR indpred IS NOT NULL"
            + " UNION ALL SELECT 13, xmin::text::bigint FROM pg_catalog.pg_inherits) v";

    /**
     * Columns of a type made after initdb that an implicit cast made after initdb (not an extension's)
     * converts from: a comparison of such a column with a value of the cast's target type runs the cast's
     * function on it. A server type's column ({@code int}) keeps the server's operators, which an
     * implicit cast from it to a type of the database's own does not displace.
     */
    private static final String CAST_COLUMNS = "SELECT c.relname, a.attname FROM pg_catalog.pg_attribute a"
            + " JOIN pg_catalog.pg_class c ON c.oid = a.attrelid JOIN pg_catalog.pg_cast k ON k.castsource = a.atttypid"
            + " WHERE k.castcontext = 'i' AND k.castfunc <> 0 AND k.oid >= 16384 AND k.castsource >= 16384"
            + " AND a.attnum > 0 AND NOT a.attisdropped"
            + " AND c.oid >= 16384 AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d"
            + " WHERE d.classid = 'pg_catalog.pg_cast'::pg_catalog.regclass AND d.objid = k.oid AND d.deptype = 'e')";

    /** Event triggers run their functions on DDL and grants. */
    private static final String ON_SCHEMA_CHANGE = "SELECT pg_catalog.quote_ident(p.proname) || '()'"
            + " FROM pg_catalog.pg_event_trigger e JOIN pg_catalog.pg_proc p ON p.oid = e.evtfoid WHERE e.evtenabled <> 'D'";

    private final UpstreamCatalog catalog;
    /** The server's own names: read once (one an upgrade adds only costs a read of the rest when called). */
    private Set<String> builtIns;

    PostgresDatabaseRoutines(UpstreamCatalog catalog) {
        this.catalog = catalog;
    }

    synchronized DatabaseRoutines read() throws CatalogUnavailableException {
        if (builtIns == null) {
            Set<String> names = new HashSet<>();
            for (List<String> row : catalog.query(BUILT_INS)) {
                names.add(row.getFirst());
            }
            builtIns = Set.copyOf(names);
        }
        DatabaseRoutines.Builder answer = new DatabaseRoutines.Builder(builtIns).version(version());
        boolean sqlBody = "t".equals(catalog.query(HAS_SQL_BODY).getFirst().getFirst());
        for (String routines : List.of(ROUTINES.formatted(sqlBody ? SQL_BODY : "NULL"), ROUTINES_CHECKING)) {
            for (List<String> row : catalog.query(routines)) {
                answer.routine(new DatabaseRoutines.Routine(row.get(0), row.get(1), "t".equals(row.get(2)), row.get(3),
                        "t".equals(row.get(4))));
            }
        }
        for (List<String> row : catalog.query(IMPLICIT)) {
            answer.implicit(row.get(0), row.get(1));
        }
        for (List<String> row : catalog.query(ON_WRITE)) {
            if (row.get(1) != null) {
                answer.onWrite(row.get(0), row.get(1));
            }
        }
        for (List<String> row : catalog.query(CAST_COLUMNS)) {
            answer.castColumn(row.get(0), row.get(1));
        }
        for (List<String> row : catalog.query(ON_USE)) {
            if (row.get(1) != null) {
                answer.onUse(row.get(0), row.get(1));
            }
        }
        for (List<String> row : catalog.query(ON_SCHEMA_CHANGE)) {
            answer.onSchemaChange(row.getFirst());
        }
        return answer.build();
    }

    /** The version of the database's code now: read before the rest of an answer, and to confirm one. */
    String version() throws CatalogUnavailableException {
        List<List<String>> rows = catalog.repeated(VERSION);
        if (rows.isEmpty() || rows.getFirst().isEmpty() || rows.getFirst().getFirst() == null) {
            throw new CatalogUnavailableException("the catalog gave no version of the database's own code", null);
        }
        return rows.getFirst().getFirst();
    }
}
