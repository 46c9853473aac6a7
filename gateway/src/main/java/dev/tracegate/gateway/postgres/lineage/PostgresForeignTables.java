package dev.tracegate.gateway.postgres.lineage;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A foreign table is another name for the relation its options name: postgres_fdw (and the
 * wrappers that share its options) reads {@code schema_name}.{@code table_name} (by default the
 * foreign table's own schema and name) of the server it reaches, each column by its {@code
 * column_name} option (by default its own name). A DBA's loopback server back into the same
 * database made {@code CREATE FOREIGN TABLE ft_remote (who text OPTIONS (column_name 'name'))
 * SERVER loop OPTIONS (table_name 'customers')} hand a masked caller every name in clear, under a
 * name no rule covers.
 *
 * <p>So the catalog reads such a foreign table as what it names: when this database holds that
 * relation, as a view selecting its columns ({@link #definition}), which the lineage check and the
 * column resolver follow as any view (renamed columns, a view or a partitioned table named);
 * otherwise (another database's table) its columns are protected by the named table's rules as by
 * an ancestor's ({@link #NAMED_RELATIONS}, joined to the catalog's ancestors).
 *
 * <p>A foreign table that reads a server file or a program's output (file_fdw's {@code filename}
 * and {@code program}) reads what no rule covers: an unmasked colleague's export, the server's CSV
 * log with every session's statements and the values their errors quote (the file_fdw
 * documentation's own example). It is read as a view whose query is not known ({@link #UNREADABLE}),
 * computed from every protected column, as {@code COPY t FROM 'file'} is refused.
 *
 * <p>So is a foreign table of any wrapper other than postgres_fdw (by its handler, whatever the
 * wrapper is called): the gateway cannot read with certainty what its options name. oracle_fdw's
 * {@code table} may be a subquery ({@code '(SELECT name FROM customers)'}), tds_fdw's and others'
 * {@code query} is one, mysql_fdw names a table by {@code dbname} and {@code table_name},
 * multicorn's options are whatever its Python class reads; reading them by postgres_fdw's names
 * took such a table as a table of its own name, which no rule covers.
 */
final class PostgresForeignTables {

    private static final String REMOTE = " FROM pg_catalog.pg_foreign_table ft"
            + " JOIN pg_catalog.pg_class c ON c.oid = ft.ftrelid JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
            + " JOIN pg_catalog.pg_foreign_server s ON s.oid = ft.ftserver"
            + " JOIN pg_catalog.pg_foreign_data_wrapper w ON w.oid = s.srvfdw CROSS JOIN LATERAL (SELECT"
            + " COALESCE((SELECT option_value FROM pg_catalog.pg_options_to_table(ft.ftoptions)"
            + " WHERE option_name = 'schema_name'), n.nspname) AS remote_schema,"
            + " COALESCE((SELECT option_value FROM pg_catalog.pg_options_to_table(ft.ftoptions)"
            + " WHERE option_name = 'table_name'), c.relname) AS remote_table,"
            // postgres_fdw's handler is its library's C function, in whichever schema it was installed.
            + " NOT EXISTS (SELECT 1 FROM pg_catalog.pg_proc h JOIN pg_catalog.pg_language l ON l.oid = h.prolang"
            + " WHERE h.oid = w.fdwhandler AND h.proname = 'postgres_fdw_handler' AND l.lanname = 'c'"
            + " AND h.probin = '$libdir/postgres_fdw') OR EXISTS (SELECT 1"
            + " FROM pg_catalog.pg_options_to_table(ft.ftoptions) WHERE option_name IN ('filename', 'program'))"
            + " AS unreadable) r";
    private static final String READABLE = " WHERE NOT r.unreadable";
    /**
     * The foreign tables whose options the gateway cannot read as a relation's name: those of a
     * wrapper other than postgres_fdw, and any that reads a server file or a program's output.
     */
    static final String UNREADABLE = "SELECT ft.ftrelid" + REMOTE + " WHERE r.unreadable";
    /**
     * Each foreign table with the relation it names and the columns it renames ({@code column_name},
     * as a JSON object from the foreign table's name to the named relation's), in the form of {@code
     * PostgresCatalogReader.ANCESTORS}. Another database's {@code customers} read through {@code
     * (who text OPTIONS (column_name 'name'))} carries its names in {@code who}: the named table's
     * rule for {@code name} covers it. A foreign table of the same schema and name as the relation it
     * names is listed too when it renames a column.
     */
    static final String NAMED_RELATIONS = "SELECT ft.ftrelid AS child, r.remote_schema, r.remote_table, k.renamed"
            + REMOTE + " CROSS JOIN LATERAL (SELECT pg_catalog.json_object_agg(a.attname, o.option_value)::text AS renamed"
            + " FROM pg_catalog.pg_attribute a CROSS JOIN LATERAL pg_catalog.pg_options_to_table(a.attfdwoptions) o"
            + " WHERE a.attrelid = ft.ftrelid AND a.attnum > 0 AND NOT a.attisdropped AND o.option_name = 'column_name'"
            + " AND o.option_value <> a.attname) k" + READABLE
            + " AND ((r.remote_schema, r.remote_table) IS DISTINCT FROM (n.nspname, c.relname) OR k.renamed IS NOT NULL)";
    /** Each foreign table's columns in order, with the column each reads and the relation it names. */
    static final String COLUMNS = "SELECT ft.ftrelid, r.remote_schema, r.remote_table, a.attname,"
            + " COALESCE((SELECT option_value FROM pg_catalog.pg_options_to_table(a.attfdwoptions)"
            + " WHERE option_name = 'column_name'), a.attname)" + REMOTE
            + " JOIN pg_catalog.pg_attribute a ON a.attrelid = ft.ftrelid AND a.attnum > 0 AND NOT a.attisdropped"
            + READABLE + " ORDER BY ft.ftrelid, a.attnum";

    private PostgresForeignTables() {
    }

    /** The relation one foreign table names, and which of its columns each of the foreign table's reads. */
    private record Named(String schema, String table, Map<String, String> columns) {
    }

    /**
     * A view's query for each foreign table (by OID) that names a relation this database holds,
     * other than itself: {@code SELECT "name" AS "who", ... FROM "public"."customers"}.
     *
     * @param columnRows {@link #COLUMNS}' rows
     * @param relations  every relation of the database, as {@code schema.name}
     * @param ownNames   each foreign table's own {@code schema.name}, by OID
     */
    static Map<String, String> definitions(List<List<String>> columnRows, Set<String> relations,
                                           Map<String, String> ownNames) {
        Map<String, Named> named = new LinkedHashMap<>();
        for (List<String> row : columnRows) {
            named.computeIfAbsent(row.get(0), oid -> new Named(row.get(1), row.get(2), new LinkedHashMap<>()))
                    .columns().put(row.get(3), row.get(4));
        }
        Map<String, String> definitions = new LinkedHashMap<>();
        named.forEach((oid, relation) -> {
            String qualified = relation.schema() + "." + relation.table();
            if (relations.contains(qualified) && !qualified.equals(ownNames.get(oid))) {
                definitions.put(oid, definition(relation));
            }
        });
        return definitions;
    }

    private static String definition(Named relation) {
        List<String> columns = new ArrayList<>();
        relation.columns().forEach((own, remote) -> columns.add(quoted(remote) + " AS " + quoted(own)));
        return columns.stream().collect(Collectors.joining(", ", "SELECT ", " FROM "))
                + quoted(relation.schema()) + "." + quoted(relation.table());
    }

    private static String quoted(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }
}
