package dev.tracegate.gateway.tls;

import java.io.IOException;
import java.io.InputStream;

/**
 * What the JDK's TLS record layer reads a terminated connection's bytes from: the socket's input
 * with a small read-ahead, so a short record costs one system call instead of two.
 *
 * <p>Why: {@code SSLSocketImpl} reads each record with two reads of the stream beneath it, the
 * five bytes of the record's header and then its body; on a socket each is a system call (and on a
 * virtual thread, a read that finds nothing also parks and polls). A statement's record is a few
 * hundred bytes, so the header's read takes the body with it here and the body's read is a copy.
 * A read at least as long as the buffer, with nothing buffered (the body of a large record), goes
 * to the socket directly, and a read is never made longer than one system call: what a large
 * record costs is unchanged, and nothing is asked of the socket that the record layer did not ask.
 *
 * <p>Only TLS records follow the point where this starts (the handshake's first byte), and only
 * the record layer reads them, so nothing read ahead belongs to anyone else. Closing this stream
 * leaves the socket alone: its owner closes it (the JDK closes a prefix stream at its end).
 */
final class RecordReadAhead extends InputStream {

    /** Room for a statement's record (header, body, tag) in one read; a larger one reads as it did. */
    static final int BYTES = 2 * 1024;

    private final InputStream consumed;
    private final InputStream socket;
    private byte[] buffer;
    private int position;
    private int count;
    private boolean consumedDone;

    /**
     * @param consumed bytes the gateway read before TLS began that belong to the handshake, or null
     * @param socket   the socket's input
     */
    RecordReadAhead(InputStream consumed, InputStream socket) {
        this.consumed = consumed;
        this.socket = socket;
        this.consumedDone = consumed == null;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int read = read(one, 0, 1);
        return read < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] into, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        if (!consumedDone) {
            int read = consumed.read(into, offset, length);
            if (read > 0) {
                return read;
            }
            consumedDone = true;
        }
        if (count > position) {
            return copy(into, offset, length);
        }
        if (length >= BYTES) {
            return socket.read(into, offset, length);
        }
        if (buffer == null) {
            buffer = new byte[BYTES];
        }
        int read = socket.read(buffer, 0, BYTES);
        if (read <= 0) {
            return read;
        }
        position = 0;
        count = read;
        return copy(into, offset, length);
    }

    private int copy(byte[] into, int offset, int length) {
        int n = Math.min(length, count - position);
        System.arraycopy(buffer, position, into, offset, n);
        position += n;
        return n;
    }

    /** What a read would return without waiting, as the socket's own input answers (asked only when TLS closes). */
    @Override
    public int available() throws IOException {
        int prefix = consumedDone ? 0 : consumed.available();
        return prefix + count - position + socket.available();
    }

    @Override
    public void close() {
        // The socket's owner closes the socket.
    }
}
