package dev.tracegate.gateway.recording;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One session as listed: taken from its {@code session.open} and {@code session.close} events.
 *
 * @param id      session id
 * @param opened  the open event (leaf JSON)
 * @param closed  the close event, or null while the session is open
 */
public record SessionSummary(String id, JsonNode opened, JsonNode closed) {
}
