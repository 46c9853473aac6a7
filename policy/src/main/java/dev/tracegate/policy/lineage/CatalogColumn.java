package dev.tracegate.policy.lineage;

/** A column of a relation as the database's catalog lists it. */
public record CatalogColumn(String name, String typeName) {
}
