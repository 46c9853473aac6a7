package dev.tracegate.wire.postgres.frontend;

import dev.tracegate.wire.postgres.PgBodyReader;
import dev.tracegate.wire.postgres.PgBodyWriter;
import dev.tracegate.wire.postgres.PgFrame;
import dev.tracegate.wire.postgres.PgMessage;
import dev.tracegate.wire.postgres.PrintableBytes;
import dev.tracegate.wire.postgres.ProtocolException;

import java.util.Arrays;
import java.util.Objects;

/**
 * SASLInitialResponse ('p'): the chosen mechanism, then Int32 length and the client-first message.
 * Length -1 (data null) means the mechanism sends no initial response.
 */
public record SaslInitialResponse(String mechanism, byte[] data) implements PgMessage {

    public static final byte TYPE = 'p';

    public SaslInitialResponse {
        Objects.requireNonNull(mechanism, "mechanism");
    }

    public static SaslInitialResponse decode(byte[] body) throws ProtocolException {
        PgBodyReader reader = new PgBodyReader(body, "SASLInitialResponse");
        String mechanism = reader.readCString();
        byte[] data = reader.readNullableBytes();
        reader.expectEnd();
        return new SaslInitialResponse(mechanism, data);
    }

    @Override
    public PgFrame encode() {
        return new PgFrame(TYPE, new PgBodyWriter().cstring(mechanism).nullableBytes(data).toByteArray());
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SaslInitialResponse that && mechanism.equals(that.mechanism)
                && Arrays.equals(data, that.data);
    }

    @Override
    public int hashCode() {
        return 31 * mechanism.hashCode() + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "SaslInitialResponse[mechanism=" + mechanism + ", data=" + PrintableBytes.REDACTED + "]";
    }
}
