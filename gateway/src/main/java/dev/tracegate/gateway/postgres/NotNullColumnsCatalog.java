package dev.tracegate.gateway.postgres;

import dev.tracegate.gateway.lineage.CatalogNotNullColumns;
import dev.tracegate.gateway.postgres.results.UpstreamCatalog;
import dev.tracegate.policy.sql.NotNullColumnTests;

/**
 * PostgreSQL's NOT NULL columns of the tables a write names ({@link CatalogNotNullColumns}), from
 * {@code pg_attribute}: columns of tables, partitioned tables and foreign tables, their system
 * columns too ({@code ctid}, {@code xmin}, {@code tableoid}: never null, so {@code WHERE ctid IS NOT
 * NULL} is every row), columns of a domain declared NOT NULL, and columns whose CHECK constraint
 * says they are not null (until 2026-12-07 these were left out).
 */
final class NotNullColumnsCatalog {

    /** The column's type is a domain declared NOT NULL, or a domain over one, at any depth. */
    private static final String NOT_NULL_DOMAIN = "WITH RECURSIVE d(oid, depth) AS (SELECT a.atttypid, 0"
            + " UNION ALL SELECT t.typbasetype, d.depth + 1 FROM pg_catalog.pg_type t JOIN d ON t.oid = d.oid"
            + " WHERE t.typtype = 'd' AND d.depth < 100) SELECT 1 FROM d JOIN pg_catalog.pg_type t ON t.oid = d.oid"
            + " WHERE t.typnotnull";
    /** A validated CHECK constraint of the column that says exactly that it is not null. */
    private static final String NOT_NULL_CHECK = "SELECT 1 FROM pg_catalog.pg_constraint k WHERE k.conrelid = c.oid"
            + " AND k.contype = 'c' AND k.convalidated AND k.conkey = ARRAY[a.attnum]"
            + " AND pg_catalog.pg_get_constraintdef(k.oid) = 'CHECK ((' || pg_catalog.quote_ident(a.attname)"
            + " || ' IS NOT NULL))'";

    private NotNullColumnsCatalog() {
    }

    static NotNullColumnTests.NotNullColumns of(UpstreamCatalog catalog) {
        return new CatalogNotNullColumns(catalog::query, table -> table.substring(table.lastIndexOf('.') + 1),
                hex -> "pg_catalog.convert_from(pg_catalog.decode('" + hex + "', 'hex'), 'UTF8')",
                names -> "SELECT DISTINCT a.attname FROM pg_catalog.pg_attribute a"
                        + " JOIN pg_catalog.pg_class c ON c.oid = a.attrelid WHERE NOT a.attisdropped"
                        + " AND c.relkind IN ('r', 'p', 'f') AND c.relname IN (" + names + ") AND (a.attnotnull"
                        + " OR EXISTS (" + NOT_NULL_DOMAIN + ") OR EXISTS (" + NOT_NULL_CHECK + "))");
    }
}
