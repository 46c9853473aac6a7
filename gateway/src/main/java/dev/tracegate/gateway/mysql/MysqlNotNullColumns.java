package dev.tracegate.gateway.mysql;

import dev.tracegate.gateway.lineage.CatalogNotNullColumns;
import dev.tracegate.policy.sql.NotNullColumnTests;
import java.util.Locale;

/**
 * MySQL's and MariaDB's NOT NULL columns of the tables a write names ({@link CatalogNotNullColumns}),
 * from {@code information_schema.COLUMNS}, as the PostgreSQL engine asks {@code pg_attribute}; names
 * are compared without regard to case.
 */
final class MysqlNotNullColumns {

    private MysqlNotNullColumns() {
    }

    static NotNullColumnTests.NotNullColumns of(MysqlCatalog catalog) {
        return new CatalogNotNullColumns(catalog::query, table -> lastName(table).toLowerCase(Locale.ROOT),
                hex -> "CONVERT(X'" + hex + "' USING utf8mb4)",
                names -> "SELECT DISTINCT COLUMN_NAME FROM information_schema.COLUMNS"
                        + " WHERE IS_NULLABLE = 'NO' AND LOWER(CONVERT(TABLE_NAME USING utf8mb4)) IN (" + names + ")"
                        // _rowid names a table's integer primary key, which information_schema does not list under it.
                        + " UNION SELECT '_rowid'");
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
