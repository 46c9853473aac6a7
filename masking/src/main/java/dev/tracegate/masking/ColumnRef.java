package dev.tracegate.masking;

import java.util.StringJoiner;

/**
 * A result column as the protocol describes it. Any part may be {@code null}: an expression or an
 * alias has no table ({@code SELECT lower(email) AS e} has table OID 0 in PostgreSQL), an HTTP
 * field has no schema. Column rules need the parts they name; content detectors run regardless.
 *
 * @param typeName the type as PostgreSQL names it ({@code text}, {@code varchar}, {@code jsonb},
 *                 {@code int8}, {@code date}, ...), or {@code null} when unknown
 */
public record ColumnRef(String schema, String table, String column, String typeName) {

    public static ColumnRef of(String schema, String table, String column, String typeName) {
        return new ColumnRef(schema, table, column, typeName);
    }

    /** A column with no known table or type, such as an expression. */
    public static ColumnRef expression(String column) {
        return new ColumnRef(null, null, column, null);
    }

    /** {@code schema.table.column} with the unknown parts left out; where the report counts this column. */
    public String location() {
        StringJoiner joiner = new StringJoiner(".");
        if (schema != null) {
            joiner.add(schema);
        }
        if (table != null) {
            joiner.add(table);
        }
        joiner.add(column != null ? column : "?column?");
        return joiner.toString();
    }
}
