package dev.tracegate.wire.postgres.frontend;

import dev.tracegate.wire.postgres.PgFrame;
import dev.tracegate.wire.postgres.PgMessage;
import dev.tracegate.wire.postgres.PrintableBytes;

import java.util.Arrays;

/** SASLResponse ('p'): the next client message of the SASL exchange; the whole body is mechanism data. */
public record SaslResponse(byte[] data) implements PgMessage {

    public static final byte TYPE = 'p';

    public SaslResponse {
        if (data == null) {
            throw new IllegalArgumentException("SASL data must not be null");
        }
    }

    public static SaslResponse decode(byte[] body) {
        return new SaslResponse(body);
    }

    @Override
    public PgFrame encode() {
        return new PgFrame(TYPE, data);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SaslResponse that && Arrays.equals(data, that.data);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "SaslResponse[data=" + PrintableBytes.REDACTED + "]";
    }
}
