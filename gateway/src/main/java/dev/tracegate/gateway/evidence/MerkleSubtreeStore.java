package dev.tracegate.gateway.evidence;

import dev.tracegate.ledger.merkle.CompactRange;
import dev.tracegate.ledger.merkle.SubtreeHash;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Keeps the hash of every complete subtree of a shared (PostgreSQL) log in {@code merkle_subtree},
 * so appends and proofs touch O(log n) rows instead of rescanning the log.
 *
 * <p>The ledger's {@link CompactRange} says which subtrees each new leaf completes; only the
 * range's right edge is needed for that, and it is cached between batches. If another gateway
 * node appended in the meantime the cache is stale and is reloaded in two reads
 * ({@link StoredSubtreeHashes#loadEdge}), not one per level: with nodes taking turns that happens
 * on nearly every batch, inside the head lock.
 *
 * <p>Only subtrees of {@link #FIRST_STORED_LEVEL} and above are stored. The smaller ones lie inside
 * one aligned block of {@code 2^FIRST_STORED_LEVEL} leaves, whose hashes {@code evidence_event}
 * already holds, so {@link StoredSubtreeHashes} computes them from one range read of that block.
 * An append then writes one subtree row per {@code 2^(FIRST_STORED_LEVEL - 1)} events instead of
 * two per event (a leaf completes two subtrees on average, one of them itself), and a proof still
 * takes O(log n) reads: one per stored level plus the block.
 */
final class MerkleSubtreeStore {

    /** The lowest level kept in {@code merkle_subtree}: blocks of 16 leaves, 32 bytes each. */
    static final int FIRST_STORED_LEVEL = 4;

    private CompactRange range;

    /** Stores the subtrees completed by appending these leaf hashes at index {@code start}. */
    void append(Connection connection, long start, List<byte[]> leafHashes) throws SQLException {
        if (range == null || range.size() != start) {
            try (StoredSubtreeHashes stored = new StoredSubtreeHashes(connection)) {
                range = stored.loadEdge(start);
            }
        }
        List<SubtreeHash> kept = new ArrayList<>();
        for (byte[] leafHash : leafHashes) {
            range.append(leafHash, subtree -> {
                if (subtree.level() >= FIRST_STORED_LEVEL) {
                    kept.add(subtree);
                }
            });
        }
        if (kept.isEmpty()) {
            return;
        }
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO merkle_subtree (level, node_index, hash) VALUES (?, ?, ?)")) {
            for (SubtreeHash subtree : kept) {
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
