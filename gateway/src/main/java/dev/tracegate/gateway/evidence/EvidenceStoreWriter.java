package dev.tracegate.gateway.evidence;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes sealed events into a shared (PostgreSQL) store inside the caller's transaction: the event
 * rows, the new Merkle subtree hashes and the new log head. The head row is claimed first, so
 * concurrent writers (other gateway nodes) serialise. The rows go out as one batch, which the
 * driver sends as multi-row inserts ({@code reWriteBatchedInserts}, see {@code Store}).
 */
final class EvidenceStoreWriter {

    private final MerkleSubtreeStore subtrees = new MerkleSubtreeStore();

    /** Locks the head and returns the store's current log size, for events not sealed yet. */
    long lockHead(Connection connection) throws SQLException {
        try (PreparedStatement head = connection.prepareStatement("SELECT tree_size FROM log_head WHERE id = 1 FOR UPDATE");
             ResultSet rs = head.executeQuery()) {
            if (!rs.next()) {
                throw new SQLException("log_head row is missing: the store was tampered with or not migrated");
            }
            return rs.getLong(1);
        }
    }

    /** Inserts events that continue the log exactly at the head {@link #lockHead} returned. */
    void insert(Connection connection, long head, List<SealedEvent> events) throws SQLException {
        if (events.getFirst().index() != head) {
            throw new SQLException("the store's log ends at " + head + " but the next event is " + events.getFirst().index()
                    + ": another writer changed the log");
        }
        writeRows(connection, head, events);
        try (PreparedStatement update = connection.prepareStatement("UPDATE log_head SET tree_size = ? WHERE id = 1")) {
            update.setLong(1, head + events.size());
            update.executeUpdate();
        }
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

    private void writeRows(Connection connection, long start, List<SealedEvent> events) throws SQLException {
        List<byte[]> leafHashes = new ArrayList<>(events.size());
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO evidence_event (idx, event_time, event_type, session_id, actor_subject, connection_name,"
                        + " trace_id, leaf, leaf_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (SealedEvent sealed : events) {
                IndexedEvent event = sealed.indexed();
                insert.setLong(1, event.index());
                insert.setTimestamp(2, Timestamp.from(event.time()));
                insert.setString(3, event.type());
                insert.setString(4, event.session());
                insert.setString(5, event.actorSubject());
                insert.setString(6, event.connection());
                insert.setString(7, event.trace());
                insert.setBytes(8, sealed.leaf());
                insert.setBytes(9, event.leafHash());
                insert.addBatch();
                leafHashes.add(event.leafHash());
            }
            insert.executeBatch();
        }
        subtrees.append(connection, start, leafHashes);
    }

    /** After a rolled-back transaction, cached subtree state may be ahead of the store. */
    void forget() {
        subtrees.forget();
    }
}
