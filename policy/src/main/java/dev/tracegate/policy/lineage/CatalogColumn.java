package dev.tracegate.policy.lineage;

/**
 * A column of a relation as the database's catalog lists it.
 *
 * @param unique the column is part of a unique index or constraint: writing a value into it
 *               reveals whether that value is already there
 */
public record CatalogColumn(String name, String typeName, boolean unique) {

    public CatalogColumn(String name, String typeName) {
        this(name, typeName, false);
    }
}
