package dev.tracegate.gateway.postgres.lineage;

import dev.tracegate.gateway.lineage.CatalogUnavailableException;
import dev.tracegate.gateway.postgres.results.UpstreamCatalog;
import dev.tracegate.policy.lineage.DatabaseCode;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the code a PostgreSQL database runs on a statement's behalf without the statement naming
 * it ({@link DatabaseCode}): triggers, rules (other than views'), column defaults and generated
 * columns, check and exclusion constraints, index expressions and predicates, extended statistics'
 * expressions, row-level policies,
 * casts, domain checks, default operator classes, event triggers; the functions of the database
 * with their bodies; and which relations a write to another also writes (foreign keys, partitions
 * and inheritance children, the tables under a view). Only objects made after initdb count (OIDs
 * from 16384): initdb's own are the system's.
 */
final class PostgresDatabaseCode {

    private static final String ROUTINES = "SELECT p.proname, CASE WHEN p.prokind = 'a' THEN 'sql' ELSE l.lanname END,"
            + " CASE WHEN p.prokind = 'a' THEN (SELECT concat_ws(' ', a.aggtransfn, a.aggfinalfn, a.aggcombinefn,"
            + " a.aggmtransfn, a.aggminvtransfn, a.aggmfinalfn) FROM pg_catalog.pg_aggregate a WHERE a.aggfnoid = p.oid)"
            // A BEGIN ATOMIC body is kept parsed, with an empty prosrc.
            + " WHEN p.prosrc = '' THEN pg_catalog.pg_get_functiondef(p.oid) ELSE p.prosrc END"
            + " FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace"
            + " JOIN pg_catalog.pg_language l ON l.oid = p.prolang"
            + " WHERE n.nspname NOT IN ('pg_catalog','information_schema') OR p.oid >= 16384";
    /** Reach, what reaches it, and the code's text. A trigger is its function's name; a row trigger also reads its table's row. */
    private static final String ATTACHED = "SELECT 'TRIGGER', c.relname, pg_catalog.quote_ident(p.proname)"
            + " || CASE WHEN t.tgtype & 1 = 1 THEN ' ' || pg_catalog.quote_ident(c.relname) ELSE '' END"
            + " FROM pg_catalog.pg_trigger t JOIN pg_catalog.pg_class c ON c.oid = t.tgrelid"
            + " JOIN pg_catalog.pg_proc p ON p.oid = t.tgfoid WHERE NOT t.tgisinternal"
            + " UNION ALL SELECT 'WRITE', c.relname, pg_catalog.pg_get_ruledef(r.oid)"
            + " FROM pg_catalog.pg_rewrite r JOIN pg_catalog.pg_class c ON c.oid = r.ev_class"
            + " WHERE r.rulename <> '_RETURN' AND r.oid >= 16384"
            + " UNION ALL SELECT 'WRITE', c.relname, pg_catalog.pg_get_expr(d.adbin, d.adrelid)"
            + " FROM pg_catalog.pg_attrdef d JOIN pg_catalog.pg_class c ON c.oid = d.adrelid WHERE c.oid >= 16384"
            + " UNION ALL SELECT 'WRITE', c.relname, pg_catalog.pg_get_constraintdef(k.oid)"
            + " FROM pg_catalog.pg_constraint k JOIN pg_catalog.pg_class c ON c.oid = k.conrelid"
            + " WHERE k.contype IN ('c','x') AND c.oid >= 16384"
            + " UNION ALL SELECT 'WRITE', c.relname, pg_catalog.concat_ws(' ', pg_catalog.pg_get_expr(i.indexprs,"
            + " i.indrelid), pg_catalog.pg_get_expr(i.indpred, i.indrelid))"
            + " FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class c ON c.oid = i.indrelid"
            + " WHERE (i.indexprs IS NOT NULL OR i.indpred IS NOT NULL) AND c.oid >= 16384"
            + " UNION ALL SELECT 'USE', c.relname, pg_catalog.concat_ws(' ', pg_catalog.pg_get_expr(po.polqual,"
            + " po.polrelid), pg_catalog.pg_get_expr(po.polwithcheck, po.polrelid))"
            + " FROM pg_catalog.pg_policy po JOIN pg_catalog.pg_class c ON c.oid = po.polrelid"
            + " UNION ALL SELECT 'SCHEMA_CHANGE', '', pg_catalog.quote_ident(p.proname)"
            + " FROM pg_catalog.pg_event_trigger e JOIN pg_catalog.pg_proc p ON p.oid = e.evtfoid"
            + " WHERE e.evtenabled <> 'D'"
            // A cast between two built-in types runs wherever a value of one may become the other.
            + " UNION ALL SELECT 'EVERYWHERE', '', pg_catalog.quote_ident(p.proname)"
            + " FROM pg_catalog.pg_cast k JOIN pg_catalog.pg_proc p ON p.oid = k.castfunc"
            + " WHERE k.oid >= 16384 AND k.castsource < 16384 AND k.casttarget < 16384";
    /**
     * The types whose values run code: a cast's source and target made after initdb, a domain with
     * a check, a type with a default operator class made after initdb; and, as each of these, the
     * domains over them and their array types (a domain's or an array's coercion runs its base's).
     */
    private static final String TYPES = "WITH RECURSIVE typed(typ, code) AS ("
            + " SELECT x.typ, pg_catalog.quote_ident(p.proname) FROM pg_catalog.pg_cast k"
            + " JOIN pg_catalog.pg_proc p ON p.oid = k.castfunc,"
            + " LATERAL (VALUES (k.castsource), (k.casttarget)) x(typ) WHERE k.oid >= 16384 AND x.typ >= 16384"
            + " UNION SELECT k.contypid, pg_catalog.pg_get_constraintdef(k.oid) FROM pg_catalog.pg_constraint k"
            + " WHERE k.contype = 'c' AND k.contypid >= 16384"
            + " UNION SELECT oc.opcintype, pg_catalog.quote_ident(p.proname) FROM pg_catalog.pg_opclass oc"
            + " JOIN pg_catalog.pg_amproc ap ON ap.amprocfamily = oc.opcfamily"
            + " JOIN pg_catalog.pg_proc p ON p.oid = ap.amproc WHERE oc.opcdefault AND oc.oid >= 16384"
            + " UNION SELECT oc.opcintype, pg_catalog.quote_ident(p.proname) FROM pg_catalog.pg_opclass oc"
            + " JOIN pg_catalog.pg_amop ao ON ao.amopfamily = oc.opcfamily"
            + " JOIN pg_catalog.pg_operator o ON o.oid = ao.amopopr"
            + " JOIN pg_catalog.pg_proc p ON p.oid = o.oprcode WHERE oc.opcdefault AND oc.oid >= 16384"
            + "), reached(typ, code) AS (SELECT typ, code FROM typed"
            + " UNION SELECT t.oid, r.code FROM reached r JOIN pg_catalog.pg_type b ON b.oid = r.typ"
            + " JOIN pg_catalog.pg_type t ON (t.typtype = 'd' AND t.typbasetype = r.typ) OR t.oid = b.typarray)"
            + " SELECT 'TYPE', t.typname, r.code FROM reached r JOIN pg_catalog.pg_type t ON t.oid = r.typ"
            // A Parse declares its parameters' types by OID: the text need not name them.
            + " UNION ALL SELECT 'TYPE', '#' || r.typ, r.code FROM reached r";
    /**
     * Extended statistics' expressions (PostgreSQL 14 and later), which {@code ANALYZE} computes on
     * every sampled row of their table: a cast that fails quotes the value ({@code CREATE STATISTICS
     * s ON (name::int) FROM customers}, then {@code ANALYZE}), so the code reads its table's rows,
     * as a row trigger does. Kept with a write's code, which maintenance reaches on every table.
     */
    private static final String STATISTICS = "SELECT 'WRITE', c.relname, pg_catalog.array_to_string("
            + "pg_catalog.pg_get_statisticsobjdef_expressions(s.oid), ' ') || ' ' || pg_catalog.quote_ident(c.relname)"
            + " FROM pg_catalog.pg_statistic_ext s JOIN pg_catalog.pg_class c ON c.oid = s.stxrelid"
            + " WHERE s.stxexprs IS NOT NULL";
    /** Whether the server has extended statistics on expressions (their catalog column is new in 14). */
    private static final String HAS_STATISTICS_EXPRESSIONS =
            "SELECT pg_catalog.current_setting('server_version_num')::int >= 140000";
    /** A write to the first relation writes the second too. */
    private static final String WRITES_THROUGH = "SELECT pk.relname, fk.relname FROM pg_catalog.pg_constraint k"
            + " JOIN pg_catalog.pg_class fk ON fk.oid = k.conrelid JOIN pg_catalog.pg_class pk ON pk.oid = k.confrelid"
            + " WHERE k.contype = 'f'"
            + " UNION SELECT p.relname, c.relname FROM pg_catalog.pg_inherits i"
            + " JOIN pg_catalog.pg_class p ON p.oid = i.inhparent JOIN pg_catalog.pg_class c ON c.oid = i.inhrelid"
            + " UNION SELECT v.relname, b.relname FROM pg_catalog.pg_rewrite r"
            + " JOIN pg_catalog.pg_class v ON v.oid = r.ev_class"
            + " JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_rewrite'::pg_catalog.regclass AND d.objid = r.oid"
            + " AND d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass"
            + " JOIN pg_catalog.pg_class b ON b.oid = d.refobjid WHERE b.oid <> v.oid AND v.oid >= 16384";

    private PostgresDatabaseCode() {
    }

    static DatabaseCode read(UpstreamCatalog catalog) throws CatalogUnavailableException {
        List<DatabaseCode.Attached> attached = new ArrayList<>();
        List<String> queries = new ArrayList<>(List.of(ATTACHED, TYPES));
        if ("t".equals(catalog.query(HAS_STATISTICS_EXPRESSIONS).getFirst().getFirst())) {
            queries.add(STATISTICS);
        }
        for (String query : queries) {
            for (List<String> row : catalog.query(query)) {
                if (row.get(2) != null) {
                    attached.add(new DatabaseCode.Attached(DatabaseCode.Reach.valueOf(row.get(0)), row.get(1), row.get(2)));
                }
            }
        }
        List<DatabaseCode.Routine> routines = new ArrayList<>();
        for (List<String> row : catalog.query(ROUTINES)) {
            routines.add(new DatabaseCode.Routine(row.get(0), row.get(1), row.get(2)));
        }
        List<DatabaseCode.WritesThrough> writes = new ArrayList<>();
        for (List<String> row : catalog.query(WRITES_THROUGH)) {
            writes.add(new DatabaseCode.WritesThrough(row.get(0), row.get(1)));
        }
        return new DatabaseCode(attached, routines, writes);
    }
}
