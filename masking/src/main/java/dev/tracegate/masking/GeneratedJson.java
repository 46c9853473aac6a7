package dev.tracegate.masking;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import java.io.IOException;

/**
 * A walk's output written token by token to a {@link JsonGenerator}: the output of a stream, whose
 * input is gone by the time a token is known (a body relayed as it arrives, NDJSON). Whitespace is
 * the generator's (none, or its root value separator) and strings are escaped again by it.
 */
final class GeneratedJson implements JsonOutput {

    private final JsonParser in;
    private final JsonGenerator out;

    GeneratedJson(JsonParser in, JsonGenerator out) {
        this.in = in;
        this.out = out;
    }

    @Override
    public void startObject() throws IOException {
        out.writeStartObject();
    }

    @Override
    public void startArray() throws IOException {
        out.writeStartArray();
    }

    @Override
    public void endObject() throws IOException {
        out.writeEndObject();
    }

    @Override
    public void endArray() throws IOException {
        out.writeEndArray();
    }

    @Override
    public void name(String name) throws IOException {
        out.writeFieldName(name);
    }

    @Override
    public void replaceName(String written) throws IOException {
        out.writeFieldName(written);
    }

    @Override
    public void string(String value) throws IOException {
        out.writeString(value);
    }

    @Override
    public void number(String value) throws IOException {
        out.writeNumber(value);
    }

    @Override
    public void literal() throws IOException {
        out.copyCurrentEvent(in);
    }

    @Override
    public void replace(String value) throws IOException {
        if (value == null) {
            out.writeNull();
        } else {
            out.writeString(value);
        }
    }

    @Override
    public long place() {
        return -1; // written as it is read: a token kept cannot be taken back
    }

    @Override
    public void replaceAt(long place, String value) {
        throw new IllegalStateException("a stream's generator has written the token already");
    }

    @Override
    public void nullifyContainer() throws IOException {
        in.skipChildren();
        out.writeNull();
    }
}
