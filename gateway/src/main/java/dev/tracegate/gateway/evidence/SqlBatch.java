package dev.tracegate.gateway.evidence;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The statements of one evidence write, gathered first and sent together. With PostgreSQL, rows
 * of one table go out as multi-row INSERTs and the whole batch is one composite statement, which
 * the driver sends in a single round trip: that is what the nodes sharing a store wait for while
 * one of them holds the log head, so it is what limits them. In the embedded store there is no
 * round trip to save, and a multi-row INSERT's text changes with its row count, so H2 parsed and
 * planned a new statement for every batch: there each table's rows go through one single-row
 * INSERT, whose text H2 has cached, as a JDBC batch.
 */
final class SqlBatch {

    /** Rows per multi-row INSERT: well below the protocol's 65,535 parameters for the widest table. */
    private static final int ROWS_PER_INSERT = 500;

    /**
     * A statement with its parameters, or ({@code rows} not null) the rows of one table:
     * {@code sql} is then {@code INSERT INTO table (columns) VALUES } and {@code tuple} one row's marks.
     */
    private record Part(String sql, List<Object> parameters, String tuple, List<Object[]> rows) {
    }

    private final List<Part> parts = new ArrayList<>();

    /** One statement with its parameters (null parameters are SQL NULL). */
    void add(String sql, Object... parameters) {
        List<Object> values = new ArrayList<>(parameters.length);
        Collections.addAll(values, parameters);
        parts.add(new Part(sql, values, null, null));
    }

    /**
     * {@code INSERT INTO table (columns) VALUES (...), (...)} for the rows, each row as many
     * values as there are columns, split every {@link #ROWS_PER_INSERT} rows.
     */
    void insert(String table, String columns, int width, List<Object[]> rows) {
        if (rows.isEmpty()) {
            return;
        }
        String tuple = "(" + String.join(", ", Collections.nCopies(width, "?")) + ")";
        parts.add(new Part("INSERT INTO " + table + " (" + columns + ") VALUES ", null, tuple, rows));
    }

    /** The rows of a {@link #insert} part as multi-row INSERTs of at most {@link #ROWS_PER_INSERT} rows. */
    private static List<Part> multiRow(Part insert) {
        List<Object[]> rows = insert.rows();
        List<Part> parts = new ArrayList<>();
        for (int from = 0; from < rows.size(); from += ROWS_PER_INSERT) {
            List<Object[]> part = rows.subList(from, Math.min(rows.size(), from + ROWS_PER_INSERT));
            List<Object> values = new ArrayList<>();
            for (Object[] row : part) {
                Collections.addAll(values, row);
            }
            parts.add(new Part(insert.sql() + String.join(", ", Collections.nCopies(part.size(), insert.tuple())), values,
                    null, null));
        }
        return parts;
    }

    /**
     * Runs the statements in order inside the caller's transaction: as one composite statement
     * when {@code together} (PostgreSQL), else one by one.
     *
     * @return the update count of the first statement
     */
    int execute(Connection connection, boolean together) throws SQLException {
        if (parts.isEmpty()) {
            return 0;
        }
        if (!together) {
            int first = -1;
            for (Part part : parts) {
                int count = part.rows() == null ? run(connection, part.sql(), part.parameters())
                        : runBatch(connection, part.sql() + part.tuple(), part.rows());
                first = first < 0 ? count : first;
            }
            return first;
        }
        StringBuilder sql = new StringBuilder();
        List<Object> parameters = new ArrayList<>();
        for (Part part : parts) {
            for (Part statement : part.rows() == null ? List.of(part) : multiRow(part)) {
                sql.append(sql.isEmpty() ? "" : ";\n").append(statement.sql());
                parameters.addAll(statement.parameters());
            }
        }
        return run(connection, sql.toString(), parameters);
    }

    private static int runBatch(Connection connection, String sql, List<Object[]> rows) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (Object[] row : rows) {
                for (int i = 0; i < row.length; i++) {
                    statement.setObject(i + 1, row[i]);
                }
                statement.addBatch();
            }
            int inserted = 0;
            for (int count : statement.executeBatch()) {
                inserted += Math.max(count, 0);
            }
            return inserted;
        }
    }

    private static int run(Connection connection, String sql, List<Object> parameters) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.size(); i++) {
                statement.setObject(i + 1, parameters.get(i));
            }
            return statement.executeUpdate();
        }
    }
}
