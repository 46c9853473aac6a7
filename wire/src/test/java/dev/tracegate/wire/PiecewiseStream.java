package dev.tracegate.wire;

import java.io.InputStream;

/**
 * A stream for the readers' fuzz tests: hands out at most {@code pieceBytes} per read, as a socket
 * does, and counts what it handed out.
 */
public final class PiecewiseStream extends InputStream {
    private final byte[] bytes;
    private final int pieceBytes;
    private int position;

    public PiecewiseStream(byte[] bytes, int pieceBytes) {
        this.bytes = bytes;
        this.pieceBytes = pieceBytes;
    }

    /** How many bytes were read so far. */
    public int consumed() {
        return position;
    }

    @Override
    public int read() {
        return position < bytes.length ? bytes[position++] & 0xFF : -1;
    }

    @Override
    public int read(byte[] target, int offset, int length) {
        if (length == 0) {
            return 0;
        }
        if (position >= bytes.length) {
            return -1;
        }
        int n = Math.min(Math.min(length, pieceBytes), bytes.length - position);
        System.arraycopy(bytes, position, target, offset, n);
        position += n;
        return n;
    }
}
