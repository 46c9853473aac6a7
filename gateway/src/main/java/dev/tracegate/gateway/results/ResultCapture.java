package dev.tracegate.gateway.results;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The result data kept as evidence for one command, as JSON Lines: a {@code {"columns": [...]}}
 * line per result set, then one array of values per row. Values are already masked when they
 * get here; values the gateway cannot print as text (the protocol's {@link BinaryCells#opaque}
 * types such as bytea and blobs, binary cells it cannot read) are kept as their size only. Stops
 * at a byte budget, so a million-row result costs the budget and no more. The same for every
 * protocol with rows and columns.
 */
public final class ResultCapture {

    private static final JsonFactory JSON = new JsonFactory();

    private final int budget;
    private final BinaryCells cells;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private long rows;
    private boolean truncated;

    public ResultCapture(int budget, BinaryCells cells) {
        this.budget = budget;
        this.cells = cells;
    }

    public boolean full() {
        return truncated;
    }

    /** A result set begins: its columns' names and type names. */
    public void columns(String[] names, String[] types) {
        write(json -> {
            json.writeStartObject();
            json.writeArrayFieldStart("columns");
            for (int i = 0; i < names.length; i++) {
                json.writeStartObject();
                json.writeStringField("name", names[i]);
                json.writeStringField("type", types[i]);
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeEndObject();
        });
    }

    /** One row as the client received it (or as masked for the record); false once the budget is spent. */
    public boolean row(byte[][] values, boolean[] binary, String[] types) {
        if (truncated) {
            return false;
        }
        long estimate = 2; // a lower bound of the line's size: text values only grow as JSON
        for (int i = 0; i < values.length; i++) {
            boolean sizeOnly = values[i] != null && (cells.opaque(types[i]) || binary[i]);
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

    private void writeValue(JsonGenerator json, byte[] value, boolean binary, String type) throws IOException {
        if (value == null) {
            json.writeNull();
        } else if (cells.opaque(type) || binary && !cells.readable(type)) {
            json.writeString("(" + value.length + " bytes)");
        } else if (binary) {
            String text = cells.toText(type, value);
            json.writeString(text == null ? "(" + value.length + " bytes)" : text);
        } else {
            json.writeString(new String(value, StandardCharsets.UTF_8));
        }
    }

    public long rows() {
        return rows;
    }

    public boolean truncated() {
        return truncated;
    }

    public boolean isEmpty() {
        return out.size() == 0;
    }

    public byte[] bytes() {
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
