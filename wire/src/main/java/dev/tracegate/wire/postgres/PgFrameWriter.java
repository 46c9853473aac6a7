package dev.tracegate.wire.postgres;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes protocol messages. Never flushes on its own: the caller flushes once per batch, so pipelined
 * messages leave in one write. Not thread-safe (the header array is reused).
 */
public final class PgFrameWriter {

    private final OutputStream out;
    private final byte[] header = new byte[5];

    public PgFrameWriter(OutputStream out) {
        if (out == null) {
            throw new IllegalArgumentException("output stream must not be null");
        }
        this.out = out;
    }

    public void write(PgFrame frame) throws IOException {
        write(frame.type(), frame.body());
    }

    public void write(PgMessage message) throws IOException {
        write(message.encode());
    }

    public void write(byte type, byte[] body) throws IOException {
        write(type, body, 0, body.length);
    }

    public void write(byte type, byte[] body, int offset, int length) throws IOException {
        if (length > Integer.MAX_VALUE - 4) {
            throw new IllegalArgumentException("message body of " + length + " bytes cannot be framed");
        }
        header[0] = type;
        putInt(header, 1, length + 4);
        out.write(header, 0, 5);
        out.write(body, offset, length);
    }

    /** Writes an untyped first message: Int32 length including itself, then the body (request code onwards). */
    public void writeStartup(byte[] body) throws IOException {
        if (body.length > Integer.MAX_VALUE - 4) {
            throw new IllegalArgumentException("startup body of " + body.length + " bytes cannot be framed");
        }
        putInt(header, 0, body.length + 4);
        out.write(header, 0, 4);
        out.write(body);
    }

    /** Writes bytes as they are, e.g. a single 'S'/'N' SSL answer or a relayed chunk. */
    public void writeRaw(byte[] bytes) throws IOException {
        out.write(bytes);
    }

    public void flush() throws IOException {
        out.flush();
    }

    private static void putInt(byte[] target, int offset, int value) {
        target[offset] = (byte) (value >>> 24);
        target[offset + 1] = (byte) (value >>> 16);
        target[offset + 2] = (byte) (value >>> 8);
        target[offset + 3] = (byte) value;
    }
}
