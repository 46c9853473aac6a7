package dev.tracegate.gateway.evidence;

import java.time.Instant;

/**
 * What the query index and the subtree hashes need of one event: everything but its leaf. This,
 * not the leaf, is what waits for the background indexer, so a backlog costs little memory.
 */
record IndexedEvent(long index, byte[] leafHash, Instant time, String type, String session, String actorSubject,
                    String connection, String trace) {

    /** Roughly what this holds on the heap, for bounding a backlog in bytes. */
    long estimatedBytes() {
        return 160 + chars(type) + chars(session) + chars(actorSubject) + chars(connection) + chars(trace);
    }

    private static long chars(String value) {
        return value == null ? 0 : 40 + value.length();
    }
}
