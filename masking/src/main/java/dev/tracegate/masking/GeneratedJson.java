package dev.tracegate.masking;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * A walk's output written token by token to a {@link JsonGenerator}: the output of a stream, whose
 * input is gone by the time a token is known (a body relayed as it arrives, NDJSON). Whitespace is
 * the generator's (none, or its root value separator) and strings are escaped again by it. While a
 * record holds a value that may be a piece of another ({@link #hold}), its tokens are kept and written
 * when it closes, so a later piece can still have an earlier one replaced.
 *
 * <p>A record's last {@value RecordPieces#MAX_VALUES} values (those it reads together) are also kept
 * until the record closes, whether or not they may be pieces: the first possible piece of a record may be the second half of a value whose first
 * half looked like nothing alone ({@code {"l": "ada.lovelace", "d": "@example.com"}}, {@code {"a":
 * "4111", "b": "1111 1111 1111"}}), and the hold that piece begins must still be able to replace the
 * value before it (until 2026-12-07 that value had been written, in clear).
 */
final class GeneratedJson implements JsonOutput {

    /** The most tokens held for a record before they are written anyway: a stream is not held whole. */
    static final int MAX_HELD = 4096;

    private final JsonParser in;
    private final JsonGenerator out;
    /**
     * What is kept, in order: while a record holds a possible piece ({@link #hold}), its tokens; else the
     * last value of the open record and the tokens after it ({@link #keeping}).
     */
    private final List<Held> held = new ArrayList<>();
    /** Whether a record holds a possible piece ({@link #hold}): nothing is written until it closes. */
    private boolean holding;
    /** Whether a record's last values, and what came after them, are kept. */
    private boolean keeping;
    /** Where each value kept while {@link #keeping} starts, as a place's index: at most {@link RecordPieces#MAX_VALUES}. */
    private final ArrayDeque<Integer> keptValues = new ArrayDeque<>();
    /** How many tokens kept in this turn have been written from the front already: a place's index less this is its position. */
    private int written;
    /** How many times what is kept has been written whole: a place names its turn, so one written already is not replaced. */
    private long holds;
    /** For each open container, whether it is an array: a container whose parent is an array, or none, is a record. */
    private final Deque<Boolean> containers = new ArrayDeque<>();

    /** One token kept: its kind, and its text (a name, a string, a number; null for a null or a bracket). */
    private record Held(JsonToken token, String text) {
    }

    GeneratedJson(JsonParser in, JsonGenerator out) {
        this.in = in;
        this.out = out;
    }

    @Override
    public void startObject() throws IOException {
        emit(JsonToken.START_OBJECT, null);
    }

    @Override
    public void startArray() throws IOException {
        emit(JsonToken.START_ARRAY, null);
    }

    @Override
    public void endObject() throws IOException {
        emit(JsonToken.END_OBJECT, null);
    }

    @Override
    public void endArray() throws IOException {
        emit(JsonToken.END_ARRAY, null);
    }

    @Override
    public void name(String name) throws IOException {
        emit(JsonToken.FIELD_NAME, name);
    }

    @Override
    public void replaceName(String written) throws IOException {
        emit(JsonToken.FIELD_NAME, written);
    }

    @Override
    public void string(String value) throws IOException {
        emit(JsonToken.VALUE_STRING, value);
    }

    @Override
    public void number(String value) throws IOException {
        emit(JsonToken.VALUE_NUMBER_INT, value);
    }

    @Override
    public void literal() throws IOException {
        if (containers.isEmpty() && !holding && !keeping) {
            out.copyCurrentEvent(in);
        } else {
            emit(in.currentToken(), null);
        }
    }

    @Override
    public void replace(String value) throws IOException {
        emit(value == null ? JsonToken.VALUE_NULL : JsonToken.VALUE_STRING, value);
    }

    @Override
    public void nullifyContainer() throws IOException {
        in.skipChildren();
        emit(JsonToken.VALUE_NULL, null);
    }

    @Override
    public long place() {
        if (containers.isEmpty()) {
            return -1; // a document that is one value: written as it comes
        }
        return holds << 32 | (written + held.size()); // the current value is kept next
    }

    @Override
    public void replaceAt(long place, String value) {
        int at = (int) place - written;
        if ((holding || keeping) && place >>> 32 == holds && at >= 0) { // else written already
            held.set(at, new Held(value == null ? JsonToken.VALUE_NULL : JsonToken.VALUE_STRING, value));
        }
    }

    @Override
    public void hold() {
        holding = true; // what is kept, the value before this one, stays kept with it
    }

    @Override
    public void release() throws IOException {
        holding = false;
        writeKept();
    }

    @Override
    public void writeBefore(long place) throws IOException {
        int count = (int) place - written;
        if (place >>> 32 == holds && count > 0 && count <= held.size()) {
            writeFront(count);
            while (!keptValues.isEmpty() && keptValues.getFirst() < written) {
                keptValues.removeFirst(); // written: no longer a place a record's values can replace
            }
        }
    }

    private void writeKept() throws IOException {
        writeFront(held.size());
        keeping = false;
        keptValues.clear();
        written = 0;
        holds++;
    }

    /** Writes the first {@code count} tokens kept; the places of the rest stay theirs. */
    private void writeFront(int count) throws IOException {
        for (int k = 0; k < count; k++) { // indexed: no iterator for the common one token
            write(held.get(k).token(), held.get(k).text());
        }
        held.subList(0, count).clear();
        written += count;
    }

    /**
     * Writes a token, or keeps it: while held, or as a record's last value and what follows it; past
     * {@link #MAX_HELD} what is kept is written, and places behind it lost.
     */
    private void emit(JsonToken token, String text) throws IOException {
        boolean recordCloses = false;
        if (token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY) {
            containers.push(token == JsonToken.START_ARRAY);
        } else if (token == JsonToken.END_OBJECT || token == JsonToken.END_ARRAY) {
            containers.pop();
            recordCloses = containers.isEmpty() || containers.peek();
        }
        if (!holding && token.isScalarValue() && !containers.isEmpty()) {
            if (keptValues.size() == RecordPieces.MAX_VALUES) {
                keptValues.removeFirst(); // beyond the values a record reads together: the oldest goes
                writeFront(keptValues.getFirst() - written);
            }
            keeping = true;
            keptValues.addLast(written + held.size());
        }
        if (!holding && !keeping) {
            write(token, text);
        } else if (held.size() < MAX_HELD) {
            held.add(new Held(token, text));
            if (recordCloses && !holding) {
                writeKept(); // a record's values are read together with each other only
            }
        } else {
            holding = false;
            writeKept();
            write(token, text);
        }
    }

    private void write(JsonToken token, String text) throws IOException {
        switch (token) {
            case START_OBJECT -> out.writeStartObject();
            case START_ARRAY -> out.writeStartArray();
            case END_OBJECT -> out.writeEndObject();
            case END_ARRAY -> out.writeEndArray();
            case FIELD_NAME -> out.writeFieldName(text);
            case VALUE_STRING -> out.writeString(text);
            case VALUE_NUMBER_INT -> out.writeNumber(text);
            case VALUE_TRUE -> out.writeBoolean(true);
            case VALUE_FALSE -> out.writeBoolean(false);
            default -> out.writeNull();
        }
    }
}
