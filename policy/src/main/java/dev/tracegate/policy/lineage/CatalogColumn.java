package dev.tracegate.policy.lineage;

/**
 * A column of a relation as the database's catalog lists it.
 *
 * @param unique     the column is part of a unique index or constraint: writing a value into it
 *                   reveals whether that value is already there
 * @param generation the expression the database computes the column's value by, as the catalog
 *                   prints it: a generated column's ({@code upper(name)}), or a default that may read
 *                   other columns (MariaDB's and MySQL 8's {@code DEFAULT (...)}); {@code null} for
 *                   none
 */
public record CatalogColumn(String name, String typeName, boolean unique, String generation) {

    public CatalogColumn(String name, String typeName, boolean unique) {
        this(name, typeName, unique, null);
    }

    public CatalogColumn(String name, String typeName) {
        this(name, typeName, false);
    }
}
