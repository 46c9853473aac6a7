package dev.tracegate.wire.postgres.backend;

import dev.tracegate.wire.postgres.PgBodyReader;
import dev.tracegate.wire.postgres.PgFrame;
import dev.tracegate.wire.postgres.PgMessage;
import dev.tracegate.wire.postgres.ProtocolException;

import java.util.Arrays;
import java.util.Objects;

/**
 * CopyOutResponse ('H'): COPY TO STDOUT data follows in CopyData messages. {@code overallFormat} is 0 for text or CSV rows and 1 for binary; a text copy has all column
 * formats 0.
 */
public record CopyOutResponse(byte overallFormat, short[] columnFormats) implements PgMessage {

    public static final byte TYPE = 'H';

    public CopyOutResponse {
        Objects.requireNonNull(columnFormats, "columnFormats");
    }

    public static CopyOutResponse decode(byte[] body) throws ProtocolException {
        PgBodyReader reader = CopyResponseBody.open(body, "CopyOutResponse");
        byte overallFormat = reader.readByte();
        return new CopyOutResponse(overallFormat, CopyResponseBody.readColumnFormats(reader));
    }

    public boolean isBinary() {
        return overallFormat == 1;
    }

    @Override
    public PgFrame encode() {
        return new PgFrame(TYPE, CopyResponseBody.encode(overallFormat, columnFormats));
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof CopyOutResponse that && overallFormat == that.overallFormat
                && Arrays.equals(columnFormats, that.columnFormats);
    }

    @Override
    public int hashCode() {
        return 31 * overallFormat + Arrays.hashCode(columnFormats);
    }

    @Override
    public String toString() {
        return "CopyOutResponse[overallFormat=" + overallFormat + ", columnFormats=" + Arrays.toString(columnFormats) + "]";
    }
}
