package dev.tracegate.gateway.evidence;

import dev.tracegate.gateway.store.StoreException;
import dev.tracegate.ledger.merkle.SubtreeHashes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * A consistent read of the evidence log: its events (from the leaf log files with the embedded
 * store, from {@code evidence_event} with PostgreSQL), its stored subtree hashes for proofs, and
 * lookups in the query index ({@code evidence_chunk}, {@code evidence_session}). It covers the
 * events that were indexed when it was opened ({@link #size()}). Holds one store connection; close
 * it.
 */
public final class EvidenceReader implements AutoCloseable {

    /** Receives events in index order. */
    @FunctionalInterface
    public interface LeafVisitor {
        void visit(long index, byte[] leaf) throws IOException;
    }

    private static final int IN_LIST = 500;

    private final Connection connection;
    private final LeafLog log;
    private final SubtreeHashes subtrees;
    private final StoredSubtreeHashes stored;
    private final long size;

    EvidenceReader(Connection connection, LeafLog log, SubtreeHashFiles files, long size) throws SQLException {
        this.connection = connection;
        this.log = log;
        this.size = size;
        if (log == null) {
            // Read in one transaction: with PostgreSQL only then does the fetch size stream the rows.
            connection.setAutoCommit(false);
            this.stored = new StoredSubtreeHashes(connection);
            this.subtrees = stored;
        } else {
            this.stored = null;
            this.subtrees = files;
        }
    }

    /** Events this read covers: {@code [0, size)}. */
    public long size() {
        return size;
    }

    /** The store connection, for the checkpoint table and such; the reader owns it. */
    Connection connection() {
        return connection;
    }

    /** Refuses to go on when this read covers fewer events than the checkpoint a bundle is sealed with. */
    void requireCovers(long treeSize) {
        if (size < treeSize) {
            throw new StoreException("the store holds " + size + " events, fewer than the checkpoint's " + treeSize);
        }
    }

    /** Stored complete-subtree hashes, for roots and proofs. */
    public SubtreeHashes subtrees() {
        return subtrees;
    }

    public byte[] leaf(long index) {
        return leaves(new long[] {index}).getFirst();
    }

    /** The leaves of {@code indices} (ascending), in that order. */
    public List<byte[]> leaves(long[] indices) {
        List<byte[]> leaves = new ArrayList<>(indices.length);
        try {
            if (log != null) {
                for (long index : indices) {
                    leaves.add(log.leaf(index));
                }
                return leaves;
            }
            for (int from = 0; from < indices.length; from += IN_LIST) {
                long[] part = Arrays.copyOfRange(indices, from, Math.min(indices.length, from + IN_LIST));
                readRows(part, leaves);
            }
            return leaves;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (SQLException e) {
            throw new StoreException("cannot read evidence events", e);
        }
    }

    private void readRows(long[] indices, List<byte[]> into) throws SQLException {
        String marks = String.join(", ", Collections.nCopies(indices.length, "?"));
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT idx, leaf FROM evidence_event WHERE idx IN (" + marks + ") ORDER BY idx")) {
            for (int i = 0; i < indices.length; i++) {
                select.setLong(i + 1, indices[i]);
            }
            int at = 0;
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next() && at < indices.length) {
                    if (indices[at] != rs.getLong(1)) {
                        throw missing(indices[at]);
                    }
                    into.add(rs.getBytes(2));
                    at++;
                }
            }
            if (at < indices.length) {
                throw missing(indices[at]);
            }
        }
    }

    private static StoreException missing(long index) {
        return new StoreException("evidence event " + index + " is missing from the store: events were deleted");
    }

    /** Visits events {@code [from, to)} in index order; a gap is an error. */
    public void scan(long from, long to, LeafVisitor visitor) throws IOException {
        if (log != null) {
            log.scan(from, to, visitor::visit);
            return;
        }
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT idx, leaf FROM evidence_event WHERE idx >= ? AND idx < ? ORDER BY idx")) {
            select.setLong(1, from);
            select.setLong(2, to);
            select.setFetchSize(1000);
            long expected = from;
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    if (rs.getLong(1) != expected) {
                        throw missing(expected);
                    }
                    visitor.visit(expected++, rs.getBytes(2));
                }
            }
            if (expected < to) {
                throw missing(expected);
            }
        } catch (SQLException e) {
            throw new StoreException("cannot read evidence events", e);
        }
    }

    /** {@link #indices(EventSelection)} below {@code bound} (a checkpoint's size). */
    long[] indices(EventSelection selection, long bound) {
        long[] indices = indices(selection);
        int end = 0;
        while (end < indices.length && indices[end] < bound) {
            end++;
        }
        return end == indices.length ? indices : Arrays.copyOf(indices, end);
    }

    /** The indices (ascending) of the events the query index has for {@code selection}, below {@link #size()}. */
    public long[] indices(EventSelection selection) {
        StringBuilder sql = new StringBuilder("SELECT first_idx, last_idx, event_count, events FROM evidence_chunk"
                + " WHERE first_idx < ? AND last_idx >= ?");
        List<Object> args = new ArrayList<>(List.of(size, selection.fromIndex()));
        where(sql, args, "session_id = ?", selection.session());
        where(sql, args, "actor_subject = ?", selection.actorSubject());
        where(sql, args, "connection_name = ?", selection.connection());
        where(sql, args, "trace_id = ?", selection.trace());
        // Exact bounds: the index keeps each event's time as its leaf records it (microseconds, SealedEvent), so
        // a store's rounding cannot move an event across a bound; a wider search would return chunks of events
        // at exactly the upper bound, which the selection excludes.
        where(sql, args, "last_time >= ?", selection.from() == null ? null : Timestamp.from(selection.from()));
        where(sql, args, "first_time < ?", selection.to() == null ? null : Timestamp.from(selection.to()));
        long[] found = new long[64];
        int count = 0;
        try (PreparedStatement select = prepare(sql.append(" ORDER BY first_idx").toString(), args);
             ResultSet rs = select.executeQuery()) {
            while (rs.next()) {
                for (long index : EvidenceIndexWriter.decode(rs.getLong(1), rs.getLong(2), rs.getInt(3), rs.getBytes(4))) {
                    if (index >= selection.fromIndex() && index < size) {
                        if (count == found.length) {
                            found = Arrays.copyOf(found, count * 2);
                        }
                        found[count++] = index;
                    }
                }
            }
        } catch (SQLException e) {
            throw new StoreException("cannot read the evidence index", e);
        }
        long[] indices = Arrays.copyOf(found, count);
        Arrays.sort(indices);
        return indices;
    }

    /** Up to {@code limit} sessions opened below index {@code below}, newest first. */
    public List<SessionRow> sessions(SessionSelection selection, long below, int limit) {
        StringBuilder sql = new StringBuilder("SELECT open_idx, close_idx FROM evidence_session WHERE open_idx < ?");
        List<Object> args = new ArrayList<>(List.of(Math.min(below, size)));
        where(sql, args, "actor_subject = ?", selection.actorSubject());
        where(sql, args, "connection_name = ?", selection.connection());
        where(sql, args, "opened_at >= ?", selection.from() == null ? null : Timestamp.from(selection.from()));
        where(sql, args, "opened_at < ?", selection.to() == null ? null : Timestamp.from(selection.to()));
        where(sql, args, "session_id IN (SELECT t.session_id FROM evidence_chunk t WHERE t.trace_id = ?)", selection.trace());
        if (selection.open() != null) {
            sql.append(selection.open() ? " AND (close_idx IS NULL OR close_idx >= ?)" : " AND close_idx < ?");
            args.add(size);
        }
        sql.append(" ORDER BY open_idx DESC LIMIT ").append(Math.max(1, limit));
        List<SessionRow> rows = new ArrayList<>();
        try (PreparedStatement select = prepare(sql.toString(), args); ResultSet rs = select.executeQuery()) {
            while (rs.next()) {
                long close = rs.getLong(2);
                rows.add(new SessionRow(rs.getLong(1), rs.wasNull() || close >= size ? -1 : close));
            }
        } catch (SQLException e) {
            throw new StoreException("cannot read the evidence index", e);
        }
        return rows;
    }

    private static void where(StringBuilder sql, List<Object> args, String condition, Object value) {
        if (value != null) {
            sql.append(" AND ").append(condition);
            args.add(value);
        }
    }

    private PreparedStatement prepare(String sql, List<Object> args) throws SQLException {
        PreparedStatement select = connection.prepareStatement(sql);
        for (int i = 0; i < args.size(); i++) {
            select.setObject(i + 1, args.get(i));
        }
        return select;
    }

    @Override
    public void close() {
        try {
            if (stored != null) {
                stored.close();
            }
            if (!connection.getAutoCommit()) {
                connection.rollback();
            }
            connection.close();
        } catch (SQLException e) {
            // Read-only: nothing is lost with the connection.
        }
    }
}
