package dev.tracegate.gateway.postgres;

import dev.tracegate.gateway.lineage.CatalogNotNullColumns;
import dev.tracegate.gateway.postgres.results.UpstreamCatalog;
import dev.tracegate.policy.sql.NotNullColumnTests;

/**
 * PostgreSQL's NOT NULL columns of the tables a write names ({@link CatalogNotNullColumns}), from
 * {@code pg_attribute}: columns of tables, partitioned tables and foreign tables, their system
 * columns too ({@code ctid}, {@code xmin}, {@code tableoid}: never null, so {@code WHERE ctid IS NOT
 * NULL} is every row; until 2026-12-07 they were left out).
 */
final class NotNullColumnsCatalog {

    private NotNullColumnsCatalog() {
    }

    static NotNullColumnTests.NotNullColumns of(UpstreamCatalog catalog) {
        return new CatalogNotNullColumns(catalog::query, table -> table.substring(table.lastIndexOf('.') + 1),
                hex -> "pg_catalog.convert_from(pg_catalog.decode('" + hex + "', 'hex'), 'UTF8')",
                names -> "SELECT DISTINCT a.attname FROM pg_catalog.pg_attribute a"
                        + " JOIN pg_catalog.pg_class c ON c.oid = a.attrelid WHERE a.attnotnull"
                        + " AND NOT a.attisdropped AND c.relkind IN ('r', 'p', 'f') AND c.relname IN (" + names + ")");
    }
}
