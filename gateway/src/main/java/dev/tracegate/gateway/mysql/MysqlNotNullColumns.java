package dev.tracegate.gateway.mysql;

import dev.tracegate.gateway.lineage.CatalogUnavailableException;
import dev.tracegate.policy.sql.NotNullColumnTests;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The upstream's NOT NULL columns of the tables a write names, from {@code information_schema},
 * asked when the write tests a column for null ({@link NotNullColumnTests}), as the PostgreSQL
 * engine asks {@code pg_attribute}. Tables are matched by name in any schema and without regard to
 * case, so a column NOT NULL in any table of that name counts: the write can only be judged
 * stricter for it. Asked each time, never kept: {@code ALTER TABLE ... MODIFY ... NOT NULL} counts
 * from the next statement on. A catalog that cannot answer fails closed (null: every column
 * tested for null counts).
 */
final class MysqlNotNullColumns implements NotNullColumnTests.NotNullColumns {

    private final MysqlCatalog catalog;

    MysqlNotNullColumns(MysqlCatalog catalog) {
        this.catalog = catalog;
    }

    @Override
    public Set<String> of(List<String> tables) {
        if (tables.isEmpty()) {
            return Set.of();
        }
        StringBuilder names = new StringBuilder();
        for (String table : tables) {
            // The client's names reach the catalog's text only as hex digits.
            String hex = HexFormat.of().formatHex(lastName(table).toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8));
            names.append(names.isEmpty() ? "" : ", ").append("CONVERT(X'").append(hex).append("' USING utf8mb4)");
        }
        Set<String> columns = new LinkedHashSet<>();
        try {
            for (List<String> row : catalog.query("SELECT DISTINCT COLUMN_NAME FROM information_schema.COLUMNS"
                    + " WHERE IS_NULLABLE = 'NO' AND LOWER(CONVERT(TABLE_NAME USING utf8mb4)) IN (" + names + ")")) {
                columns.add(row.getFirst());
            }
        } catch (CatalogUnavailableException e) {
            return null;
        }
        return columns;
    }

    /** The table's own name of a name as written ({@code shop.orders}, {@code `shop`.`my.orders`}), unquoted. */
    static String lastName(String written) {
        int start = 0;
        char quote = 0;
        for (int i = 0; i < written.length(); i++) {
            char c = written.charAt(i);
            if (quote != 0) {
                if (c == quote && i + 1 < written.length() && written.charAt(i + 1) == quote) {
                    i++;
                } else if (c == quote) {
                    quote = 0;
                }
            } else if (c == '`' || c == '"') {
                quote = c;
            } else if (c == '.') {
                start = i + 1;
            }
        }
        String last = written.substring(start);
        if (last.length() >= 2 && (last.charAt(0) == '`' || last.charAt(0) == '"') && last.endsWith(last.substring(0, 1))) {
            String q = last.substring(0, 1);
            return last.substring(1, last.length() - 1).replace(q + q, q);
        }
        return last;
    }
}
