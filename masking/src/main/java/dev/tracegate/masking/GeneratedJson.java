package dev.tracegate.masking;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A walk's output written token by token to a {@link JsonGenerator}: the output of a stream, whose
 * input is gone by the time a token is known (a body relayed as it arrives, NDJSON). Whitespace is
 * the generator's (none, or its root value separator) and strings are escaped again by it. While a
 * record holds a value that may be a piece of another ({@link #hold}), its tokens are kept and written
 * when it closes, so a later piece can still have an earlier one replaced.
 */
final class GeneratedJson implements JsonOutput {

    /** The most tokens held for a record before they are written anyway: a stream is not held whole. */
    static final int MAX_HELD = 4096;

    private final JsonParser in;
    private final JsonGenerator out;
    /** What is kept while a record holds a possible piece ({@link #hold}), in order; null when writing through. */
    private List<Held> held;
    /** How many holds have begun: a place names its hold, so one written already is not replaced in another. */
    private long holds;

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
        if (held == null) {
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
        return held == null ? -1 : holds << 32 | held.size(); // the current value is kept next
    }

    @Override
    public void replaceAt(long place, String value) {
        if (held != null && place >>> 32 == holds) { // else written already, with the hold it was kept in
            held.set((int) place, new Held(value == null ? JsonToken.VALUE_NULL : JsonToken.VALUE_STRING, value));
        }
    }

    @Override
    public void hold() {
        if (held == null) {
            held = new ArrayList<>();
            holds++;
        }
    }

    @Override
    public void release() throws IOException {
        List<Held> kept = held;
        held = null;
        if (kept != null) {
            for (Held token : kept) {
                write(token.token(), token.text());
            }
        }
    }

    /** Writes a token, or keeps it while held; past {@link #MAX_HELD} what is held is written, and places behind it lost. */
    private void emit(JsonToken token, String text) throws IOException {
        if (held == null) {
            write(token, text);
        } else if (held.size() < MAX_HELD) {
            held.add(new Held(token, text));
        } else {
            release();
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
