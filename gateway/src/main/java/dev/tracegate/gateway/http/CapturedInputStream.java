package dev.tracegate.gateway.http;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A client's request body as the target reads it, with every byte read also written to a
 * {@link BodyCapture}: the evidence keeps its share of what actually went upstream.
 */
final class CapturedInputStream extends FilterInputStream {

    private final BodyCapture capture;

    CapturedInputStream(InputStream in, BodyCapture capture) {
        super(in);
        this.capture = capture;
    }

    @Override
    public int read() throws IOException {
        int b = in.read();
        if (b >= 0) {
            capture.write(b);
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = in.read(b, off, len);
        if (n > 0) {
            capture.write(b, off, n);
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        // Skipped bytes would go upstream uncaptured; the HTTP client never skips, so none may be.
        return 0;
    }

    @Override
    public boolean markSupported() {
        return false;
    }
}
