package dev.tracegate.policy.lineage;

import java.util.List;
import java.util.Map;

/**
 * A relation of the upstream database.
 *
 * @param schema     its schema
 * @param name       its name
 * @param kind       table, view or system relation
 * @param temporary  a temporary table (of some session; visible only to its own)
 * @param visible    found by an unqualified name on the search path
 * @param columns    in attribute order; empty for system relations, whose columns are not loaded
 * @param definition a view's query ({@code pg_get_viewdef}); {@code null} for tables
 * @param ancestors  the tables it inherits its columns from, as a partition or an inheritance child
 *                   (parents, their parents, ...): their masking rules cover the inherited columns
 */
public record CatalogRelation(String schema, String name, RelationKind kind, boolean temporary, boolean visible,
                              List<CatalogColumn> columns, String definition, List<Ancestor> ancestors) {

    /**
     * A table another inherits from, or the relation a foreign table names.
     *
     * @param columns the ancestor's name of each column whose name differs from the relation's own
     *                (a foreign table's {@code column_name} option): its rule for that name covers
     *                the column; an inherited column keeps its name
     */
    public record Ancestor(String schema, String name, Map<String, String> columns) {

        public Ancestor {
            columns = Map.copyOf(columns);
        }

        /** An ancestor whose columns have the relation's own names (a partition's parent). */
        public Ancestor(String schema, String name) {
            this(schema, name, Map.of());
        }

        /** The ancestor's name of the relation's column {@code own}. */
        public String column(String own) {
            return columns.getOrDefault(own, own);
        }
    }

    public CatalogRelation {
        columns = List.copyOf(columns);
        ancestors = List.copyOf(ancestors);
    }

    /** A relation that inherits from none. */
    public CatalogRelation(String schema, String name, RelationKind kind, boolean temporary, boolean visible,
                           List<CatalogColumn> columns, String definition) {
        this(schema, name, kind, temporary, visible, columns, definition, List.of());
    }

    public String qualifiedName() {
        return schema + "." + name;
    }
}
