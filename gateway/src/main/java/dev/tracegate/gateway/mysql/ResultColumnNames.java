package dev.tracegate.gateway.mysql;

import dev.tracegate.gateway.lineage.CatalogSnapshots;
import dev.tracegate.gateway.lineage.CatalogUnavailableException;
import dev.tracegate.gateway.results.ResultColumn;
import dev.tracegate.masking.ColumnRef;
import dev.tracegate.policy.lineage.CatalogRelation;
import dev.tracegate.policy.lineage.CatalogSnapshot;
import dev.tracegate.policy.lineage.RelationKind;
import dev.tracegate.policy.lineage.ViewOrigins;
import dev.tracegate.wire.mysql.ColumnDefinition41;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Names a result column for the masker. The server names a column read through a view by the view
 * ({@code org_table} is the view), so a rule on {@code customers.email} would not find
 * {@code contacts.email}: a view column that passes a stored column through unchanged is named as
 * that stored column, as the PostgreSQL engine's column resolver does. A view column computed from
 * others is an expression (the lineage check has already refused computing from protected
 * columns). When the view's columns cannot be traced, or the catalog cannot be read, the column is
 * withheld: a value is never shown under a name that might have let it through unmasked.
 */
final class ResultColumnNames {

    private final CatalogSnapshots snapshots;

    ResultColumnNames(CatalogSnapshots snapshots) {
        this.snapshots = snapshots;
    }

    /** The column as the masker should see it, with {@code binary} for a prepared statement's rows. */
    ResultColumn name(ColumnDefinition41 column, String type, boolean binary) {
        if (!column.fromTableColumn()) {
            return new ResultColumn(ColumnRef.expression(column.name()), binary, false);
        }
        ColumnRef asReported = ColumnRef.of(column.schema(), column.orgTable(), column.orgName(), type);
        CatalogSnapshot catalog;
        try {
            catalog = snapshots.current();
        } catch (CatalogUnavailableException e) {
            return new ResultColumn(asReported, binary, true);
        }
        Optional<CatalogRelation> relation = catalog.relation(column.schema(), column.orgTable())
                .or(() -> catalog.relation(lower(column.schema()), lower(column.orgTable())));
        if (relation.isEmpty() || relation.get().kind() != RelationKind.VIEW) {
            return new ResultColumn(asReported, binary, false);
        }
        return throughView(catalog, relation.get(), lower(column.orgName()), column.name(), type, binary);
    }

    private static ResultColumn throughView(CatalogSnapshot catalog, CatalogRelation view, String orgName,
                                            String label, String type, boolean binary) {
        List<Optional<ViewOrigins.StoredColumn>> origins = ViewOrigins.of(catalog, view.schema(), view.name());
        int position = -1;
        for (int i = 0; i < view.columns().size(); i++) {
            if (view.columns().get(i).name().toLowerCase(Locale.ROOT).equals(orgName)) {
                position = i;
            }
        }
        if (position < 0 || position >= origins.size()) {
            // A view the lineage reading could not trace: nothing says which rule its columns fall under.
            return new ResultColumn(ColumnRef.expression(label), binary, true);
        }
        return origins.get(position)
                .map(stored -> new ResultColumn(ColumnRef.of(stored.schema(), stored.table(), stored.column(), type), binary, false))
                .orElseGet(() -> new ResultColumn(ColumnRef.expression(label), binary, false));
    }

    private static String lower(String name) {
        return name == null ? null : name.toLowerCase(Locale.ROOT);
    }
}
