package dev.tracegate.gateway.mcp;

import dev.tracegate.wire.postgres.backend.DataRow;
import dev.tracegate.wire.postgres.backend.ErrorResponse;
import dev.tracegate.wire.postgres.backend.RowDescription;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one statement of the {@code query} tool returned, as the listener sent it (masked for the
 * caller already): rows as objects keyed by column name, capped by rows and bytes.
 *
 * @param columns   column names, in order (a repeated name gets {@code _2}, {@code _3}, ...)
 * @param rows      the rows kept
 * @param truncated whether rows were left out (row or byte limit)
 * @param tag       the command tag, e.g. {@code SELECT 3}; null when the statement failed
 * @param sqlState  the error's SQLSTATE, or null
 * @param error     the error's message, or null
 */
record QueryResult(List<String> columns, List<Map<String, Object>> rows, boolean truncated, String tag,
                   String sqlState, String error) {

    private static final int INT2 = 21;
    private static final int INT4 = 23;
    private static final int INT8 = 20;
    private static final int OID = 26;
    private static final int FLOAT4 = 700;
    private static final int FLOAT8 = 701;
    private static final int BOOL = 16;

    boolean failed() {
        return sqlState != null;
    }

    /** Collects frames as they arrive, within a byte budget. */
    static final class Builder {
        private final int maxBytes;
        private final List<String> columns = new ArrayList<>();
        private final List<Integer> types = new ArrayList<>();
        private final List<Map<String, Object>> rows = new ArrayList<>();
        private int bytes;
        private boolean truncated;
        private String tag;
        private String sqlState;
        private String error;

        Builder(int maxBytes) {
            this.maxBytes = maxBytes;
        }

        void columns(RowDescription description) {
            columns.clear();
            types.clear();
            for (int i = 0; i < description.columnCount(); i++) {
                String name = description.field(i).name();
                String unique = name;
                for (int n = 2; columns.contains(unique); n++) {
                    unique = name + "_" + n;
                }
                columns.add(unique);
                types.add(description.field(i).typeOid());
            }
        }

        void row(DataRow row) {
            int size = 0;
            for (int i = 0; i < row.columnCount(); i++) {
                size += row.value(i) == null ? 0 : row.value(i).length;
            }
            if (truncated || bytes + size > maxBytes) {
                truncated = true;
                return;
            }
            bytes += size;
            Map<String, Object> values = new LinkedHashMap<>();
            for (int i = 0; i < row.columnCount() && i < columns.size(); i++) {
                values.put(columns.get(i), value(types.get(i), row.value(i)));
            }
            rows.add(values);
        }

        void complete(String commandTag) {
            tag = commandTag;
        }

        void suspended() {
            truncated = true;
            tag = "SELECT " + rows.size();
        }

        void failed(ErrorResponse response) {
            sqlState = response.sqlState();
            error = response.message();
        }

        QueryResult build() {
            return new QueryResult(List.copyOf(columns), List.copyOf(rows), truncated, sqlState == null ? tag : null,
                    sqlState, error);
        }
    }

    /** Numbers and booleans as JSON numbers and booleans; everything else as the text PostgreSQL sent. */
    private static Object value(int type, byte[] cell) {
        if (cell == null) {
            return null;
        }
        String text = new String(cell, StandardCharsets.UTF_8);
        try {
            return switch (type) {
                case INT2, INT4, INT8, OID -> Long.parseLong(text);
                case FLOAT4, FLOAT8 -> text.chars().allMatch(c -> Character.isDigit(c) || c == '.' || c == '-' || c == 'e'
                        || c == 'E' || c == '+') ? new BigDecimal(text) : text;
                case BOOL -> "t".equals(text);
                default -> text;
            };
        } catch (NumberFormatException masked) {
            // A masked value need not read as its column's type: keep what the caller was sent.
            return text;
        }
    }
}
