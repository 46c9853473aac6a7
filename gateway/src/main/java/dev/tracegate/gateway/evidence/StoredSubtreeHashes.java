package dev.tracegate.gateway.evidence;

import dev.tracegate.gateway.store.StoreException;
import dev.tracegate.ledger.merkle.SubtreeHashes;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Complete-subtree hashes read from {@code merkle_subtree} on one connection, for roots and
 * proofs: each lookup is one indexed read, and a proof needs O(log n) of them.
 */
final class StoredSubtreeHashes implements SubtreeHashes, AutoCloseable {

    private final PreparedStatement select;
    private final PreparedStatement leaf;

    StoredSubtreeHashes(Connection connection) throws SQLException {
        this.select = connection.prepareStatement("SELECT hash FROM merkle_subtree WHERE level = ? AND node_index = ?");
        // Leaves are not repeated in merkle_subtree: their hashes are stored with the events.
        this.leaf = connection.prepareStatement("SELECT leaf_hash FROM evidence_event WHERE idx = ?");
    }

    @Override
    public byte[] hash(int level, long index) {
        try {
            PreparedStatement query = level == 0 ? leaf : select;
            if (level == 0) {
                leaf.setLong(1, index);
            } else {
                select.setInt(1, level);
                select.setLong(2, index);
            }
            try (ResultSet rs = query.executeQuery()) {
                if (!rs.next()) {
                    throw new StoreException("merkle subtree " + level + "/" + index
                            + " is missing from the store: it was damaged or tampered with");
                }
                return rs.getBytes(1);
            }
        } catch (SQLException e) {
            throw new StoreException("cannot read merkle subtree " + level + "/" + index, e);
        }
    }

    @Override
    public void close() throws SQLException {
        select.close();
        leaf.close();
    }
}
