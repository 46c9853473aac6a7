package dev.tracegate.wire.postgres.backend;

import dev.tracegate.wire.postgres.PgBodyReader;
import dev.tracegate.wire.postgres.PgBodyWriter;
import dev.tracegate.wire.postgres.PgFrame;
import dev.tracegate.wire.postgres.PgMessage;
import dev.tracegate.wire.postgres.PrintableBytes;
import dev.tracegate.wire.postgres.ProtocolException;

import java.util.Arrays;

/** FunctionCallResponse ('V'): the result of a FunctionCall; null when the function returned NULL. */
public record FunctionCallResponse(byte[] result) implements PgMessage {

    public static final byte TYPE = 'V';

    public static FunctionCallResponse decode(byte[] body) throws ProtocolException {
        PgBodyReader reader = new PgBodyReader(body, "FunctionCallResponse");
        byte[] result = reader.readNullableBytes();
        reader.expectEnd();
        return new FunctionCallResponse(result);
    }

    @Override
    public PgFrame encode() {
        int size = 4 + (result == null ? 0 : result.length);
        return new PgFrame(TYPE, new PgBodyWriter(size).nullableBytes(result).toByteArray());
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof FunctionCallResponse that && Arrays.equals(result, that.result);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(result);
    }

    @Override
    public String toString() {
        return "FunctionCallResponse[result=" + PrintableBytes.size(result) + "]";
    }
}
