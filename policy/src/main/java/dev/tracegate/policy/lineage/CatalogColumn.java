package dev.tracegate.policy.lineage;

/**
 * A column of a relation as the database's catalog lists it.
 *
 * @param unique     the column is part of a unique index or constraint: writing a value into it
 *                   reveals whether that value is already there
 * @param generation the expression a generated column is computed by, as the catalog prints it
 *                   ({@code upper(name)}), or {@code null} for a column that holds what was written
 */
public record CatalogColumn(String name, String typeName, boolean unique, String generation) {

    public CatalogColumn(String name, String typeName, boolean unique) {
        this(name, typeName, unique, null);
    }

    public CatalogColumn(String name, String typeName) {
        this(name, typeName, false);
    }
}
