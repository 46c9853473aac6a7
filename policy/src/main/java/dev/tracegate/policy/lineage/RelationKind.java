package dev.tracegate.policy.lineage;

/** What a catalog relation is, as far as lineage cares. */
public enum RelationKind {
    /** Rows stored as they are: ordinary, partitioned and foreign tables. */
    TABLE,
    /** A stored query whose columns are computed from others: views and materialized views. */
    VIEW,
    /** A system catalog relation (pg_catalog, information_schema): metadata, no personal data. */
    SYSTEM
}
