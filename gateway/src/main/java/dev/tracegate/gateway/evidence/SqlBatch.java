package dev.tracegate.gateway.evidence;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The statements of one evidence write, gathered first and sent together.
 *
 * <p>With PostgreSQL the whole batch is one composite statement, which the driver sends in a single
 * round trip: that is what the nodes sharing a store wait for while one of them holds the log head,
 * so it is what limits them. Rows go in as one array per column ({@code INSERT ... SELECT FROM
 * unnest(?::bigint[], ...)}), so the statement's text depends only on which tables get rows, not
 * on how many: there are a few such texts, and the driver parses each once and the server
 * prepares and plans each once per connection, where a multi-row INSERT's text changed with its
 * row count and cost a parse and a plan on both sides for every batch, under the head lock. In the embedded store there is no round trip to save: there
 * each table's rows go through one single-row statement, whose text H2 has cached, as a JDBC batch.
 */
final class SqlBatch {

    /**
     * A statement with its parameters, or ({@code rows} not null) a statement applied to each of
     * {@code rows}: {@code sql} for one row (the embedded store), {@code arraySql} for all of them
     * at once, one array of {@code types} per column (PostgreSQL).
     */
    private record Part(String sql, List<Object> parameters, String arraySql, String[] types, List<Object[]> rows) {
    }

    private final List<Part> parts = new ArrayList<>();

    /** One statement with its parameters (null parameters are SQL NULL). */
    void add(String sql, Object... parameters) {
        List<Object> values = new ArrayList<>(parameters.length);
        Collections.addAll(values, parameters);
        parts.add(new Part(sql, values, null, null, null));
    }

    /**
     * Inserts the rows into {@code table}: each row holds one value per column, of the PostgreSQL
     * type {@code types} names ({@code bigint}, {@code int}, {@code varchar}, {@code bytea},
     * {@code timestamptz}).
     */
    void insert(String table, String columns, String[] types, List<Object[]> rows) {
        String marks = String.join(", ", Collections.nCopies(types.length, "?"));
        perRow("INSERT INTO " + table + " (" + columns + ") VALUES (" + marks + ")",
                "INSERT INTO " + table + " (" + columns + ") SELECT * FROM " + unnest(types), types, rows);
    }

    /**
     * A statement applied to each row: {@code sql} takes one row's values as its parameters;
     * {@code arraySql} takes them all, one array per column, and reads them from
     * {@link #unnest}{@code (types)}. Without rows the part is left out.
     */
    void perRow(String sql, String arraySql, String[] types, List<Object[]> rows) {
        parts.add(new Part(sql, null, arraySql, types, rows));
    }

    /** {@code unnest(?::bigint[], ?::varchar[], ...)}: the rows of a {@link #perRow} part, from one array per column. */
    static String unnest(String[] types) {
        List<String> arrays = new ArrayList<>(types.length);
        for (String type : types) {
            arrays.add("?::" + type + "[]");
        }
        return "unnest(" + String.join(", ", arrays) + ")";
    }

    /**
     * Runs the statements in order inside the caller's transaction: as one composite statement
     * when {@code together} (PostgreSQL), else one by one.
     */
    void execute(Connection connection, boolean together) throws SQLException {
        if (parts.isEmpty()) {
            return;
        }
        if (!together) {
            for (Part part : parts) {
                if (part.rows() == null) {
                    run(connection, part.sql(), part.parameters());
                } else {
                    runBatch(connection, part.sql(), part.rows());
                }
            }
            return;
        }
        StringBuilder sql = new StringBuilder();
        List<Object> parameters = new ArrayList<>();
        for (Part part : parts) {
            if (part.rows() != null && part.rows().isEmpty()) {
                continue;
            }
            sql.append(sql.isEmpty() ? "" : ";\n").append(part.rows() == null ? part.sql() : part.arraySql());
            if (part.rows() == null) {
                parameters.addAll(part.parameters());
            } else {
                for (int column = 0; column < part.types().length; column++) {
                    parameters.add(column(connection, part.types()[column], part.rows(), column));
                }
            }
        }
        run(connection, sql.toString(), parameters);
    }

    /** One column of the rows as a PostgreSQL array of {@code type}. */
    private static Array column(Connection connection, String type, List<Object[]> rows, int column) throws SQLException {
        Object[] values = switch (type) {
            case "bigint" -> new Long[rows.size()];
            case "int" -> new Integer[rows.size()];
            case "bytea" -> new byte[rows.size()][];
            case "varchar", "timestamptz" -> new String[rows.size()];
            default -> throw new IllegalArgumentException("no array of " + type);
        };
        for (int i = 0; i < values.length; i++) {
            Object value = rows.get(i)[column];
            // A timestamp as ISO-8601 text, which the server reads exactly (to the microsecond, as it stores it).
            values[i] = value instanceof Timestamp time ? time.toInstant().toString() : value;
        }
        return connection.createArrayOf(type, values);
    }

    private static void runBatch(Connection connection, String sql, List<Object[]> rows) throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (Object[] row : rows) {
                for (int i = 0; i < row.length; i++) {
                    statement.setObject(i + 1, row[i]);
                }
                statement.addBatch();
            }
            statement.executeBatch();
        }
    }

    /** Runs {@code sql}, which may return rows (a guard does: {@link EvidenceStoreWriter#write}). */
    private static void run(Connection connection, String sql, List<Object> parameters) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.size(); i++) {
                statement.setObject(i + 1, parameters.get(i));
            }
            statement.execute();
        }
    }
}
