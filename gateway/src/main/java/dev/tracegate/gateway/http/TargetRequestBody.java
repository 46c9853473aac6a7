package dev.tracegate.gateway.http;

import java.io.IOException;
import java.io.OutputStream;
import org.eclipse.jetty.client.OutputStreamRequestContent;

/**
 * A request body streamed to the target by the request's own thread as it reads (and masks) it:
 * each write returns once Jetty has taken the bytes, so a large body is never held whole and no
 * other thread or queue is involved. A body that breaks on the way in (the client stops half-way,
 * trickles, or masking refuses it) is {@linkplain #abort aborted}, never ended: the target sees
 * the request fail, never a truncated body that looks complete.
 */
final class TargetRequestBody extends OutputStreamRequestContent {

    /** The target stopped taking the body (it failed, or answered and stopped reading): its answer says the rest. */
    static final class TargetStoppedReading extends IOException {
        TargetStoppedReading(IOException cause) {
            super("the target stopped reading the request body", cause);
        }
    }

    private final long length;

    /** @param length the body's length when the client declared it (sent as Content-Length), else -1 (chunked) */
    TargetRequestBody(long length) {
        super(null); // the client's own Content-Type goes through; none is invented
        this.length = length;
    }

    @Override
    public long getLength() {
        return length;
    }

    /** Where the body is written: a failure on the target's side surfaces as {@link TargetStoppedReading}. */
    OutputStream sink() {
        OutputStream delivered = getOutputStream();
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                try {
                    delivered.write(b, off, len);
                } catch (IOException e) {
                    throw new TargetStoppedReading(e);
                }
            }

            @Override
            public void flush() {
                // Each write has been delivered when it returns.
            }
        };
    }

    /** The whole body went: the target may take it as complete. */
    void end() throws IOException {
        getOutputStream().close();
    }

    /** The body broke before its end: the exchange fails and the target never sees it complete. */
    void abort(Throwable cause) {
        fail(cause);
    }
}
