package dev.tracegate.gateway.evidence;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The statements of one evidence write, gathered first and sent together. Rows of one table go
 * out as multi-row INSERTs; with PostgreSQL the whole batch is one composite statement, which the
 * driver sends in a single round trip: that is what the nodes sharing a store wait for while one
 * of them holds the log head, so it is what limits them.
 */
final class SqlBatch {

    /** Rows per multi-row INSERT: well below the protocol's 65,535 parameters for the widest table. */
    private static final int ROWS_PER_INSERT = 500;

    private record Part(String sql, List<Object> parameters) {
    }

    private final List<Part> parts = new ArrayList<>();

    /** One statement with its parameters (null parameters are SQL NULL). */
    void add(String sql, Object... parameters) {
        List<Object> values = new ArrayList<>(parameters.length);
        Collections.addAll(values, parameters);
        parts.add(new Part(sql, values));
    }

    /**
     * {@code INSERT INTO table (columns) VALUES (...), (...)} for the rows, each row as many
     * values as there are columns, split every {@link #ROWS_PER_INSERT} rows.
     */
    void insert(String table, String columns, int width, List<Object[]> rows) {
        String tuple = "(" + String.join(", ", Collections.nCopies(width, "?")) + ")";
        for (int from = 0; from < rows.size(); from += ROWS_PER_INSERT) {
            List<Object[]> part = rows.subList(from, Math.min(rows.size(), from + ROWS_PER_INSERT));
            List<Object> values = new ArrayList<>(part.size() * width);
            for (Object[] row : part) {
                Collections.addAll(values, row);
            }
            parts.add(new Part("INSERT INTO " + table + " (" + columns + ") VALUES "
                    + String.join(", ", Collections.nCopies(part.size(), tuple)), values));
        }
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
                int count = run(connection, part.sql(), part.parameters());
                first = first < 0 ? count : first;
            }
            return first;
        }
        StringBuilder sql = new StringBuilder();
        List<Object> parameters = new ArrayList<>();
        for (Part part : parts) {
            sql.append(sql.isEmpty() ? "" : ";\n").append(part.sql());
            parameters.addAll(part.parameters());
        }
        return run(connection, sql.toString(), parameters);
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
