package dev.tracegate.gateway.results;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
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

    /** Lines follow one another with nothing between them but the newline this class writes. */
    private static final JsonFactory JSON = new JsonFactoryBuilder().rootValueSeparator((String) null).build();

    private final int budget;
    private final BinaryCells cells;
    private final Lines out = new Lines();
    /** Writes every line of this capture straight into {@link #out}; made at the first line. */
    private JsonGenerator json;
    private long rows;
    private boolean truncated;

    /** The kept lines, which can take back a line that turned out over the budget. */
    private static final class Lines extends ByteArrayOutputStream {
        void truncate(int size) {
            count = size;
        }
    }

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
            release();
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

    /** The kept lines; the generator gives its buffers back to Jackson's pool for the next capture. */
    public byte[] bytes() {
        release();
        return out.toByteArray();
    }

    private void release() {
        if (json != null) {
            try {
                json.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            json = null;
        }
    }

    private interface JsonWriting {
        void write(JsonGenerator json) throws IOException;
    }

    /**
     * Writes one line if it fits the budget; a line that does not fit is taken back and marks the
     * capture truncated. One generator writes all of a capture's lines into the kept bytes, instead
     * of a generator and a buffer per line and a copy of each.
     */
    private boolean write(JsonWriting line) {
        int start = out.size();
        try {
            if (json == null) {
                json = JSON.createGenerator(out);
            }
            line.write(json);
            json.flush();
        } catch (IOException | RuntimeException e) {
            // A generator stopped part-way through a line cannot go on; the next line gets a new one.
            json = null;
            out.truncate(start);
            throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
        }
        if (out.size() + 1 > budget) {
            out.truncate(start);
            truncated = true;
            release();
            return false;
        }
        out.write('\n');
        return true;
    }
}
