package dev.tracegate.gateway.http;

import dev.tracegate.gateway.operations.CostAccounting;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Copies what passes through to a stream into a buffer, up to a budget: the part of a body the
 * evidence keeps. Writing continues untouched after the budget is spent. A body read whole before
 * it is relayed ({@link #ofWhole}) is kept as it is, without a copy.
 */
final class BodyCapture extends FilterOutputStream {

    private final int budget;
    private byte[] kept;
    private int size;
    /** Whether {@link #kept} is a whole body handed over (never written to), not a buffer of its own. */
    private final boolean borrowed;
    private long total;

    BodyCapture(OutputStream out, int budget) {
        this(out, budget, -1);
    }

    /** @param expected the body's length when known (Content-Length), else -1: the buffer starts that large */
    BodyCapture(OutputStream out, int budget, long expected) {
        super(out);
        this.budget = budget;
        // Sized once instead of doubled from 32 bytes up, a copy per doubling, on every request.
        this.kept = new byte[(int) Math.min(budget, expected >= 0 ? expected : 8 * 1024)];
        this.borrowed = false;
    }

    private BodyCapture(byte[] whole, int budget) {
        super(OutputStream.nullOutputStream());
        this.budget = budget;
        this.kept = whole;
        this.size = Math.min(budget, whole.length);
        this.total = whole.length;
        this.borrowed = true;
    }

    /**
     * The evidence's share of a body that was read whole: its first {@code budget} bytes, the
     * array itself (which nobody may change afterwards), not a copy.
     */
    static BodyCapture ofWhole(byte[] whole, int budget) {
        return new BodyCapture(whole, budget);
    }

    @Override
    public void write(int b) throws IOException {
        out.write(b);
        keep(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
        keep(b, off, len);
    }

    private void keep(byte[] b, int off, int len) {
        if (borrowed) {
            throw new IllegalStateException("a whole body's capture is complete");
        }
        total += len;
        int taken = Math.min(budget - size, len);
        if (taken > 0) {
            if (size + taken > kept.length) {
                kept = Arrays.copyOf(kept, (int) Math.min(budget, Math.max(size + taken, 2L * kept.length)));
            }
            System.arraycopy(b, off, kept, size, taken);
            size += taken;
            if (CostAccounting.ON) {
                CostAccounting.COPIES.increment();
            }
        }
    }

    /** How many bytes are kept. */
    int keptSize() {
        return size;
    }

    /** The kept share as text, decoded from the buffer without copying it out first. */
    String keptText() {
        if (CostAccounting.ON) {
            CostAccounting.COPIES.increment();
        }
        return new String(kept, 0, size, StandardCharsets.UTF_8);
    }

    /** The kept share as bytes; read-only: it may be the buffer itself. */
    byte[] kept() {
        if (size == kept.length && borrowed) {
            return kept; // a whole body nobody writes to any more
        }
        if (CostAccounting.ON) {
            CostAccounting.COPIES.increment();
        }
        return Arrays.copyOf(kept, size);
    }

    /** The buffer behind {@link #keptSize()} bytes, to read without a copy; never to be changed. */
    byte[] keptBuffer() {
        return kept;
    }

    boolean truncated() {
        return total > size;
    }

    long total() {
        return total;
    }
}
