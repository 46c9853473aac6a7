package dev.tracegate.policy.lineage;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Which stored column each column of a view passes through unchanged. PostgreSQL describes a
 * view's result columns as the view's own, so a masking rule for {@code customers.email} would
 * not find {@code SELECT e FROM contacts} where the view selects {@code email AS e}; the gateway's
 * column resolver asks here and masks such a column as the table's.
 *
 * <p>A column computed from others (or read through UNION, a scalar subquery, a FULL JOIN's merged
 * column) has no origin; the lineage check never lets a masked caller receive a protected value
 * through one.
 */
public final class ViewOrigins {

    /** A stored column: where a view's column comes from. */
    public record StoredColumn(String schema, String table, String column) {
    }

    private ViewOrigins() {
    }

    /**
     * @return one entry per column of the view, in order; empty for columns with no single stored
     *         origin, and an empty list when the snapshot does not know the view or its query
     */
    public static List<Optional<StoredColumn>> of(CatalogSnapshot catalog, String schema, String view) {
        Optional<CatalogRelation> relation = catalog.relation(schema, view)
                .filter(r -> r.kind() == RelationKind.VIEW);
        if (relation.isEmpty() || relation.get().definition() == null) {
            // A view whose query is not known cannot be traced: nothing says where its columns come from.
            return List.of();
        }
        ScopeRelation traced;
        try {
            traced = ProtectedSchema.tracingEveryColumn(catalog).resolve(relation.get());
        } catch (LineageRefusal e) {
            return List.of();
        }
        List<Optional<StoredColumn>> origins = new ArrayList<>();
        for (OutputColumn column : traced.columns()) {
            Lineage lineage = column.lineage();
            if (lineage.plain() && lineage.originKept() && lineage.sources().size() == 1) {
                ProtectedSource source = lineage.sources().iterator().next();
                origins.add(Optional.of(new StoredColumn(source.schema(), source.table(), source.column())));
            } else {
                origins.add(Optional.empty());
            }
        }
        return origins;
    }
}
