package dev.tracegate.gateway.evidence;

/** A session as the query index knows it: where its {@code session.open} and {@code session.close} are (-1: still open). */
public record SessionRow(long openIndex, long closeIndex) {
}
