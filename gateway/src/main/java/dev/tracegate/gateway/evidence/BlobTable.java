package dev.tracegate.gateway.evidence;

import dev.tracegate.gateway.store.Store;
import dev.tracegate.gateway.store.StoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * Blob content in the store's {@code blob} table: where the nodes of a PostgreSQL store keep it,
 * and where an embedded store kept it before {@link BlobSegments} (read and retained as before).
 */
final class BlobTable implements BlobStorage {

    private final Store store;

    BlobTable(Store store) {
        this.store = store;
    }

    /**
     * One transaction, one batched insert that skips the digests already there (another node's,
     * or content stored before this process started); if that fails, each is stored on its own.
     */
    @Override
    public void storeAll(Map<String, byte[]> blobs) {
        try {
            insert(blobs);
        } catch (SQLException batchFailed) {
            for (Map.Entry<String, byte[]> blob : blobs.entrySet()) {
                try {
                    insert(Map.of(blob.getKey(), blob.getValue()));
                } catch (SQLException e) {
                    throw new StoreException("cannot store a blob", e);
                }
            }
        }
    }

    /**
     * {@code ON CONFLICT DO NOTHING} (PostgreSQL, and H2 in its PostgreSQL mode) keeps a row that is
     * there as it is, as the query for existing digests did before; it saves that query, whose
     * text changed with every batch size, so the embedded store parsed and planned one per batch.
     */
    private void insert(Map<String, byte[]> blobs) throws SQLException {
        try (Connection connection = store.dataSource().getConnection()) {
            connection.setAutoCommit(false);
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO blob (digest, size, stored_at, content) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
                Timestamp now = Timestamp.from(Instant.now());
                for (Map.Entry<String, byte[]> blob : blobs.entrySet()) {
                    insert.setString(1, blob.getKey());
                    insert.setLong(2, blob.getValue().length);
                    insert.setTimestamp(3, now);
                    insert.setBytes(4, blob.getValue());
                    insert.addBatch();
                }
                insert.executeBatch();
                connection.commit();
            } catch (SQLException e) {
                connection.rollback();
                throw e;
            }
        }
    }

    @Override
    public Optional<byte[]> get(String digest) {
        try (Connection connection = store.dataSource().getConnection();
             PreparedStatement select = connection.prepareStatement("SELECT content FROM blob WHERE digest = ?")) {
            select.setString(1, digest);
            try (ResultSet rs = select.executeQuery()) {
                return rs.next() ? Optional.ofNullable(rs.getBytes(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new StoreException("cannot read blob " + digest, e);
        }
    }

    /** Keeps the rows, with their names and sizes, and drops their content. */
    @Override
    public int deleteContentStoredBefore(Instant cutoff) {
        try (Connection connection = store.dataSource().getConnection();
             PreparedStatement delete = connection.prepareStatement(
                     "UPDATE blob SET content = NULL WHERE stored_at < ? AND content IS NOT NULL")) {
            delete.setTimestamp(1, Timestamp.from(cutoff));
            return delete.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("cannot apply blob retention", e);
        }
    }
}
