package dev.tracegate.wire.postgres;

import java.util.Arrays;

/**
 * One typed message as it travels: the type byte and the body, without the length word (the length is
 * derived from the body when written).
 */
public record PgFrame(byte type, byte[] body) {

    private static final int HEADER_BYTES = 5;

    public PgFrame {
        if (body == null) {
            throw new IllegalArgumentException("frame body must not be null");
        }
        if (body.length > Integer.MAX_VALUE - HEADER_BYTES) {
            throw new IllegalArgumentException("frame body of " + body.length + " bytes cannot be framed");
        }
    }

    /** Bytes this frame occupies on the wire: type byte, length word, body. */
    public int wireLength() {
        return HEADER_BYTES + body.length;
    }

    /** The type byte as a character, for logs and switches. */
    public char typeChar() {
        return (char) (type & 0xFF);
    }

    /** The frame exactly as it goes on the wire. */
    public byte[] toWireBytes() {
        byte[] wire = new byte[wireLength()];
        wire[0] = type;
        int length = body.length + 4;
        wire[1] = (byte) (length >>> 24);
        wire[2] = (byte) (length >>> 16);
        wire[3] = (byte) (length >>> 8);
        wire[4] = (byte) length;
        System.arraycopy(body, 0, wire, HEADER_BYTES, body.length);
        return wire;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof PgFrame that && type == that.type && Arrays.equals(body, that.body);
    }

    @Override
    public int hashCode() {
        return 31 * type + Arrays.hashCode(body);
    }

    @Override
    public String toString() {
        return "PgFrame['" + PrintableBytes.typeName(type) + "', " + body.length + " bytes]";
    }
}
