package dev.tracegate.gateway.evidence;

import dev.tracegate.ledger.merkle.CompactRange;
import dev.tracegate.ledger.merkle.MerkleHashes;
import dev.tracegate.ledger.merkle.SubtreeHash;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Keeps the hash of every complete subtree of the log in {@code merkle_subtree}, so appends and
 * proofs touch O(log n) rows instead of rescanning the log.
 *
 * <p>The ledger's {@link CompactRange} says which subtrees each new leaf completes; only the
 * range's right edge is needed for that, and it is cached between batches. If another gateway
 * node appended in the meantime the cache is stale and is reloaded, one read per level.
 *
 * <p>Level 0 (the leaves) is not stored here: {@code evidence_event.leaf_hash} already holds each
 * leaf's hash, and {@link StoredSubtreeHashes} reads it from there. That halves the rows an
 * append writes (a leaf completes two subtrees on average, one of them itself).
 */
final class MerkleSubtreeStore {

    private CompactRange range;

    static byte[] leafHash(byte[] leaf) {
        return MerkleHashes.leafHash(leaf);
    }

    /** Stores the subtrees completed by appending these leaf hashes at index {@code start}. */
    void append(Connection connection, long start, List<byte[]> leafHashes) throws SQLException {
        if (range == null || range.size() != start) {
            try (StoredSubtreeHashes stored = new StoredSubtreeHashes(connection)) {
                range = CompactRange.load(stored, start);
            }
        }
        List<SubtreeHash> created = new ArrayList<>(leafHashes.size() * 2);
        for (byte[] leafHash : leafHashes) {
            range.append(leafHash, created::add);
        }
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO merkle_subtree (level, node_index, hash) VALUES (?, ?, ?)")) {
            for (SubtreeHash subtree : created) {
                if (subtree.level() == 0) {
                    continue;
                }
                insert.setInt(1, subtree.level());
                insert.setLong(2, subtree.index());
                insert.setBytes(3, subtree.hash());
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    /** After a failed transaction the cached range may hold subtrees that were rolled back. */
    void forget() {
        range = null;
    }
}
