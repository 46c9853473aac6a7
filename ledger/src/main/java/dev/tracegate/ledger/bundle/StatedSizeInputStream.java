package dev.tracegate.ledger.bundle;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A zip entry's content that may not run past the size the zip's directory states for it.
 *
 * <p>Why: {@link java.util.zip.ZipFile} inflates an entry until its compressed data ends, whatever
 * size the directory states, and deflate expands up to a thousandfold: a 200 KB zip whose directory
 * says 10 bytes yields 200 MB, and a 200 MB bundle some 200 GB for the verifier to inflate and
 * hash. The stated size is what an unzip tool would write; an entry holding more is refused after
 * its stated size, not read to its end.
 */
final class StatedSizeInputStream extends FilterInputStream {
    private final String name;
    private final long stated;
    private long read;

    StatedSizeInputStream(InputStream in, String name, long stated) {
        super(in);
        this.name = name;
        this.stated = stated;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            counted(1);
        }
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        // Ask for at most one byte past the stated size, so an overrun is seen without inflating more.
        int n = super.read(buffer, offset, (int) Math.min(length, Math.max(1, stated - read + 1)));
        if (n > 0) {
            counted(n);
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        long skipped = super.skip(Math.min(n, Math.max(1, stated - read + 1)));
        counted(skipped);
        return skipped;
    }

    private void counted(long n) throws IOException {
        read += n;
        if (read > stated) {
            throw new IOException("the zip entry " + name + " inflates to more than the " + stated + " bytes the zip's directory"
                    + " states for it (a zip bomb, or a damaged zip); not read further");
        }
    }
}
