package dev.tracegate.gateway.store;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * One transaction on one connection. Closing it before {@link #commit()} rolls it back, so a
 * decision whose evidence could not be written leaves the store as it was.
 */
public final class StoreTransaction implements AutoCloseable {

    private final Connection connection;
    private boolean committed;

    private StoreTransaction(Connection connection) {
        this.connection = connection;
    }

    static StoreTransaction on(Connection connection) throws SQLException {
        try {
            connection.setAutoCommit(false);
        } catch (SQLException e) {
            connection.close();
            throw e;
        }
        return new StoreTransaction(connection);
    }

    public Connection connection() {
        return connection;
    }

    public void commit() throws SQLException {
        connection.commit();
        committed = true;
    }

    @Override
    public void close() throws SQLException {
        try {
            if (!committed) {
                connection.rollback();
            }
            connection.setAutoCommit(true);
        } finally {
            connection.close();
        }
    }
}
