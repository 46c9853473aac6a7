package dev.tracegate.gateway.http;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.TimeUnit;

/**
 * A request body that must arrive at least {@code bytesPerSecond} fast, measured over the time the
 * gateway spent waiting for it (not while the gateway was busy elsewhere, e.g. waiting for the
 * target to take what it already sent). A client that trickles its body holds a connection and a
 * target connection for as long as it likes otherwise; Jetty's own minimum rate applies to servlet
 * reads only, and the HTTP gateway reads bodies through Jetty's core API. The first
 * {@value #GRACE_SECONDS} s of waiting are free, so a pause at the start is no fault.
 */
final class MinimumRateInputStream extends FilterInputStream {

    static final long GRACE_SECONDS = 2;
    private static final long GRACE_NANOS = TimeUnit.SECONDS.toNanos(GRACE_SECONDS);

    private final long bytesPerSecond;
    private long waitedNanos;
    private long bytes;

    MinimumRateInputStream(InputStream body, long bytesPerSecond) {
        super(body);
        this.bytesPerSecond = bytesPerSecond;
    }

    @Override
    public int read() throws IOException {
        long start = System.nanoTime();
        int b = super.read();
        counted(start, b < 0 ? 0 : 1);
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        long start = System.nanoTime();
        int n = super.read(buffer, offset, length);
        counted(start, Math.max(n, 0));
        return n;
    }

    private void counted(long start, int read) throws IOException {
        waitedNanos += System.nanoTime() - start;
        bytes += read;
        if (waitedNanos > GRACE_NANOS && bytes * 1_000_000_000.0 / waitedNanos < bytesPerSecond) {
            throw new SlowRequestBodyException(bytesPerSecond);
        }
    }

    /** The body came slower than the listener's {@code minRequestBytesPerSecond}. */
    static final class SlowRequestBodyException extends IOException {
        SlowRequestBodyException(long bytesPerSecond) {
            super("the request body arrived slower than " + bytesPerSecond
                    + " bytes per second (listeners.http.httpLimits.minRequestBytesPerSecond)");
        }
    }
}
