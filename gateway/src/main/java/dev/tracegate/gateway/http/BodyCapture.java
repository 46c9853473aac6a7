package dev.tracegate.gateway.http;

import dev.tracegate.gateway.operations.CostAccounting;
import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Copies what passes through to a stream into a buffer, up to a budget: the part of a body the
 * evidence keeps. Writing continues untouched after the budget is spent.
 */
final class BodyCapture extends FilterOutputStream {

    private final int budget;
    private final ByteArrayOutputStream kept;
    private long total;

    BodyCapture(OutputStream out, int budget) {
        this(out, budget, -1);
    }

    /** @param expected the body's length when known (Content-Length), else -1: the buffer starts that large */
    BodyCapture(OutputStream out, int budget, long expected) {
        super(out);
        this.budget = budget;
        // Sized once instead of doubled from 32 bytes up, a copy per doubling, on every request.
        this.kept = new ByteArrayOutputStream((int) Math.min(budget, expected >= 0 ? expected : 8 * 1024));
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
        total += len;
        int room = budget - kept.size();
        if (room > 0) {
            kept.write(b, off, Math.min(room, len));
            if (CostAccounting.ON) {
                CostAccounting.COPIES.increment();
            }
        }
    }

    /** How many bytes are kept. */
    int keptSize() {
        return kept.size();
    }

    /** The kept share as text, decoded from the buffer without copying it out first. */
    String keptText() {
        if (CostAccounting.ON) {
            CostAccounting.COPIES.increment();
        }
        return kept.toString(StandardCharsets.UTF_8);
    }

    byte[] kept() {
        if (CostAccounting.ON) {
            CostAccounting.COPIES.increment();
        }
        return kept.toByteArray();
    }

    boolean truncated() {
        return total > kept.size();
    }

    long total() {
        return total;
    }
}
