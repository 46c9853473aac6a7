package dev.tracegate.gateway.postgres;

import dev.tracegate.gateway.lineage.CatalogUnavailableException;
import dev.tracegate.gateway.postgres.results.UpstreamCatalog;
import dev.tracegate.policy.sql.NotNullColumnTests;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The upstream's NOT NULL columns of the tables a write names, asked when the write tests a column
 * for null ({@link NotNullColumnTests}). Tables are matched by name in any schema, so a column NOT
 * NULL in any table of that name counts: the write can only be judged stricter for it. Asked each
 * time, never kept: {@code ALTER TABLE ... SET NOT NULL} must count from the next statement on.
 * A catalog that cannot answer fails closed: every column the write tests for null counts as NOT
 * NULL (until 2026-12-07 the write was left as its text alone reads it).
 */
final class NotNullColumnsCatalog implements NotNullColumnTests.NotNullColumns {

    private final UpstreamCatalog catalog;

    NotNullColumnsCatalog(UpstreamCatalog catalog) {
        this.catalog = catalog;
    }

    @Override
    public Set<String> of(List<String> tables) {
        if (tables.isEmpty()) {
            return Set.of();
        }
        StringBuilder names = new StringBuilder();
        for (String table : tables) {
            String name = table.substring(table.lastIndexOf('.') + 1);
            // The client's names reach the catalog's text only as hex digits.
            String hex = HexFormat.of().formatHex(name.getBytes(StandardCharsets.UTF_8));
            names.append(names.isEmpty() ? "" : ", ")
                    .append("pg_catalog.convert_from(pg_catalog.decode('").append(hex).append("', 'hex'), 'UTF8')");
        }
        Set<String> columns = new LinkedHashSet<>();
        try {
            for (List<String> row : catalog.query("SELECT DISTINCT a.attname FROM pg_catalog.pg_attribute a"
                    + " JOIN pg_catalog.pg_class c ON c.oid = a.attrelid WHERE a.attnotnull AND a.attnum > 0"
                    + " AND NOT a.attisdropped AND c.relkind IN ('r', 'p', 'f') AND c.relname IN (" + names + ")")) {
                columns.add(row.getFirst());
            }
        } catch (CatalogUnavailableException e) {
            return null; // fails closed: every column tested for null counts
        }
        return columns;
    }
}
