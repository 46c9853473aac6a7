package dev.tracegate.gateway.postgres.lineage;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracegate.gateway.lineage.CatalogReader;
import dev.tracegate.gateway.lineage.CatalogUnavailableException;
import dev.tracegate.gateway.postgres.results.UpstreamCatalog;
import dev.tracegate.policy.lineage.CatalogColumn;
import dev.tracegate.policy.lineage.CatalogRelation;
import dev.tracegate.policy.lineage.CatalogSnapshot;
import dev.tracegate.policy.lineage.RelationKind;
import dev.tracegate.policy.lineage.WrittenValues;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A PostgreSQL database's catalog as the lineage check reads it: relations with their columns and
 * view definitions, functions and operators defined outside the system catalog, the code the
 * database runs on statements' behalf ({@link PostgresDatabaseCode}), and (once) the built-in
 * function names, type names and keywords. The queries are the gateway's own text.
 */
public final class PostgresCatalogReader implements CatalogReader {

    /**
     * PostgreSQL's FirstNormalObjectId: everything below it was made by initdb. A superuser can put
     * a function (an extension's, say) or, with allow_system_table_mods, a view into pg_catalog;
     * what was made there afterwards is the database's own code and data, not the system's.
     */
    private static final long FIRST_NORMAL_OID = 16384;
    private static final String RELATIONS = "SELECT c.oid, n.nspname, c.relname, c.relkind, c.relpersistence,"
            + " pg_catalog.pg_table_is_visible(c.oid),"
            + " CASE WHEN c.relkind IN ('v','m') AND (n.nspname NOT IN ('pg_catalog','information_schema')"
            + " OR c.oid >= " + FIRST_NORMAL_OID + ")"
            + " THEN pg_catalog.pg_get_viewdef(c.oid) END"
            + " FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
            + " WHERE c.relkind IN ('r','p','v','m','f')";
    private static final String COLUMNS = "SELECT a.attrelid, a.attname, t.typname,"
            + " EXISTS (SELECT 1 FROM pg_catalog.pg_index i WHERE i.indrelid = a.attrelid AND i.indisunique"
            + " AND a.attnum = ANY (i.indkey)),"
            // A generated column's expression: what it computes from the row (ProtectedSchema reads it as a view's column).
            + " (SELECT pg_catalog.pg_get_expr(d.adbin, d.adrelid) FROM pg_catalog.pg_attrdef d"
            + " WHERE d.adrelid = a.attrelid AND d.adnum = a.attnum AND a.attgenerated <> '')"
            + " FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON c.oid = a.attrelid"
            + " JOIN pg_catalog.pg_type t ON t.oid = a.atttypid"
            + " WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r','p','v','m','f')"
            + " ORDER BY a.attrelid, a.attnum";
    /**
     * Every table's ancestors (partitions' and inheritance children's parents, theirs, ...), and the
     * relation each foreign table names ({@link PostgresForeignTables}): its rules cover the foreign
     * table's columns as a parent's cover a partition's.
     */
    public static final String ANCESTORS = "WITH RECURSIVE up(child, parent) AS ("
            + "SELECT inhrelid, inhparent FROM pg_catalog.pg_inherits"
            + " UNION SELECT up.child, i.inhparent FROM up JOIN pg_catalog.pg_inherits i ON i.inhrelid = up.parent)"
            + " SELECT up.child, n.nspname, c.relname, NULL::text FROM up JOIN pg_catalog.pg_class c ON c.oid = up.parent"
            + " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
            + " UNION " + PostgresForeignTables.NAMED_RELATIONS;
    private static final String USER_FUNCTIONS = "SELECT DISTINCT p.proname FROM pg_catalog.pg_proc p"
            + " JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace"
            + " WHERE n.nspname NOT IN ('pg_catalog','information_schema') OR p.oid >= " + FIRST_NORMAL_OID;
    private static final String USER_OPERATORS = "SELECT DISTINCT o.oprname FROM pg_catalog.pg_operator o"
            + " JOIN pg_catalog.pg_namespace n ON n.oid = o.oprnamespace"
            + " WHERE n.nspname NOT IN ('pg_catalog','information_schema') OR o.oid >= " + FIRST_NORMAL_OID;
    /**
     * The texts of the database's code that may hold a value a DBA wrote (a literal, a comment, a
     * number of four digits or more, a character's code),
     * with the name of the relation each belongs to (a default with its column's name; a domain's
     * default and checks as its columns', {@code VALUE} read as the column; a function's by its own
     * name, which names no relation): what {@code pg_get_viewdef}, {@code pg_get_functiondef},
     * {@code pg_get_expr}, {@code pg_get_constraintdef} and their kin would show a caller, a
     * partition's bound (as its constraint, which names the key's columns), a publication's row
     * filter, a trigger's arguments and the value a column added with a default holds for the rows
     * stored before it ({@code pg_attribute.attmissingval}) among them.
     */
    private static final String LITERAL_CODE = "SELECT c.relname, x.code FROM pg_catalog.pg_class c CROSS JOIN LATERAL ("
            + "SELECT pg_catalog.pg_get_viewdef(c.oid) WHERE c.relkind IN ('v', 'm')"
            + " UNION ALL SELECT a.attname || ' DEFAULT ' || pg_catalog.pg_get_expr(d.adbin, d.adrelid)"
            + " FROM pg_catalog.pg_attrdef d JOIN pg_catalog.pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum"
            + " WHERE d.adrelid = c.oid"
            + " UNION ALL SELECT pg_catalog.pg_get_constraintdef(k.oid) FROM pg_catalog.pg_constraint k"
            + " WHERE k.conrelid = c.oid AND k.contype IN ('c', 'x')"
            + " UNION ALL SELECT pg_catalog.pg_get_indexdef(i.indexrelid) FROM pg_catalog.pg_index i"
            + " WHERE i.indrelid = c.oid AND (i.indexprs IS NOT NULL OR i.indpred IS NOT NULL)"
            + " UNION ALL SELECT pg_catalog.pg_get_triggerdef(t.oid) FROM pg_catalog.pg_trigger t"
            + " WHERE t.tgrelid = c.oid AND NOT t.tgisinternal"
            + " UNION ALL SELECT COALESCE(pg_catalog.pg_get_expr(p.polqual, p.polrelid), '') || ' '"
            + " || COALESCE(pg_catalog.pg_get_expr(p.polwithcheck, p.polrelid), '') FROM pg_catalog.pg_policy p"
            + " WHERE p.polrelid = c.oid"
            + " UNION ALL SELECT pg_catalog.pg_get_ruledef(r.oid) FROM pg_catalog.pg_rewrite r"
            + " WHERE r.ev_class = c.oid AND r.rulename <> '_RETURN'"
            + " UNION ALL SELECT pg_catalog.pg_get_statisticsobjdef(s.oid) FROM pg_catalog.pg_statistic_ext s"
            + " WHERE s.stxrelid = c.oid"
            + " UNION ALL SELECT pg_catalog.pg_get_partition_constraintdef(c.oid) WHERE c.relispartition"
            + " UNION ALL SELECT pg_catalog.pg_get_partkeydef(c.oid) WHERE c.relkind = 'p'"
            + " UNION ALL SELECT pg_catalog.pg_get_expr(pr.prqual, pr.prrelid) FROM pg_catalog.pg_publication_rel pr"
            + " WHERE pr.prrelid = c.oid AND pr.prqual IS NOT NULL"
            // The value a column added with a default holds for the rows stored before it, default dropped or not.
            + " UNION ALL SELECT a.attname || ' DEFAULT ' || pg_catalog.quote_literal(a.attmissingval::text)"
            + " FROM pg_catalog.pg_attribute a WHERE a.attrelid = c.oid AND a.atthasmissing AND NOT a.attisdropped"
            // The domains a column's type is, is an array of, or is over (a domain over a domain).
            + " UNION ALL SELECT pg_catalog.regexp_replace(dc.code, '\\mVALUE\\M', pg_catalog.quote_ident(a.attname), 'g')"
            + " FROM pg_catalog.pg_attribute a CROSS JOIN LATERAL (WITH RECURSIVE chain(t) AS (SELECT a.atttypid"
            + " UNION SELECT n.t FROM chain JOIN pg_catalog.pg_type ty ON ty.oid = chain.t"
            + " CROSS JOIN LATERAL (VALUES (ty.typbasetype), (ty.typelem)) n(t) WHERE n.t <> 0)"
            + " SELECT 'VALUE DEFAULT ' || pg_catalog.pg_get_expr(ty.typdefaultbin, 0) FROM chain"
            + " JOIN pg_catalog.pg_type ty ON ty.oid = chain.t WHERE ty.typdefaultbin IS NOT NULL"
            + " UNION ALL SELECT pg_catalog.pg_get_constraintdef(k.oid) FROM chain"
            + " JOIN pg_catalog.pg_constraint k ON k.contypid = chain.t) dc(code)"
            + " WHERE a.attrelid = c.oid AND a.attnum > 0 AND a.atttypid >= " + FIRST_NORMAL_OID + ") x(code)"
            + " WHERE c.oid >= " + FIRST_NORMAL_OID + " AND x.code ~ '[''$]|--|/\\*|[0-9]{4}|chr\\('"
            // Every function's and procedure's whole text (its body, its arguments' defaults), by its name:
            // code that calls one uses the names it uses.
            + " UNION ALL SELECT p.proname, pg_catalog.pg_get_functiondef(p.oid) FROM pg_catalog.pg_proc p"
            + " WHERE p.oid >= " + FIRST_NORMAL_OID + " AND p.prokind IN ('f', 'p')";
    /**
     * Every comment a DBA wrote, as a literal, by what owns it ({@link WrittenValues#comments}): a
     * relation's, its columns', constraints', triggers', policies' and rules' by the relation, an
     * index's by its table, a function's as a call of it, any other object's (and a database's, a
     * role's, a tablespace's) unowned. Objects of extensions and of the system are left out.
     */
    private static final String COMMENTS = "SELECT COALESCE(owner.name, ''), COALESCE(owner.call || '(', '')"
            + " || pg_catalog.quote_literal(d.description) || CASE WHEN owner.call IS NULL THEN '' ELSE ')' END"
            + " FROM pg_catalog.pg_description d LEFT JOIN LATERAL ("
            + "SELECT COALESCE(t.relname, c.relname) AS name, NULL::text AS call"
            + " FROM pg_catalog.pg_class c LEFT JOIN pg_catalog.pg_index i ON i.indexrelid = c.oid"
            + " LEFT JOIN pg_catalog.pg_class t ON t.oid = i.indrelid"
            + " WHERE d.classoid = 'pg_catalog.pg_class'::pg_catalog.regclass AND c.oid = d.objoid"
            + " UNION ALL SELECT r.relname, NULL FROM pg_catalog.pg_constraint k"
            + " JOIN pg_catalog.pg_class r ON r.oid = k.conrelid"
            + " WHERE d.classoid = 'pg_catalog.pg_constraint'::pg_catalog.regclass AND k.oid = d.objoid"
            + " UNION ALL SELECT r.relname, NULL FROM pg_catalog.pg_trigger t JOIN pg_catalog.pg_class r ON r.oid = t.tgrelid"
            + " WHERE d.classoid = 'pg_catalog.pg_trigger'::pg_catalog.regclass AND t.oid = d.objoid"
            + " UNION ALL SELECT r.relname, NULL FROM pg_catalog.pg_policy p JOIN pg_catalog.pg_class r ON r.oid = p.polrelid"
            + " WHERE d.classoid = 'pg_catalog.pg_policy'::pg_catalog.regclass AND p.oid = d.objoid"
            + " UNION ALL SELECT r.relname, NULL FROM pg_catalog.pg_rewrite w JOIN pg_catalog.pg_class r ON r.oid = w.ev_class"
            + " WHERE d.classoid = 'pg_catalog.pg_rewrite'::pg_catalog.regclass AND w.oid = d.objoid"
            + " UNION ALL SELECT f.proname, pg_catalog.quote_ident(f.proname) FROM pg_catalog.pg_proc f"
            + " WHERE d.classoid = 'pg_catalog.pg_proc'::pg_catalog.regclass AND f.oid = d.objoid AND f.prokind IN ('f', 'p')"
            + ") owner ON true WHERE d.objoid >= " + FIRST_NORMAL_OID
            + " AND d.classoid <> 'pg_catalog.pg_extension'::pg_catalog.regclass"
            + " AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend e WHERE e.classid = d.classoid AND e.objid = d.objoid"
            + " AND e.deptype = 'e')"
            + " UNION ALL SELECT '', pg_catalog.quote_literal(s.description) FROM pg_catalog.pg_shdescription s"
            + " WHERE s.objoid >= " + FIRST_NORMAL_OID;
    /** The settings stored for this database, a role, a role in it or a function ({@code ALTER DATABASE/ROLE/FUNCTION ... SET}). */
    private static final String STORED_SETTINGS = "SELECT DISTINCT pg_catalog.split_part(c.setting, '=', 1)"
            + " FROM pg_catalog.pg_db_role_setting s CROSS JOIN LATERAL pg_catalog.unnest(s.setconfig) c(setting)"
            + " WHERE s.setdatabase IN (0, (SELECT oid FROM pg_catalog.pg_database WHERE datname = pg_catalog.current_database()))"
            // A function's own (ALTER FUNCTION ... SET), which its calls run with.
            + " UNION SELECT pg_catalog.split_part(c.setting, '=', 1) FROM pg_catalog.pg_proc p"
            + " CROSS JOIN LATERAL pg_catalog.unnest(p.proconfig) c(setting) WHERE p.oid >= " + FIRST_NORMAL_OID;
    /**
     * Whether a user aggregate's {@code INITCOND} or {@code MINITCOND} (its moving state's) may hold a value: a run of two letters or more
     * (not {@code infinity}, {@code nan}, {@code true} or {@code false}) or a number of four digits or more.
     */
    private static final String AGGREGATE_VALUES = "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_aggregate a"
            + " CROSS JOIN LATERAL (VALUES (a.agginitval), (a.aggminitval)) v(initial)"
            + " WHERE a.aggfnoid::pg_catalog.oid >= " + FIRST_NORMAL_OID + " AND v.initial IS NOT NULL"
            + " AND pg_catalog.lower(v.initial) ~ '[a-z]{2}|[0-9]{4}'"
            + " AND pg_catalog.lower(v.initial) !~ '^([-+]?infinity|nan|true|false)$')::text";
    private static final String SCHEMAS = "SELECT nspname FROM pg_catalog.pg_namespace";
    private static final String BUILT_IN_FUNCTIONS = "SELECT DISTINCT proname FROM pg_catalog.pg_proc"
            + " WHERE pronamespace = 'pg_catalog'::pg_catalog.regnamespace AND oid < " + FIRST_NORMAL_OID;
    private static final String KEYWORDS_AND_TYPES = "SELECT word FROM pg_catalog.pg_get_keywords()"
            + " UNION SELECT typname FROM pg_catalog.pg_type";

    private static final ObjectMapper RENAMED = new ObjectMapper();
    private static final TypeReference<Map<String, String>> RENAMED_TYPE = new TypeReference<>() {
    };

    private final UpstreamCatalog catalog;
    private Set<String> builtIns;
    private Set<String> keywordsAndTypes;

    public PostgresCatalogReader(UpstreamCatalog catalog) {
        this.catalog = catalog;
    }

    @Override
    public synchronized CatalogSnapshot read(long version) throws CatalogUnavailableException {
        if (builtIns == null) {
            builtIns = CatalogReader.names(catalog.query(BUILT_IN_FUNCTIONS));
            keywordsAndTypes = CatalogReader.names(catalog.query(KEYWORDS_AND_TYPES));
        }
        List<CatalogRelation> relations = relations(catalog.query(RELATIONS), catalog.query(COLUMNS),
                catalog.query(ANCESTORS), catalog.query(PostgresForeignTables.COLUMNS),
                CatalogReader.names(catalog.query(PostgresForeignTables.UNREADABLE)));
        Set<String> other = new HashSet<>(keywordsAndTypes);
        other.addAll(CatalogReader.names(catalog.query(SCHEMAS)));
        return new CatalogSnapshot(relations, CatalogReader.names(catalog.query(USER_FUNCTIONS)), builtIns,
                CatalogReader.names(catalog.query(USER_OPERATORS)), other, Set.of(), Set.of(),
                PostgresDatabaseCode.read(catalog), literalCode(catalog.query(LITERAL_CODE)), writtenValues(), version);
    }

    private WrittenValues writtenValues() throws CatalogUnavailableException {
        return new WrittenValues(literalCode(catalog.query(COMMENTS)), CatalogReader.names(catalog.query(STORED_SETTINGS)),
                "true".equals(catalog.query(AGGREGATE_VALUES).getFirst().getFirst()));
    }

    private static Map<String, List<String>> literalCode(List<List<String>> rows) {
        Map<String, List<String>> texts = new HashMap<>();
        rows.forEach(row -> texts.computeIfAbsent(row.get(0), k -> new ArrayList<>()).add(row.get(1)));
        return texts;
    }

    /** One row of {@link #ANCESTORS} as the ancestor it names, with the columns a foreign table renames. */
    public static CatalogRelation.Ancestor ancestor(List<String> row) throws CatalogUnavailableException {
        if (row.get(3) == null) {
            return new CatalogRelation.Ancestor(row.get(1), row.get(2));
        }
        try {
            return new CatalogRelation.Ancestor(row.get(1), row.get(2), RENAMED.readValue(row.get(3), RENAMED_TYPE));
        } catch (JsonProcessingException e) {
            throw new CatalogUnavailableException("unreadable column renames of a foreign table", e);
        }
    }

    private static List<CatalogRelation> relations(List<List<String>> relationRows, List<List<String>> columnRows,
                                                   List<List<String>> ancestorRows, List<List<String>> foreignColumnRows,
                                                   Set<String> unreadableTables) throws CatalogUnavailableException {
        Map<String, List<CatalogRelation.Ancestor>> ancestors = new HashMap<>();
        for (List<String> row : ancestorRows) {
            ancestors.computeIfAbsent(row.get(0), k -> new ArrayList<>()).add(ancestor(row));
        }
        Map<String, List<CatalogColumn>> columns = new HashMap<>();
        for (List<String> row : columnRows) {
            columns.computeIfAbsent(row.get(0), k -> new ArrayList<>()).add(new CatalogColumn(row.get(1), row.get(2),
                    "t".equals(row.get(3)), row.get(4)));
        }
        Set<String> names = new HashSet<>();
        Map<String, String> foreignNames = new HashMap<>();
        for (List<String> row : relationRows) {
            names.add(row.get(1) + "." + row.get(2));
            if (row.get(3).equals("f")) {
                foreignNames.put(row.get(0), row.get(1) + "." + row.get(2));
            }
        }
        Map<String, String> foreign = PostgresForeignTables.definitions(foreignColumnRows, names, foreignNames);
        List<CatalogRelation> relations = new ArrayList<>(relationRows.size());
        for (List<String> row : relationRows) {
            String schema = row.get(1);
            boolean system = (schema.equals("pg_catalog") || schema.equals("information_schema"))
                    && Long.parseLong(row.get(0)) < FIRST_NORMAL_OID;
            String relkind = row.get(3);
            // A foreign table that names a relation of this database is read as a view of it, one
            // that reads a server file or whose wrapper's options the gateway cannot read as a view
            // whose query is not known (null).
            boolean unreadable = unreadableTables.contains(row.get(0));
            String definition = row.get(6) != null || unreadable ? row.get(6) : foreign.get(row.get(0));
            RelationKind kind = system ? RelationKind.SYSTEM
                    : relkind.equals("v") || relkind.equals("m") || definition != null || unreadable
                    ? RelationKind.VIEW : RelationKind.TABLE;
            relations.add(new CatalogRelation(schema, row.get(2), kind, "t".equals(row.get(4)), "t".equals(row.get(5)),
                    columns.getOrDefault(row.get(0), List.of()), definition, ancestors.getOrDefault(row.get(0), List.of())));
        }
        return relations;
    }
}
