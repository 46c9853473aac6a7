package dev.tracegate.gateway.evidence;

import dev.tracegate.gateway.store.StoreException;
import dev.tracegate.ledger.merkle.CompactRange;
import dev.tracegate.ledger.merkle.MerkleHashes;
import dev.tracegate.ledger.merkle.SubtreeHashes;
import dev.tracegate.ledger.merkle.SubtreeId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Complete-subtree hashes read from the store on one connection, for roots and proofs: each
 * lookup is one indexed read, and a proof needs O(log n) of them.
 *
 * <p>Subtrees from {@link EvidenceStoreWriter#FIRST_STORED_LEVEL} up are rows of
 * {@code merkle_subtree}. Smaller ones are computed from the leaf hashes stored with the events:
 * one range read of the aligned block of {@code 2^FIRST_STORED_LEVEL} leaves that contains them,
 * which also serves every other small subtree of that block (a proof's lowest levels all lie in
 * one block). The last complete block read is kept for the next lookup.
 */
final class StoredSubtreeHashes implements SubtreeHashes, AutoCloseable {

    private static final int BLOCK_LEVEL = EvidenceStoreWriter.FIRST_STORED_LEVEL;
    private static final int BLOCK_LEAVES = 1 << BLOCK_LEVEL;

    private final Connection connection;
    private final PreparedStatement select;
    private final PreparedStatement block;
    private long cachedBlock = -1;
    private List<byte[]> cachedLeafHashes = List.of();

    StoredSubtreeHashes(Connection connection) throws SQLException {
        this.connection = connection;
        this.select = connection.prepareStatement("SELECT hash FROM merkle_subtree WHERE level = ? AND node_index = ?");
        this.block = connection.prepareStatement("SELECT idx, leaf_hash FROM evidence_event WHERE idx >= ? AND idx < ? ORDER BY idx");
    }

    @Override
    public byte[] hash(int level, long index) {
        try {
            return level < BLOCK_LEVEL ? fromLeaves(level, index) : stored(level, index);
        } catch (SQLException e) {
            throw new StoreException("cannot read merkle subtree " + level + "/" + index, e);
        }
    }

    /**
     * The right edge of the tree of {@code size} leaves in two reads: the stored subtrees of the
     * edge in one query, the small ones from the last block's leaf hashes.
     */
    CompactRange loadEdge(long size) throws SQLException {
        List<SubtreeId> ids = CompactRange.rightEdgeIds(size);
        List<SubtreeId> large = ids.stream().filter(id -> id.level() >= BLOCK_LEVEL).toList();
        Map<SubtreeId, byte[]> found = new HashMap<>();
        if (!large.isEmpty()) {
            StringBuilder sql = new StringBuilder("SELECT level, node_index, hash FROM merkle_subtree WHERE ");
            for (int i = 0; i < large.size(); i++) {
                sql.append(i == 0 ? "" : " OR ").append("(level = ? AND node_index = ?)");
            }
            try (PreparedStatement edge = connection.prepareStatement(sql.toString())) {
                for (int i = 0; i < large.size(); i++) {
                    edge.setInt(2 * i + 1, large.get(i).level());
                    edge.setLong(2 * i + 2, large.get(i).index());
                }
                try (ResultSet rs = edge.executeQuery()) {
                    while (rs.next()) {
                        found.put(new SubtreeId(rs.getInt(1), rs.getLong(2)), rs.getBytes(3));
                    }
                }
            }
        }
        List<byte[]> edge = new ArrayList<>(ids.size());
        for (SubtreeId id : ids) {
            byte[] hash = id.level() >= BLOCK_LEVEL ? found.get(id) : fromLeaves(id.level(), id.index());
            if (hash == null) {
                throw missing(id.level(), id.index());
            }
            edge.add(hash);
        }
        return CompactRange.of(size, edge);
    }

    private byte[] stored(int level, long index) throws SQLException {
        select.setInt(1, level);
        select.setLong(2, index);
        try (ResultSet rs = select.executeQuery()) {
            if (!rs.next()) {
                throw missing(level, index);
            }
            return rs.getBytes(1);
        }
    }

    /** Folds the subtree's leaf hashes pairwise, level by level, up to its root. */
    private byte[] fromLeaves(int level, long index) throws SQLException {
        long first = index << level;
        int width = 1 << level;
        long blockNumber = first >>> BLOCK_LEVEL;
        List<byte[]> leafHashes = leafHashesOfBlock(blockNumber);
        int offset = (int) (first - (blockNumber << BLOCK_LEVEL));
        if (offset + width > leafHashes.size()) {
            throw missing(level, index);
        }
        byte[][] row = leafHashes.subList(offset, offset + width).toArray(byte[][]::new);
        for (int length = width; length > 1; length /= 2) {
            for (int i = 0; i < length / 2; i++) {
                row[i] = MerkleHashes.nodeHash(row[2 * i], row[2 * i + 1]);
            }
        }
        return row[0];
    }

    /** The block's leaf hashes from its first leaf up to the first gap or the end of the log. */
    private List<byte[]> leafHashesOfBlock(long blockNumber) throws SQLException {
        if (blockNumber == cachedBlock) {
            return cachedLeafHashes;
        }
        long start = blockNumber << BLOCK_LEVEL;
        List<byte[]> leafHashes = new ArrayList<>(BLOCK_LEAVES);
        block.setLong(1, start);
        block.setLong(2, start + BLOCK_LEAVES);
        try (ResultSet rs = block.executeQuery()) {
            while (rs.next() && rs.getLong(1) == start + leafHashes.size()) {
                leafHashes.add(rs.getBytes(2));
            }
        }
        // Only a complete block is final; a partial one at the log's end may still grow.
        if (leafHashes.size() == BLOCK_LEAVES) {
            cachedBlock = blockNumber;
            cachedLeafHashes = leafHashes;
        }
        return leafHashes;
    }

    private static StoreException missing(int level, long index) {
        return new StoreException("merkle subtree " + level + "/" + index
                + " is missing from the store: it was damaged or tampered with");
    }

    @Override
    public void close() throws SQLException {
        select.close();
        block.close();
    }
}
