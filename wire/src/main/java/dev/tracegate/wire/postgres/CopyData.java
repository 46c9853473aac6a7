package dev.tracegate.wire.postgres;

import java.util.Arrays;

/** CopyData ('d', both directions): a chunk of the COPY stream. Chunks need not align with rows. */
public record CopyData(byte[] data) implements PgMessage {

    public static final byte TYPE = 'd';

    public CopyData {
        if (data == null) {
            throw new IllegalArgumentException("copy data must not be null");
        }
    }

    public static CopyData decode(byte[] body) {
        return new CopyData(body);
    }

    @Override
    public PgFrame encode() {
        return new PgFrame(TYPE, data);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof CopyData that && Arrays.equals(data, that.data);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "CopyData[" + PrintableBytes.size(data) + "]";
    }
}
