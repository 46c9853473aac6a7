package dev.tracegate.gateway.postgres;

import dev.tracegate.gateway.TestGateway;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/** What a pgjdbc caller of the gateway receives as text: every cell of every result, and every warning. */
final class ReceivedTexts {

    private ReceivedTexts() {
    }

    /** A pgjdbc connection through the gateway's {@code app} connection, in {@code simple} or {@code extended} query mode. */
    static Connection connect(TestGateway gateway, String user, String token, String mode) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", user);
        props.setProperty("password", token);
        props.setProperty("preferQueryMode", mode);
        props.setProperty("prepareThreshold", "1");
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + gateway.port() + "/app?sslmode=require", props);
    }

    /** Adds the cells of all of the statement's results, and its warnings, to {@code received}. */
    static void collect(Statement statement, List<String> received) throws SQLException {
        do {
            try (ResultSet rs = statement.getResultSet()) {
                if (rs != null) {
                    int columns = rs.getMetaData().getColumnCount();
                    while (rs.next()) {
                        for (int i = 1; i <= columns; i++) {
                            received.add(rs.getString(i));
                        }
                    }
                }
            }
        } while (statement.getMoreResults() || statement.getUpdateCount() != -1);
        for (SQLWarning warning = statement.getWarnings(); warning != null; warning = warning.getNextWarning()) {
            received.add(warning.getMessage());
        }
    }

    /**
     * What {@code user} receives for one statement on a connection of its own: its cells and
     * warnings, or its error's message.
     */
    static List<String> attempt(TestGateway gateway, String user, String token, String sql, String mode)
            throws SQLException {
        List<String> received = new ArrayList<>();
        try (Connection c = connect(gateway, user, token, mode)) {
            try {
                run(c, sql, mode, received);
            } catch (SQLException e) {
                received.add(e.getMessage());
            }
        }
        return received;
    }

    /**
     * Runs one statement as a prepared statement ({@code extended}) or a plain one ({@code simple})
     * and adds what it returned to {@code received}.
     *
     * @throws SQLException the statement's error, for the caller to look at
     */
    static void run(Connection c, String sql, String mode, List<String> received) throws SQLException {
        try (Statement statement = mode.equals("extended") ? c.prepareStatement(sql) : c.createStatement()) {
            if (statement instanceof PreparedStatement prepared) {
                prepared.execute();
            } else {
                statement.execute(sql);
            }
            collect(statement, received);
        }
    }
}
