package dev.tracegate.gateway.evidence;

import java.time.Instant;

/**
 * Which sessions to list from the query index, newest first; null fields mean any.
 *
 * @param actorSubject opened by this subject
 * @param connection   on this connection
 * @param from         opened at or after
 * @param to           opened before
 * @param trace        with at least one event of this trace
 * @param open         true: still open, false: closed, null: either
 */
public record SessionSelection(String actorSubject, String connection, Instant from, Instant to, String trace,
                               Boolean open) {
}
