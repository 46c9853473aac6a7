package dev.tracegate.gateway.postgres.results;

import dev.tracegate.gateway.lineage.CatalogUnavailableException;
import dev.tracegate.masking.ColumnRef;
import dev.tracegate.gateway.postgres.lineage.PostgresCatalogReader;
import dev.tracegate.policy.lineage.CatalogRelation;
import dev.tracegate.policy.lineage.CatalogSnapshot;
import dev.tracegate.policy.lineage.ViewOrigins;
import dev.tracegate.wire.postgres.backend.RowDescription;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Optional;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * Names the result columns of one upstream database: schema, table and column from the table OID
 * and attribute number of a RowDescription field, and the type's name from its OID. Column rules
 * ({@code customers.email}) match these real names, not the output name a query chose, so
 * {@code SELECT email AS e FROM customers} is masked like {@code SELECT email FROM customers}.
 *
 * <p>Answers are cached per table for a minute, so a renamed column is seen soon without a
 * catalog round trip per query; after a statement that may change the schema went through the
 * gateway ({@link #schemaMayChange}), tables are read again for a few seconds, so a column renamed
 * a moment ago is seen as it is now. A {@link Resolution} says how long its answer holds, so a
 * session may reuse it for the same description ({@link ResultShapes}) without asking again.
 * Shared by every session of the connection; thread-safe.
 */
public final class ColumnResolver {

    private static final Duration TABLE_TTL = Duration.ofMinutes(1);
    /** How long after a schema change through the gateway every table is read again (as {@code CatalogSnapshots}). */
    private static final Duration FRESH_AFTER_SCHEMA_CHANGE = Duration.ofSeconds(5);
    /** Built-in types by OID (pg_type.h); anything else is asked of the catalog once. */
    private static final Map<Integer, String> BUILT_IN_TYPES = Map.ofEntries(
            Map.entry(16, "bool"), Map.entry(17, "bytea"), Map.entry(18, "char"), Map.entry(19, "name"),
            Map.entry(20, "int8"), Map.entry(21, "int2"), Map.entry(23, "int4"), Map.entry(25, "text"),
            Map.entry(26, "oid"), Map.entry(114, "json"), Map.entry(142, "xml"), Map.entry(650, "cidr"),
            Map.entry(700, "float4"), Map.entry(701, "float8"), Map.entry(705, "unknown"), Map.entry(790, "money"),
            Map.entry(829, "macaddr"), Map.entry(869, "inet"), Map.entry(1042, "bpchar"), Map.entry(1043, "varchar"),
            Map.entry(1082, "date"), Map.entry(1083, "time"), Map.entry(1114, "timestamp"), Map.entry(1184, "timestamptz"),
            Map.entry(1186, "interval"), Map.entry(1266, "timetz"), Map.entry(1700, "numeric"), Map.entry(2950, "uuid"),
            Map.entry(3802, "jsonb"), Map.entry(2205, "regclass"), Map.entry(2206, "regtype"), Map.entry(1009, "_text"),
            Map.entry(1015, "_varchar"), Map.entry(1007, "_int4"), Map.entry(1016, "_int8"));

    /**
     * @param views     a view's (or materialized view's) columns passed through unchanged from a table,
     *                  by attribute number; {@code null} for a table
     * @param ancestors the tables a partition or inheritance child inherits from
     * @param domains   the domain of each column whose type is one, by attribute number
     */
    private record Table(String schema, String name, Map<Integer, String> columns, Map<Integer, ViewOrigins.StoredColumn> views,
                         List<CatalogRelation.Ancestor> ancestors, Map<Integer, String> domains, long loadedNanos) {
    }

    /** The catalog snapshots view definitions are read against. */
    @FunctionalInterface
    public interface Snapshots {
        CatalogSnapshot current() throws CatalogUnavailableException;
    }

    private final UpstreamCatalog catalog;
    private final Snapshots snapshots;
    private final Map<Integer, Table> tables = new ConcurrentHashMap<>();
    private final Map<Integer, String> types = new ConcurrentHashMap<>(BUILT_IN_TYPES);
    /**
     * Moves after every change of what this resolver knows (tables read, types learnt, a schema
     * change seen): a {@link Resolution} taken at another generation no longer holds. Moved after
     * the change is made, and read before the maps are, so a resolution can only be too cautious.
     */
    private final AtomicLong generation = new AtomicLong();
    private volatile long freshUntilNanos = System.nanoTime();

    /**
     * The columns of one description, and until when they hold.
     *
     * @param otherNames   per field, the same column as each table it is inherited from names it
     *                     (a partition's column as its parent's) and by its domain (the description
     *                     gives the base type): the masker takes the strongest rule of them all
     *                     ({@code Masker.forColumn(ref, otherNames)}); empty for most
     * @param reusable     whether every table column and type was named by the catalog: only then may
     *                     the answer be reused (a column the catalog did not name is asked again each time)
     * @param generation   the resolver's generation the answer was read at
     * @param expiresNanos when the oldest table read for it must be read again
     */
    public record Resolution(List<ColumnRef> refs, List<List<ColumnRef>> otherNames, boolean reusable, long generation,
                             long expiresNanos) {
    }

    public ColumnResolver(UpstreamCatalog catalog, Snapshots snapshots) {
        this.catalog = catalog;
        this.snapshots = snapshots;
    }

    /**
     * One reference per field, in order. Expressions ({@code lower(email)}) have no table. A view's
     * column that passes a table's column through unchanged is named as that table's column, so the
     * table's masking rules apply to it.
     */
    public List<ColumnRef> resolve(RowDescription description) throws CatalogUnavailableException {
        return resolution(description).refs();
    }

    /** {@link #resolve}, with until when the answer holds. */
    public Resolution resolution(RowDescription description) throws CatalogUnavailableException {
        long now = System.nanoTime();
        loadMissing(description, now);
        long readAt = generation.get();
        long freshUntil = freshUntilNanos;
        boolean reusable = true;
        long expires = now + TABLE_TTL.toNanos();
        List<ColumnRef> refs = new ArrayList<>(description.columnCount());
        List<List<ColumnRef>> otherNames = new ArrayList<>(description.columnCount());
        for (RowDescription.Field field : description.fields()) {
            String type = types.get(field.typeOid());
            Table table = field.hasSourceColumn() ? tables.get(field.tableOid()) : null;
            String column = table == null ? null : table.columns().get((int) field.columnNumber());
            reusable &= type != null && (!field.hasSourceColumn() || column != null);
            if (table != null) {
                // A table read before a schema change had surely finished may be read as it was.
                reusable &= table.loadedNanos() - freshUntil >= 0;
                expires = Math.min(expires, table.loadedNanos() + TABLE_TTL.toNanos());
            }
            ViewOrigins.StoredColumn stored = table == null || table.views() == null ? null
                    : table.views().get((int) field.columnNumber());
            if (stored != null) {
                refs.add(new ColumnRef(stored.schema(), stored.table(), stored.column(), type));
                otherNames.add(storedOtherNames(stored, type, table.domains().get((int) field.columnNumber())));
            } else if (table == null || column == null) {
                refs.add(new ColumnRef(null, null, field.name(), type));
                otherNames.add(List.of());
            } else {
                refs.add(new ColumnRef(table.schema(), table.name(), column, type));
                otherNames.add(otherNames(table, column, type, table.domains().get((int) field.columnNumber())));
            }
        }
        return new Resolution(refs, otherNames, reusable, readAt, expires);
    }

    /** A table column as its ancestors name it, and by its domain too when it has one. */
    private static List<ColumnRef> otherNames(Table table, String column, String type, String domain) {
        List<ColumnRef> names = new ArrayList<>();
        if (domain != null) {
            names.add(new ColumnRef(table.schema(), table.name(), column, domain));
        }
        for (CatalogRelation.Ancestor ancestor : table.ancestors()) {
            names.add(new ColumnRef(ancestor.schema(), ancestor.name(), ancestor.column(column), type));
            if (domain != null) {
                names.add(new ColumnRef(ancestor.schema(), ancestor.name(), ancestor.column(column), domain));
            }
        }
        return names;
    }

    /**
     * A view's column passed through from a table: as the table's domain names it, and as its
     * ancestors (a partition's, an inheritance child's) name it, as the catalog snapshot knows them.
     */
    private List<ColumnRef> storedOtherNames(ViewOrigins.StoredColumn stored, String type, String domain)
            throws CatalogUnavailableException {
        List<ColumnRef> names = new ArrayList<>();
        if (domain != null) {
            names.add(new ColumnRef(stored.schema(), stored.table(), stored.column(), domain));
        }
        snapshots.current().relation(stored.schema(), stored.table()).map(CatalogRelation::ancestors).orElse(List.of())
                .forEach(ancestor -> names.add(new ColumnRef(ancestor.schema(), ancestor.name(),
                        ancestor.column(stored.column()), type)));
        return names;
    }

    /** Whether {@code resolution} is still what {@link #resolve} would answer for its description now. */
    public boolean holds(Resolution resolution) {
        long now = System.nanoTime();
        return resolution.reusable() && resolution.generation() == generation.get() && now - resolution.expiresNanos() < 0
                && now - freshUntilNanos >= 0;
    }

    /**
     * A statement that may change the schema (DDL) went through the gateway: for a few seconds,
     * until it has surely finished, every description's tables are read from the catalog again
     * and no answer is reused; a table read before that time is over is read again once after it
     * (the statement may have committed late). As with the lineage's catalog snapshots, results
     * cost a catalog query each during those seconds. Tables are replaced, never removed: a
     * resolution running meanwhile must not find its table gone and name the column as an
     * expression, which no column rule matches.
     */
    public void schemaMayChange() {
        freshUntilNanos = System.nanoTime() + FRESH_AFTER_SCHEMA_CHANGE.toNanos();
        generation.incrementAndGet();
    }

    private void loadMissing(RowDescription description, long now) throws CatalogUnavailableException {
        long freshUntil = freshUntilNanos;
        Set<Integer> missingTables = new TreeSet<>();
        Set<Integer> missingTypes = new TreeSet<>();
        for (RowDescription.Field field : description.fields()) {
            if (field.hasSourceColumn()) {
                Table table = tables.get(field.tableOid());
                if (table == null || table.loadedNanos() - freshUntil < 0 || now - table.loadedNanos() > TABLE_TTL.toNanos()
                        || !table.columns().containsKey((int) field.columnNumber())) {
                    missingTables.add(field.tableOid());
                }
            }
            if (!types.containsKey(field.typeOid())) {
                missingTypes.add(field.typeOid());
            }
        }
        if (!missingTables.isEmpty()) {
            loadTables(missingTables, now);
        }
        if (!missingTypes.isEmpty()) {
            for (List<String> row : catalog.query("SELECT oid, typname FROM pg_catalog.pg_type WHERE oid IN ("
                    + list(missingTypes) + ")")) {
                types.put(Integer.parseUnsignedInt(row.get(0)), row.get(1));
            }
            generation.incrementAndGet();
        }
    }

    private void loadTables(Set<Integer> oids, long now) throws CatalogUnavailableException {
        Map<Integer, String[]> names = new ConcurrentHashMap<>();
        Set<Integer> views = new TreeSet<>();
        Map<Integer, Map<Integer, String>> columns = new ConcurrentHashMap<>();
        // OIDs are ints from the server's own message: the query text holds no client input.
        String sql = "SELECT c.oid, n.nspname, c.relname, a.attnum, a.attname, c.relkind, t.typname, t.typtype"
                + " FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
                + " JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid JOIN pg_catalog.pg_type t ON t.oid = a.atttypid"
                + " WHERE c.oid IN (" + list(oids) + ") AND a.attnum > 0 AND NOT a.attisdropped";
        Map<Integer, List<CatalogRelation.Ancestor>> ancestors = new HashMap<>();
        Map<Integer, Map<Integer, String>> domains = new HashMap<>();
        for (List<String> row : catalog.query("SELECT * FROM (" + PostgresCatalogReader.ANCESTORS + ") a WHERE child IN ("
                + list(oids) + ")")) {
            ancestors.computeIfAbsent(Integer.parseUnsignedInt(row.get(0)), k -> new ArrayList<>())
                    .add(PostgresCatalogReader.ancestor(row));
        }
        for (List<String> row : catalog.query(sql)) {
            int oid = Integer.parseUnsignedInt(row.get(0));
            names.put(oid, new String[] {row.get(1), row.get(2)});
            // A foreign table that names a relation of this database is traced as a view of it.
            if ("v".equals(row.get(5)) || "m".equals(row.get(5)) || "f".equals(row.get(5))) {
                views.add(oid);
            }
            columns.computeIfAbsent(oid, k -> new ConcurrentHashMap<>()).put(Integer.parseInt(row.get(3)), row.get(4));
            if ("d".equals(row.get(7))) {
                domains.computeIfAbsent(oid, k -> new HashMap<>()).put(Integer.parseInt(row.get(3)), row.get(6));
            }
        }
        for (Map.Entry<Integer, String[]> entry : names.entrySet()) {
            int oid = entry.getKey();
            String[] name = entry.getValue();
            Map<Integer, String> byNumber = Map.copyOf(columns.get(oid));
            tables.put(oid, new Table(name[0], name[1], byNumber,
                    views.contains(oid) ? viewOrigins(name[0], name[1], byNumber) : null,
                    List.copyOf(ancestors.getOrDefault(oid, List.of())), Map.copyOf(domains.getOrDefault(oid, Map.of())), now));
        }
        generation.incrementAndGet();
    }

    /** Each view column that passes a stored column through unchanged, by attribute number. */
    private Map<Integer, ViewOrigins.StoredColumn> viewOrigins(String schema, String view, Map<Integer, String> columns)
            throws CatalogUnavailableException {
        List<Optional<ViewOrigins.StoredColumn>> origins = ViewOrigins.of(snapshots.current(), schema, view);
        Map<Integer, ViewOrigins.StoredColumn> byNumber = new HashMap<>();
        List<Integer> numbers = columns.keySet().stream().sorted().toList();
        for (int i = 0; i < numbers.size() && i < origins.size(); i++) {
            int number = numbers.get(i);
            origins.get(i).ifPresent(stored -> byNumber.put(number, stored));
        }
        return Map.copyOf(byNumber);
    }

    private static String list(Set<Integer> oids) {
        // OIDs are unsigned on the wire; Integer.toUnsignedString keeps large ones right.
        return oids.stream().map(Integer::toUnsignedString).collect(Collectors.joining(","));
    }
}
