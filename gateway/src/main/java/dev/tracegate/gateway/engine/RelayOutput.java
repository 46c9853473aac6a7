package dev.tracegate.gateway.engine;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;

/**
 * A relay's write buffer that starts small and grows, by doubling, to its largest size only when a
 * burst needs it.
 *
 * <p>Most sessions write little at a time (a log-in's answers, a short result), and many are idle:
 * a buffer of the largest size from the start cost every session its full size in heap and in
 * allocation, the connection storm's short sessions included. A burst larger than the buffer (rows of
 * a large result) grows it once to the largest size, after which it writes as a fixed buffer does:
 * one full TLS record per write; larger writes pass through unbuffered.
 */
public final class RelayOutput extends FilterOutputStream {

    private final int largest;
    private byte[] buffer;
    private int count;

    RelayOutput(OutputStream out, int initial, int largest) {
        super(out);
        if (initial <= 0 || initial > largest) {
            throw new IllegalArgumentException("buffer sizes " + initial + " and " + largest);
        }
        this.largest = largest;
        this.buffer = new byte[initial];
    }

    /** What the buffer holds now: grown only as far as a burst needed. */
    public int capacity() {
        return buffer.length;
    }

    @Override
    public void write(int b) throws IOException {
        if (count == buffer.length && !grow(1)) {
            flushBuffer();
        }
        buffer[count++] = (byte) b;
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        if (length >= largest) {
            // Would not fit even the largest buffer: it goes as it is, after what is already buffered.
            flushBuffer();
            out.write(bytes, offset, length);
            return;
        }
        if (length > buffer.length - count && !grow(length)) {
            flushBuffer();
        }
        System.arraycopy(bytes, offset, buffer, count, length);
        count += length;
    }

    @Override
    public void flush() throws IOException {
        flushBuffer();
        out.flush();
    }

    /** Grows the buffer (doubling, up to its largest size) until {@code length} more bytes fit; false when they cannot. */
    private boolean grow(int length) {
        if (buffer.length == largest) {
            return false;
        }
        int size = buffer.length;
        while (size < count + length && size < largest) {
            size = Math.min(largest, size * 2);
        }
        buffer = Arrays.copyOf(buffer, size);
        return count + length <= size;
    }

    private void flushBuffer() throws IOException {
        if (count > 0) {
            out.write(buffer, 0, count);
            count = 0;
        }
    }
}
