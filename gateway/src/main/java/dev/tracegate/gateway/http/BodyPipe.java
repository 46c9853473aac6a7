package dev.tracegate.gateway.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Carries a body rewritten on one thread (the masker) to the thread that sends it upstream, a
 * few chunks at a time, so a large body never sits whole in memory. A failure on the writing
 * side (masking refused the body) reaches the reader as an IOException, never as a clean end:
 * a truncated body must not look complete to the target.
 */
final class BodyPipe {

    private static final int CHUNKS = 16;
    private static final byte[] END = new byte[0];

    private final BlockingQueue<byte[]> chunks = new ArrayBlockingQueue<>(CHUNKS);
    private volatile Exception failure;
    private volatile boolean abandoned;

    /** Where the masker writes; close it to end the body. */
    OutputStream sink() {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                if (len > 0) {
                    put(Arrays.copyOfRange(b, off, off + len));
                }
            }

            @Override
            public void close() throws IOException {
                put(END);
            }
        };
    }

    /** What the sender reads. */
    InputStream source() {
        return new InputStream() {
            private byte[] current = new byte[0];
            private int position;
            private boolean ended;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                while (position == current.length) {
                    if (ended) {
                        return -1;
                    }
                    current = take();
                    position = 0;
                    if (current == END) {
                        ended = true;
                        if (failure != null) {
                            throw new IOException("the body was refused while streaming", failure);
                        }
                        return -1;
                    }
                }
                int n = Math.min(len, current.length - position);
                System.arraycopy(current, position, b, off, n);
                position += n;
                return n;
            }
        };
    }

    /** The writer failed: the reader gets an error at the end of what was written. */
    void fail(Exception cause) {
        failure = cause;
        chunks.offer(END);
    }

    Exception failure() {
        return failure;
    }

    /** The reader is gone (the target answered or failed early): the writer stops. */
    void abandon() {
        abandoned = true;
        chunks.clear();
    }

    private void put(byte[] chunk) throws IOException {
        try {
            while (!chunks.offer(chunk, 200, TimeUnit.MILLISECONDS)) {
                if (abandoned) {
                    throw new IOException("the target stopped reading the body");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while streaming a body");
        }
    }

    private byte[] take() throws IOException {
        try {
            return chunks.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while streaming a body");
        }
    }
}
