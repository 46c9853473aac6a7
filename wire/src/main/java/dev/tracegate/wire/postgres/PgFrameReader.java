package dev.tracegate.wire.postgres;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Splits a stream into protocol messages. Not thread-safe; one reader per direction of a connection.
 *
 * <p>The length word comes from the peer, so it is never trusted for allocation: a body is read into a
 * buffer that starts small and doubles only as bytes actually arrive. A peer that claims 2 GB and sends
 * nothing costs {@value #FIRST_CHUNK_BYTES} bytes, not 2 GB.
 *
 * <p>The reader adds no buffering of its own; pass a {@link java.io.BufferedInputStream}.
 */
public final class PgFrameReader {

    /** PostgreSQL's own limit on the first, untyped message (MAX_STARTUP_PACKET_LENGTH). */
    public static final int MAX_STARTUP_BODY_BYTES = 10_000;

    static final int FIRST_CHUNK_BYTES = 64 * 1024;

    private final InputStream in;
    private final int maxMessageBytes;
    private final byte[] lengthWord = new byte[4];

    /** @param maxMessageBytes largest body accepted, excluding type byte and length word */
    public PgFrameReader(InputStream in, int maxMessageBytes) {
        if (in == null) {
            throw new IllegalArgumentException("input stream must not be null");
        }
        if (maxMessageBytes < 0) {
            throw new IllegalArgumentException("negative message limit " + maxMessageBytes);
        }
        this.in = in;
        this.maxMessageBytes = maxMessageBytes;
    }

    /**
     * Reads the untyped first message of a connection (StartupMessage, SSLRequest, GSSENCRequest or
     * CancelRequest): Int32 length including itself, then the body, which starts with the request code.
     *
     * @return the body (request code onwards), or null if the stream ended cleanly before its first byte
     */
    public byte[] readStartupBody() throws IOException {
        int first = in.read();
        if (first < 0) {
            return null;
        }
        lengthWord[0] = (byte) first;
        if (!readFully(lengthWord, 1, 3)) {
            throw new EOFException("stream ended inside the startup packet length");
        }
        int length = toInt(lengthWord);
        // Same bounds as the server: the body must at least hold the request code.
        if (length < 8 || length - 4 > MAX_STARTUP_BODY_BYTES) {
            throw new ProtocolException("invalid startup packet length " + length + ", expected 8 to "
                    + (MAX_STARTUP_BODY_BYTES + 4));
        }
        byte[] body = readBody(length - 4);
        if (body == null) {
            throw new EOFException("stream ended inside the startup packet");
        }
        return body;
    }

    /**
     * Reads one byte outside message framing, such as the server's 'S' or 'N' answer to SSLRequest.
     *
     * @return the byte as 0..255, or -1 at end of stream
     */
    public int readSingleByte() throws IOException {
        return in.read();
    }

    /**
     * Reads the next typed message.
     *
     * @return the frame, or null if the stream ended cleanly between messages
     * @throws ProtocolException if the length is below 4 or the body exceeds the limit
     * @throws EOFException      if the stream ends inside a message
     */
    public PgFrame read() throws IOException {
        int type = in.read();
        if (type < 0) {
            return null;
        }
        if (!readFully(lengthWord, 0, 4)) {
            throw new EOFException("stream ended inside the length of " + describe(type));
        }
        int length = toInt(lengthWord);
        if (length < 4) {
            throw new ProtocolException(describe(type) + " has invalid length " + length + " (minimum 4)");
        }
        if (length - 4 > maxMessageBytes) {
            throw new ProtocolException(describe(type) + " length " + length + " exceeds limit " + maxMessageBytes);
        }
        byte[] body = readBody(length - 4);
        if (body == null) {
            throw new EOFException("stream ended inside " + describe(type) + " of length " + length);
        }
        return new PgFrame((byte) type, body);
    }

    /** @return the body, or null if the stream ended first */
    private byte[] readBody(int bodyLength) throws IOException {
        byte[] body = new byte[Math.min(bodyLength, FIRST_CHUNK_BYTES)];
        int filled = 0;
        while (true) {
            if (!readFully(body, filled, body.length - filled)) {
                return null;
            }
            filled = body.length;
            if (filled == bodyLength) {
                return body;
            }
            // The buffer is full and the peer has proved it sends data: grow, never past the claimed length.
            long doubled = (long) body.length * 2;
            body = Arrays.copyOf(body, (int) Math.min(doubled, bodyLength));
        }
    }

    private boolean readFully(byte[] target, int offset, int length) throws IOException {
        return in.readNBytes(target, offset, length) == length;
    }

    private static String describe(int type) {
        return "message '" + PrintableBytes.typeName((byte) type) + "'";
    }

    private static int toInt(byte[] word) {
        return ((word[0] & 0xFF) << 24) | ((word[1] & 0xFF) << 16) | ((word[2] & 0xFF) << 8) | (word[3] & 0xFF);
    }
}
