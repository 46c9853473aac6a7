package dev.tracegate.wire.postgres;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads the fields of one message body in order. Every read checks the bytes left first, so a short or
 * lying body ends in a {@link ProtocolException} ("truncated Int32 in Bind"), never an index error.
 * Integers are big-endian (network order), as everywhere in the protocol.
 */
public final class PgBodyReader {

    private final byte[] body;
    private final String messageName;
    private int position;

    public PgBodyReader(byte[] body) {
        this(body, null);
    }

    /** @param messageName named in error messages, e.g. "Bind" */
    public PgBodyReader(byte[] body, String messageName) {
        if (body == null) {
            throw new IllegalArgumentException("body must not be null");
        }
        this.body = body;
        this.messageName = messageName;
    }

    public int remaining() {
        return body.length - position;
    }

    public int position() {
        return position;
    }

    public byte readByte() throws ProtocolException {
        require(1, "Byte1");
        return body[position++];
    }

    public short readInt16() throws ProtocolException {
        require(2, "Int16");
        short value = (short) (((body[position] & 0xFF) << 8) | (body[position + 1] & 0xFF));
        position += 2;
        return value;
    }

    /**
     * An Int16 used as a count. The server reads counts as unsigned ({@code pq_getmsgint}), so a Bind may
     * carry up to 65535 parameters.
     */
    public int readUInt16() throws ProtocolException {
        return readInt16() & 0xFFFF;
    }

    public int readInt32() throws ProtocolException {
        require(4, "Int32");
        int value = ((body[position] & 0xFF) << 24)
                | ((body[position + 1] & 0xFF) << 16)
                | ((body[position + 2] & 0xFF) << 8)
                | (body[position + 3] & 0xFF);
        position += 4;
        return value;
    }

    /** A NUL-terminated string, decoded as UTF-8; the terminator is consumed and not returned. */
    public String readCString() throws ProtocolException {
        int end = indexOfNul();
        String value = new String(body, position, end - position, StandardCharsets.UTF_8);
        position = end + 1;
        return value;
    }

    /** A NUL-terminated string as raw bytes, for text whose encoding is not UTF-8. */
    public byte[] readCStringBytes() throws ProtocolException {
        int end = indexOfNul();
        byte[] value = Arrays.copyOfRange(body, position, end);
        position = end + 1;
        return value;
    }

    public byte[] readBytes(int n) throws ProtocolException {
        if (n < 0) {
            throw new ProtocolException("invalid byte count " + n + where());
        }
        require(n, "Byte" + n);
        byte[] value = Arrays.copyOfRange(body, position, position + n);
        position += n;
        return value;
    }

    /** A value preceded by its Int32 length, where length -1 stands for NULL (returned as null). */
    public byte[] readNullableBytes() throws ProtocolException {
        int length = readInt32();
        if (length == -1) {
            return null;
        }
        if (length < 0) {
            throw new ProtocolException("invalid value length " + length + where());
        }
        return readBytes(length);
    }

    public byte[] readRemaining() {
        byte[] value = Arrays.copyOfRange(body, position, body.length);
        position = body.length;
        return value;
    }

    /**
     * Checks that a count read from the body can be satisfied by the bytes left, before anything is
     * allocated for it.
     */
    public void requireElements(int count, int minimumBytesEach, String what) throws ProtocolException {
        if ((long) count * minimumBytesEach > remaining()) {
            throw new ProtocolException("truncated " + what + where() + ": " + count + " declared, "
                    + remaining() + " bytes left");
        }
    }

    /** Rejects bytes after the last documented field, as the server does. */
    public void expectEnd() throws ProtocolException {
        if (remaining() != 0) {
            throw new ProtocolException(remaining() + " unexpected trailing bytes" + where());
        }
    }

    private int indexOfNul() throws ProtocolException {
        for (int i = position; i < body.length; i++) {
            if (body[i] == 0) {
                return i;
            }
        }
        throw new ProtocolException("truncated String" + where() + " (no NUL terminator)");
    }

    private void require(int n, String what) throws ProtocolException {
        if (n > remaining()) {
            throw new ProtocolException("truncated " + what + where() + ": need " + n + " bytes, "
                    + remaining() + " left");
        }
    }

    private String where() {
        return messageName == null ? "" : " in " + messageName;
    }
}
