package dev.tracegate.gateway.evidence;

import java.io.ByteArrayOutputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes the query index of a batch of events: one {@code evidence_chunk} row per (session, user,
 * connection, trace) in the batch, listing its events, and one {@code evidence_session} row per
 * session opened (closed sessions get their close event). A batch of a thousand events from eight
 * sessions becomes eight rows, where one indexed row per event made the store the gateway's most
 * expensive part.
 */
final class EvidenceIndexWriter {

    private record Key(String session, String actorSubject, String connection, String trace) {
    }

    /** The events of one key in this batch, in index order. */
    private static final class Chunk {
        final Key key;
        final List<IndexedEvent> events = new ArrayList<>();

        Chunk(Key key) {
            this.key = key;
        }
    }

    /** Indexes {@code events} inside the caller's transaction. */
    void write(Connection connection, List<IndexedEvent> events) throws SQLException {
        Map<Key, Chunk> chunks = new LinkedHashMap<>();
        List<IndexedEvent> opened = new ArrayList<>();
        List<IndexedEvent> closed = new ArrayList<>();
        for (IndexedEvent event : events) {
            Key key = new Key(event.session(), event.actorSubject(), event.connection(), event.trace());
            chunks.computeIfAbsent(key, Chunk::new).events.add(event);
            if (event.session() != null && EventType.SESSION_OPEN.equals(event.type())) {
                opened.add(event);
            } else if (event.session() != null && EventType.SESSION_CLOSE.equals(event.type())) {
                closed.add(event);
            }
        }
        writeChunks(connection, chunks.values());
        writeSessions(connection, opened, closed);
    }

    private static void writeChunks(Connection connection, Iterable<Chunk> chunks) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO evidence_chunk (first_idx, last_idx, event_count, session_id, actor_subject, connection_name,"
                        + " trace_id, first_time, last_time, events) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (Chunk chunk : chunks) {
                List<IndexedEvent> events = chunk.events;
                long first = events.getFirst().index();
                long last = events.getLast().index();
                Instant earliest = events.getFirst().time();
                Instant latest = earliest;
                for (IndexedEvent event : events) {
                    earliest = event.time().isBefore(earliest) ? event.time() : earliest;
                    latest = event.time().isAfter(latest) ? event.time() : latest;
                }
                insert.setLong(1, first);
                insert.setLong(2, last);
                insert.setInt(3, events.size());
                insert.setString(4, chunk.key.session());
                insert.setString(5, chunk.key.actorSubject());
                insert.setString(6, chunk.key.connection());
                insert.setString(7, chunk.key.trace());
                insert.setTimestamp(8, Timestamp.from(earliest));
                insert.setTimestamp(9, Timestamp.from(latest));
                if (last - first + 1 == events.size()) {
                    insert.setNull(10, Types.VARBINARY);
                } else {
                    insert.setBytes(10, encode(events));
                }
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    private static void writeSessions(Connection connection, List<IndexedEvent> opened, List<IndexedEvent> closed)
            throws SQLException {
        if (!opened.isEmpty()) {
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO evidence_session (open_idx, session_id, opened_at, actor_subject, connection_name)"
                            + " VALUES (?, ?, ?, ?, ?)")) {
                for (IndexedEvent event : opened) {
                    insert.setLong(1, event.index());
                    insert.setString(2, event.session());
                    insert.setTimestamp(3, Timestamp.from(event.time()));
                    insert.setString(4, event.actorSubject());
                    insert.setString(5, event.connection());
                    insert.addBatch();
                }
                insert.executeBatch();
            }
        }
        if (!closed.isEmpty()) {
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE evidence_session SET close_idx = ? WHERE session_id = ? AND close_idx IS NULL AND open_idx < ?")) {
                for (IndexedEvent event : closed) {
                    update.setLong(1, event.index());
                    update.setString(2, event.session());
                    update.setLong(3, event.index());
                    update.addBatch();
                }
                update.executeBatch();
            }
        }
    }

    /** Varint deltas from the first index (which the row holds): small, and exact for any gaps. */
    static byte[] encode(List<IndexedEvent> events) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(events.size() * 2);
        long previous = events.getFirst().index();
        for (int i = 1; i < events.size(); i++) {
            long delta = events.get(i).index() - previous;
            previous = events.get(i).index();
            while ((delta & ~0x7FL) != 0) {
                out.write((int) ((delta & 0x7F) | 0x80));
                delta >>>= 7;
            }
            out.write((int) delta);
        }
        return out.toByteArray();
    }

    /** The indices of a chunk row: {@code events} as {@link #encode} wrote it, or first..last when it is null. */
    static long[] decode(long first, long last, int count, byte[] events) {
        long[] indices = new long[count];
        indices[0] = first;
        if (events == null) {
            for (int i = 1; i < count; i++) {
                indices[i] = first + i;
            }
            return indices;
        }
        int at = 0;
        for (int i = 1; i < count; i++) {
            long delta = 0;
            int shift = 0;
            int b;
            do {
                b = events[at++];
                delta |= (long) (b & 0x7F) << shift;
                shift += 7;
            } while ((b & 0x80) != 0);
            indices[i] = indices[i - 1] + delta;
        }
        if (indices[count - 1] != last) {
            throw new IllegalStateException("an evidence_chunk row does not add up: the index was edited");
        }
        return indices;
    }
}
