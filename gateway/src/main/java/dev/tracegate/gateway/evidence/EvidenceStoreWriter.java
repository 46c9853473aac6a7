package dev.tracegate.gateway.evidence;

import dev.tracegate.ledger.merkle.CompactRange;
import dev.tracegate.ledger.merkle.MerkleHashes;
import dev.tracegate.ledger.merkle.SubtreeHash;
import java.io.ByteArrayOutputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes sealed events into a shared (PostgreSQL) store, which several nodes extend as one log. A
 * batch is one composite statement ({@link SqlBatch}): the move of the head row, which also holds
 * the tree's right edge (so no node reloads it after another appended), from exactly where the
 * batch was sealed; the event rows, the new subtree hashes of {@link #FIRST_STORED_LEVEL} and
 * above and the index rows. The head is read without a lock ({@link #readHead}) and its move fails
 * the batch should another node have moved it meanwhile, so the head row is locked only while the
 * store runs that statement, not across the round trips to a gateway node and its sealing, which
 * is what the other nodes waited for when each batch locked it first ({@link #lockHead}, still the
 * way of a writer that keeps losing that race).
 *
 * <p>Only subtrees of {@link #FIRST_STORED_LEVEL} and above are stored. The smaller ones lie inside
 * one aligned block of {@code 2^FIRST_STORED_LEVEL} leaves, whose hashes {@code evidence_event}
 * already holds, so {@link StoredSubtreeHashes} computes them from one range read of that block: an
 * append writes one subtree row per {@code 2^(FIRST_STORED_LEVEL - 1)} events instead of two per
 * event, and a proof still takes O(log n) reads.
 */
final class EvidenceStoreWriter {

    /** The lowest level kept in {@code merkle_subtree}: blocks of 16 leaves, 32 bytes each. */
    static final int FIRST_STORED_LEVEL = 4;
    private static final String DIVISION_BY_ZERO = "22012";

    private static final String[] EVENT_TYPES = {"bigint", "timestamptz", "varchar", "varchar", "varchar", "varchar", "varchar",
        "bytea", "bytea"};
    private static final String[] SUBTREE_TYPES = {"int", "bigint", "bytea"};

    /** The locked head: the log's size and the right edge of its tree. */
    record Head(long size, CompactRange range) {
    }

    /** Locks the head row and returns the log's size and edge ({@link #readHead}). */
    Head lockHead(Connection connection) throws SQLException {
        return head(connection, "SELECT tree_size, edge FROM log_head WHERE id = 1 FOR UPDATE");
    }

    /**
     * The log's size and edge as last committed, without locking: a write from it fails with
     * {@link #headMoved} should another writer move the head first.
     */
    Head readHead(Connection connection) throws SQLException {
        return head(connection, "SELECT tree_size, edge FROM log_head WHERE id = 1");
    }

    /**
     * Whether {@code e} is the guard of {@link #write} refusing a batch because another writer moved
     * the head since it was read: nothing of the batch was written.
     */
    static boolean headMoved(SQLException e) {
        return DIVISION_BY_ZERO.equals(e.getSQLState());
    }

    /**
     * The head as {@code query} reads it. An edge missing or not matching the size (a store
     * written before the head kept it) is loaded from the subtree hashes.
     */
    private static Head head(Connection connection, String query) throws SQLException {
        long size;
        byte[] edge;
        try (PreparedStatement head = connection.prepareStatement(query);
             ResultSet rs = head.executeQuery()) {
            if (!rs.next()) {
                throw new SQLException("log_head row is missing: the store was tampered with or not migrated");
            }
            size = rs.getLong(1);
            edge = rs.getBytes(2);
        }
        if (edge != null && edge.length == Long.bitCount(size) * MerkleHashes.HASH_SIZE) {
            List<byte[]> hashes = new ArrayList<>();
            for (int at = 0; at < edge.length; at += MerkleHashes.HASH_SIZE) {
                hashes.add(java.util.Arrays.copyOfRange(edge, at, at + MerkleHashes.HASH_SIZE));
            }
            return new Head(size, CompactRange.of(size, hashes));
        }
        try (StoredSubtreeHashes stored = new StoredSubtreeHashes(connection)) {
            return new Head(size, stored.loadEdge(size));
        }
    }

    /**
     * Adds to {@code batch} the move of the head from exactly {@code head} to its new size and
     * edge, then the events (continuing the log at {@code head}) and their subtree hashes. The move
     * comes first and fails the batch (SQLSTATE 22012, {@link #headMoved}) when the head is no longer
     * where it was read, so nothing after it runs: the batch's transaction extends the log exactly
     * where its events were sealed, or not at all. It also locks the head row, so the lock is held
     * from there to the commit, within the one round trip of the batch.
     */
    void write(SqlBatch batch, Head head, List<SealedEvent> events) throws SQLException {
        if (events.getFirst().index() != head.size()) {
            throw new SQLException("the store's log ends at " + head.size() + " but the next event is "
                    + events.getFirst().index() + ": another writer changed the log");
        }
        List<Object[]> rows = new ArrayList<>(events.size());
        List<Object[]> subtrees = new ArrayList<>();
        CompactRange range = head.range();
        for (SealedEvent sealed : events) {
            IndexedEvent event = sealed.indexed();
            rows.add(new Object[] {event.index(), Timestamp.from(event.time()), event.type(), event.session(),
                    event.actorSubject(), event.connection(), event.trace(), sealed.leaf(), event.leafHash()});
            range.append(event.leafHash(), subtree -> keep(subtree, subtrees));
        }
        // 1 / 0 when the head moved: division by zero is the one error a plain SQL statement can be made to raise.
        batch.add("WITH moved AS (UPDATE log_head SET tree_size = ?, edge = ? WHERE id = 1 AND tree_size = ? RETURNING 1)"
                + " SELECT 1 / count(*) FROM moved", range.size(), edge(range), head.size());
        batch.insert("evidence_event", "idx, event_time, event_type, session_id, actor_subject, connection_name, trace_id,"
                + " leaf, leaf_hash", EVENT_TYPES, rows);
        batch.insert("merkle_subtree", "level, node_index, hash", SUBTREE_TYPES, subtrees);
    }

    private static void keep(SubtreeHash subtree, List<Object[]> subtrees) {
        if (subtree.level() >= FIRST_STORED_LEVEL) {
            subtrees.add(new Object[] {subtree.level(), subtree.index(), subtree.hash()});
        }
    }

    private static byte[] edge(CompactRange range) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        range.rightEdge().forEach(out::writeBytes);
        return out.toByteArray();
    }

    /**
     * Moves the head of the embedded store's index from exactly {@code start} by {@code count}
     * events: one statement both claims the head row and checks that nothing else moved it.
     */
    void advanceHead(Connection connection, long start, int count) throws SQLException {
        try (PreparedStatement advance = connection.prepareStatement(
                "UPDATE log_head SET tree_size = ? WHERE id = 1 AND tree_size = ?")) {
            advance.setLong(1, start + count);
            advance.setLong(2, start);
            if (advance.executeUpdate() != 1) {
                throw new SQLException("the store's index does not end at " + start + ", where the next event belongs:"
                        + " another writer changed it, or the log_head row is missing");
            }
        }
    }
}
