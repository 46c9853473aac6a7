package dev.tracegate.gateway.evidence;

import dev.tracegate.ledger.TreeHasher;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Keeps the hash of every complete subtree of the log in {@code merkle_subtree}, so appends and
 * proofs touch O(log n) rows instead of rescanning the log.
 *
 * <p>Appending leaf i stores it at level 0; whenever a node is a right child, its parent is now
 * complete and is stored one level up. Only the right edge of the tree (at most one pending left
 * child per level) is needed for that, and it is cached. If another gateway node appended in the
 * meantime, the cache is stale and is reloaded with one read per level.
 */
final class MerkleSubtreeStore {

    private record Node(long index, byte[] hash) {
    }

    private final Map<Integer, Node> rightEdge = new HashMap<>();
    private long cachedSize = -1;

    static byte[] leafHash(byte[] leaf) {
        return TreeHasher.leafHash(leaf);
    }

    /** Stores the subtrees completed by appending these leaf hashes at index {@code start}. */
    void append(Connection connection, long start, List<byte[]> leafHashes) throws SQLException {
        if (cachedSize != start) {
            loadRightEdge(connection, start);
        }
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO merkle_subtree (level, node_index, hash) VALUES (?, ?, ?)")) {
            long index = start;
            for (byte[] leafHash : leafHashes) {
                add(insert, 0, index++, leafHash);
            }
            insert.executeBatch();
        }
        cachedSize = start + leafHashes.size();
    }

    /** After a failed transaction the cache may hold nodes that were rolled back. */
    void forget() {
        rightEdge.clear();
        cachedSize = -1;
    }

    private void add(PreparedStatement insert, int level, long index, byte[] hash) throws SQLException {
        insert.setInt(1, level);
        insert.setLong(2, index);
        insert.setBytes(3, hash);
        insert.addBatch();
        if ((index & 1) == 1) {
            Node left = rightEdge.get(level);
            if (left == null || left.index() != index - 1) {
                throw new SQLException("merkle subtree " + level + "/" + (index - 1) + " is missing");
            }
            rightEdge.remove(level);
            add(insert, level + 1, index >>> 1, TreeHasher.nodeHash(left.hash(), hash));
        } else {
            rightEdge.put(level, new Node(index, hash));
        }
    }

    /** Reads the pending left child of every level for a tree of {@code size} leaves. */
    private void loadRightEdge(Connection connection, long size) throws SQLException {
        rightEdge.clear();
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT hash FROM merkle_subtree WHERE level = ? AND node_index = ?")) {
            for (int level = 0; (size >>> level) > 0; level++) {
                long complete = size >>> level;
                if ((complete & 1) == 1) {
                    select.setInt(1, level);
                    select.setLong(2, complete - 1);
                    try (ResultSet rs = select.executeQuery()) {
                        if (!rs.next()) {
                            throw new SQLException("merkle subtree " + level + "/" + (complete - 1)
                                    + " is missing: the store is damaged or was tampered with");
                        }
                        rightEdge.put(level, new Node(complete - 1, rs.getBytes(1)));
                    }
                }
            }
        }
        cachedSize = size;
    }
}
