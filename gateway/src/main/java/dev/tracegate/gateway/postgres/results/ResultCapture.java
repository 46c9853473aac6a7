package dev.tracegate.gateway.postgres.results;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.tracegate.wire.postgres.backend.RowDescription;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The result data kept as evidence for one command, as JSON Lines: a {@code {"columns": [...]}}
 * line per result set, then one array of values per row. Values are already masked when they
 * get here; binary values the gateway cannot print as text (bytea, composites) are kept as their
 * size only. Stops at a byte budget, so a million-row result costs the budget and no more.
 */
final class ResultCapture {

    private static final JsonFactory JSON = new JsonFactory();

    private final int budget;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private long rows;
    private boolean truncated;

    ResultCapture(int budget) {
        this.budget = budget;
    }

    boolean full() {
        return truncated;
    }

    void columns(RowDescription description, String[] types) {
        write(json -> {
            json.writeStartObject();
            json.writeArrayFieldStart("columns");
            for (int i = 0; i < description.columnCount(); i++) {
                json.writeStartObject();
                json.writeStringField("name", description.field(i).name());
                json.writeStringField("type", types[i] == null ? "oid " + Integer.toUnsignedString(description.field(i).typeOid()) : types[i]);
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeEndObject();
        });
    }

    /** One row as the client received it (or as masked for the record); false once the budget is spent. */
    boolean row(byte[][] values, boolean[] binary, String[] types) {
        if (truncated) {
            return false;
        }
        long estimate = 2; // a lower bound of the line's size: text values only grow as JSON
        for (int i = 0; i < values.length; i++) {
            boolean sizeOnly = values[i] != null && ("bytea".equals(types[i]) || binary[i]);
            estimate += values[i] == null || sizeOnly ? 5 : values[i].length + 3;
        }
        if (out.size() + estimate > budget) {
            truncated = true; // checked before serialising, so one huge cell costs nothing here
            return false;
        }
        boolean kept = write(json -> {
            json.writeStartArray();
            for (int i = 0; i < values.length; i++) {
                writeValue(json, values[i], i < binary.length && binary[i], i < types.length ? types[i] : null);
            }
            json.writeEndArray();
        });
        if (kept) {
            rows++;
        }
        return kept;
    }

    private static void writeValue(JsonGenerator json, byte[] value, boolean binary, String type) throws IOException {
        if (value == null) {
            json.writeNull();
        } else if ("bytea".equals(type) || binary && !BinaryCell.POSTGRES.readable(type)) {
            json.writeString("(" + value.length + " bytes)");
        } else if (binary) {
            String text = BinaryCell.POSTGRES.toText(type, value);
            json.writeString(text == null ? "(" + value.length + " bytes)" : text);
        } else {
            json.writeString(new String(value, StandardCharsets.UTF_8));
        }
    }

    long rows() {
        return rows;
    }

    boolean truncated() {
        return truncated;
    }

    boolean isEmpty() {
        return out.size() == 0;
    }

    byte[] bytes() {
        return out.toByteArray();
    }

    private interface JsonWriting {
        void write(JsonGenerator json) throws IOException;
    }

    /** Writes one line if it fits the budget; a line that does not fit marks the capture truncated. */
    private boolean write(JsonWriting line) {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        try (JsonGenerator json = JSON.createGenerator(buffer)) {
            line.write(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (out.size() + buffer.size() + 1 > budget) {
            truncated = true;
            return false;
        }
        out.writeBytes(buffer.toByteArray());
        out.write('\n');
        return true;
    }
}
