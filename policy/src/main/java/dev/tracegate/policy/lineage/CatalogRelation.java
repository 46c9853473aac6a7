package dev.tracegate.policy.lineage;

import java.util.List;

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

    /** A table another inherits from. */
    public record Ancestor(String schema, String name) {
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
