package dev.tracegate.gateway.evidence;

import java.io.ByteArrayOutputStream;
import java.sql.Timestamp;
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

    private static final String[] CHUNK_TYPES = {"bigint", "bigint", "int", "varchar", "varchar", "varchar", "varchar",
        "timestamptz", "timestamptz", "bytea"};
    private static final String[] SESSION_TYPES = {"bigint", "varchar", "timestamptz", "varchar", "varchar"};
    private static final String[] CLOSE_TYPES = {"bigint", "varchar", "bigint"};

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

    /** Adds the index rows of {@code events} to {@code batch}. */
    void write(SqlBatch batch, List<IndexedEvent> events) {
        Map<Key, Chunk> chunks = new LinkedHashMap<>();
        List<Object[]> opened = new ArrayList<>();
        for (IndexedEvent event : events) {
            Key key = new Key(event.session(), event.actorSubject(), event.connection(), event.trace());
            chunks.computeIfAbsent(key, Chunk::new).events.add(event);
            if (event.session() != null && EventType.SESSION_OPEN.equals(event.type())) {
                opened.add(new Object[] {event.index(), event.session(), Timestamp.from(event.time()), event.actorSubject(),
                        event.connection()});
            }
        }
        List<Object[]> rows = new ArrayList<>(chunks.size());
        for (Chunk chunk : chunks.values()) {
            rows.add(row(chunk));
        }
        batch.insert("evidence_chunk", "first_idx, last_idx, event_count, session_id, actor_subject, connection_name,"
                + " trace_id, first_time, last_time, events", CHUNK_TYPES, rows);
        batch.insert("evidence_session", "open_idx, session_id, opened_at, actor_subject, connection_name", SESSION_TYPES,
                opened);
        // After the inserts: a session may open and close in the same batch.
        List<Object[]> closes = new ArrayList<>();
        for (IndexedEvent event : events) {
            if (event.session() != null && EventType.SESSION_CLOSE.equals(event.type())) {
                closes.add(new Object[] {event.index(), event.session(), event.index()});
            }
        }
        // All closes in one statement: each open row takes the first close after its opening, as one statement per
        // close in index order would have set it (the first that matches sets close_idx, the later ones find it set).
        batch.perRow("UPDATE evidence_session SET close_idx = ? WHERE session_id = ? AND close_idx IS NULL AND open_idx < ?",
                "UPDATE evidence_session s SET close_idx = earliest.idx FROM (SELECT DISTINCT ON (o.open_idx) o.open_idx, c.idx"
                        + " FROM " + SqlBatch.unnest(CLOSE_TYPES) + " AS c (idx, session_id, after_idx)"
                        + " JOIN evidence_session o ON o.session_id = c.session_id AND o.close_idx IS NULL"
                        + " AND o.open_idx < c.after_idx ORDER BY o.open_idx, c.idx) AS earliest WHERE s.open_idx = earliest.open_idx",
                CLOSE_TYPES, closes);
    }

    private static Object[] row(Chunk chunk) {
        List<IndexedEvent> events = chunk.events;
        long first = events.getFirst().index();
        long last = events.getLast().index();
        Instant earliest = events.getFirst().time();
        Instant latest = earliest;
        for (IndexedEvent event : events) {
            earliest = event.time().isBefore(earliest) ? event.time() : earliest;
            latest = event.time().isAfter(latest) ? event.time() : latest;
        }
        byte[] indices = last - first + 1 == events.size() ? null : encode(events);
        return new Object[] {first, last, events.size(), chunk.key.session(), chunk.key.actorSubject(),
                chunk.key.connection(), chunk.key.trace(), Timestamp.from(earliest), Timestamp.from(latest), indices};
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
