package dev.tracegate.gateway.evidence;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.tracegate.gateway.store.StoreException;
import java.io.IOException;
import java.time.Instant;

/**
 * An event's {@code time}, read from its leaf without building the whole JSON tree: exports by
 * time range read it for every event they consider. Only the top level counts; a {@code time}
 * inside {@code detail} is skipped with the rest of it.
 */
final class EventTime {

    private static final JsonFactory JSON = new JsonFactory();

    private EventTime() {
    }

    static Instant of(byte[] leaf) {
        try (JsonParser parser = JSON.createParser(leaf)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("not a JSON object");
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                if (name.equals("time") && value == JsonToken.VALUE_STRING) {
                    return Instant.parse(parser.getText());
                }
                parser.skipChildren();
            }
            throw new IOException("no time");
        } catch (IOException | RuntimeException e) {
            throw new StoreException("an evidence event has no readable time: the log may have been tampered with", e);
        }
    }
}
