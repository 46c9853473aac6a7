package dev.tracegate.policy.lineage;

import dev.tracegate.masking.ColumnProtection;
import dev.tracegate.masking.ColumnUse;

/**
 * A stored column whose values a masked caller must not see in clear: the origin of some value in
 * a statement.
 *
 * @param schema     the table's schema
 * @param table      the table
 * @param column     the column's name
 * @param protection how the profile protects it
 * @param unique     part of a unique index: a write of a value tells whether it exists
 */
public record ProtectedSource(String schema, String table, String column, ColumnProtection protection,
                              boolean unique) {

    /** {@code schema.table}. */
    public String relation() {
        return schema + "." + table;
    }

    public boolean allows(ColumnUse use) {
        if (protection.allows(use)) {
            return true;
        }
        // A month is finer than a year: granting months grants years.
        return use == ColumnUse.YEAR && protection.allows(ColumnUse.MONTH);
    }

    @Override
    public String toString() {
        return relation() + "." + column;
    }
}
