package dev.tracegate.gateway.postgres.lineage;

import dev.tracegate.gateway.postgres.results.CatalogUnavailableException;
import dev.tracegate.gateway.postgres.results.UpstreamCatalog;
import dev.tracegate.policy.lineage.CatalogColumn;
import dev.tracegate.policy.lineage.CatalogRelation;
import dev.tracegate.policy.lineage.CatalogSnapshot;
import dev.tracegate.policy.lineage.RelationKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Catalog snapshots of one upstream database, for checking masked callers' statements: relations
 * with their columns and view definitions, functions defined outside the system catalog, and (once)
 * the built-in function names, type names and keywords.
 *
 * <p>A snapshot is reused for a few seconds; after a schema change through the gateway, or when a
 * statement names something the snapshot does not know, the next check takes a fresh one. The
 * queries are the gateway's own text; no client input reaches them. Thread-safe.
 */
public final class CatalogSnapshots {

    private static final Duration MAX_AGE = Duration.ofSeconds(5);
    private static final AtomicLong VERSIONS = new AtomicLong();

    private static final String RELATIONS = "SELECT c.oid, n.nspname, c.relname, c.relkind, c.relpersistence,"
            + " pg_catalog.pg_table_is_visible(c.oid),"
            + " CASE WHEN c.relkind IN ('v','m') AND n.nspname NOT IN ('pg_catalog','information_schema')"
            + " THEN pg_catalog.pg_get_viewdef(c.oid) END"
            + " FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
            + " WHERE c.relkind IN ('r','p','v','m','f')";
    private static final String COLUMNS = "SELECT a.attrelid, a.attname, t.typname,"
            + " EXISTS (SELECT 1 FROM pg_catalog.pg_index i WHERE i.indrelid = a.attrelid AND i.indisunique"
            + " AND a.attnum = ANY (i.indkey))"
            + " FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON c.oid = a.attrelid"
            + " JOIN pg_catalog.pg_type t ON t.oid = a.atttypid"
            + " WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r','p','v','m','f')"
            + " ORDER BY a.attrelid, a.attnum";
    private static final String USER_FUNCTIONS = "SELECT DISTINCT p.proname FROM pg_catalog.pg_proc p"
            + " JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace"
            + " WHERE n.nspname NOT IN ('pg_catalog','information_schema')";
    private static final String USER_OPERATORS = "SELECT DISTINCT o.oprname FROM pg_catalog.pg_operator o"
            + " JOIN pg_catalog.pg_namespace n ON n.oid = o.oprnamespace"
            + " WHERE n.nspname NOT IN ('pg_catalog','information_schema')";
    private static final String SCHEMAS = "SELECT nspname FROM pg_catalog.pg_namespace";
    private static final String BUILT_IN_FUNCTIONS = "SELECT DISTINCT proname FROM pg_catalog.pg_proc"
            + " WHERE pronamespace = 'pg_catalog'::pg_catalog.regnamespace";
    private static final String KEYWORDS_AND_TYPES = "SELECT word FROM pg_catalog.pg_get_keywords()"
            + " UNION SELECT typname FROM pg_catalog.pg_type";

    private final UpstreamCatalog catalog;
    private Set<String> builtIns;
    private Set<String> keywordsAndTypes;
    private CatalogSnapshot current;
    private long takenNanos;
    private long freshUntilNanos;

    public CatalogSnapshots(UpstreamCatalog catalog) {
        this.catalog = catalog;
    }

    /** A snapshot no older than a few seconds (none older than the last schema change seen). */
    public synchronized CatalogSnapshot current() throws CatalogUnavailableException {
        long now = System.nanoTime();
        if (current == null || now - takenNanos > MAX_AGE.toNanos() || now < freshUntilNanos) {
            return fresh();
        }
        return current;
    }

    /** A snapshot taken now. */
    public synchronized CatalogSnapshot fresh() throws CatalogUnavailableException {
        if (builtIns == null) {
            builtIns = names(catalog.query(BUILT_IN_FUNCTIONS));
            keywordsAndTypes = names(catalog.query(KEYWORDS_AND_TYPES));
        }
        List<CatalogRelation> relations = relations(catalog.query(RELATIONS), catalog.query(COLUMNS));
        Set<String> other = new HashSet<>(keywordsAndTypes);
        other.addAll(names(catalog.query(SCHEMAS)));
        current = new CatalogSnapshot(relations, names(catalog.query(USER_FUNCTIONS)), builtIns,
                names(catalog.query(USER_OPERATORS)), other, VERSIONS.incrementAndGet());
        takenNanos = System.nanoTime();
        return current;
    }

    /**
     * A statement that may change the schema went through: until it has surely finished, every
     * check takes a fresh snapshot, so a view or function created a moment ago is seen as it is.
     */
    public synchronized void schemaMayChange() {
        freshUntilNanos = System.nanoTime() + MAX_AGE.toNanos();
    }

    private static List<CatalogRelation> relations(List<List<String>> relationRows, List<List<String>> columnRows) {
        Map<String, List<CatalogColumn>> columns = new HashMap<>();
        for (List<String> row : columnRows) {
            columns.computeIfAbsent(row.get(0), k -> new ArrayList<>()).add(new CatalogColumn(row.get(1), row.get(2),
                    "t".equals(row.get(3))));
        }
        List<CatalogRelation> relations = new ArrayList<>(relationRows.size());
        for (List<String> row : relationRows) {
            String schema = row.get(1);
            boolean system = schema.equals("pg_catalog") || schema.equals("information_schema");
            String relkind = row.get(3);
            RelationKind kind = system ? RelationKind.SYSTEM
                    : relkind.equals("v") || relkind.equals("m") ? RelationKind.VIEW : RelationKind.TABLE;
            relations.add(new CatalogRelation(schema, row.get(2), kind, "t".equals(row.get(4)), "t".equals(row.get(5)),
                    columns.getOrDefault(row.get(0), List.of()), row.get(6)));
        }
        return relations;
    }

    private static Set<String> names(List<List<String>> rows) {
        Set<String> names = new HashSet<>(rows.size() * 2);
        for (List<String> row : rows) {
            if (row.getFirst() != null) {
                names.add(row.getFirst());
            }
        }
        return names;
    }
}
