package dev.tracegate.gateway.lineage;

import dev.tracegate.policy.sql.NotNullColumnTests;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * The upstream's NOT NULL columns of the tables a write names, asked of its catalog when the write
 * tests a column for null ({@link NotNullColumnTests}); each engine says how its catalog is asked.
 * Tables are matched by name in any schema, so a column NOT NULL in any table of that name counts:
 * the write can only be judged stricter for it. Asked each time, never kept: a column made NOT NULL
 * counts from the next statement on. A catalog that cannot answer fails closed (null: every column
 * tested for null counts), where until 2026-12-07 the write was left as its text alone reads it.
 *
 * @param catalog   runs one of the gateway's own catalog queries
 * @param tableName a table's own name as the catalog stores it, from the name as written
 * @param literal   the catalog's text for a string given as hex digits: the client's names reach
 *                  the query only so
 * @param query     the query of the NOT NULL columns of the tables whose names are the literals given,
 *                  comma-separated
 */
public record CatalogNotNullColumns(Catalog catalog, UnaryOperator<String> tableName, UnaryOperator<String> literal,
                                    UnaryOperator<String> query) implements NotNullColumnTests.NotNullColumns {

    /** One upstream's catalog connection. */
    @FunctionalInterface
    public interface Catalog {
        List<List<String>> query(String sql) throws CatalogUnavailableException;
    }

    @Override
    public Set<String> of(List<String> tables) {
        if (tables.isEmpty()) {
            return Set.of();
        }
        StringBuilder names = new StringBuilder();
        for (String table : tables) {
            String hex = HexFormat.of().formatHex(tableName.apply(table).getBytes(StandardCharsets.UTF_8));
            names.append(names.isEmpty() ? "" : ", ").append(literal.apply(hex));
        }
        Set<String> columns = new LinkedHashSet<>();
        try {
            for (List<String> row : catalog.query(query.apply(names.toString()))) {
                columns.add(row.getFirst());
            }
        } catch (CatalogUnavailableException e) {
            return null;
        }
        return columns;
    }
}
