package dev.tracegate.ledger.bundle;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/** Reads newline-terminated lines as raw bytes, without decoding, so hashes cover exact bytes. */
public final class LineReader {
    private final InputStream in;
    private final int maxLineLength;
    private byte[] buffer = new byte[1 << 16];
    private int start;
    private int end;
    private boolean lastLineUnterminated;
    private long lineNumber;

    public LineReader(InputStream in, int maxLineLength) {
        this.in = in;
        this.maxLineLength = maxLineLength;
    }

    /** The next line without its newline, or null at the end of the input. */
    public byte[] next() throws IOException {
        int scanned = 0; // bytes after `start` known to hold no newline; fill() may move `start`
        while (true) {
            for (int i = start + scanned; i < end; i++) {
                if (buffer[i] == '\n') {
                    byte[] line = Arrays.copyOfRange(buffer, start, i);
                    start = i + 1;
                    lineNumber++;
                    return line;
                }
            }
            scanned = end - start;
            if (!fill()) {
                if (start == end) {
                    return null;
                }
                byte[] line = Arrays.copyOfRange(buffer, start, end);
                start = end;
                lineNumber++;
                lastLineUnterminated = true;
                return line;
            }
        }
    }

    /** True if the line just returned ended the input without a newline (a truncated file). */
    public boolean lastLineUnterminated() {
        return lastLineUnterminated;
    }

    public long lineNumber() {
        return lineNumber;
    }

    private boolean fill() throws IOException {
        if (start > 0) {
            System.arraycopy(buffer, start, buffer, 0, end - start);
            end -= start;
            start = 0;
        }
        if (end == buffer.length) {
            if (buffer.length >= maxLineLength) {
                throw new IOException("line " + (lineNumber + 1) + " is longer than " + maxLineLength + " bytes");
            }
            buffer = Arrays.copyOf(buffer, Math.min(buffer.length * 2, maxLineLength));
        }
        int n = in.read(buffer, end, buffer.length - end);
        if (n <= 0) {
            return false;
        }
        end += n;
        return true;
    }
}
