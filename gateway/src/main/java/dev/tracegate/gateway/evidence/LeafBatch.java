package dev.tracegate.gateway.evidence;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * The records of one batch of the {@link LeafLog}, assembled in one buffer as each leaf is
 * encoded: index, length, the leaf's bytes and the CRC-32C of the three. A leaf is copied in once,
 * from the encoder's own kept buffer ({@link LeafEncoding#encodeInto}), so sealing a statement's
 * events makes no array per leaf. The log keeps one batch from one append to the next (appends
 * come one at a time: the log's writer holds its lock).
 */
final class LeafBatch {

    /** Index and length before each leaf; its CRC-32C after it. */
    static final int OVERHEAD = 8 + 4 + 4;

    private final CRC32C crc = new CRC32C();
    private ByteBuffer records;
    private int[] starts = new int[16];
    private int count;
    private long first;

    LeafBatch(int capacity) {
        records = ByteBuffer.allocate(capacity);
    }

    /** Empties the batch for records from index {@code first} on. */
    LeafBatch startingAt(long first) {
        records.clear();
        count = 0;
        this.first = first;
        return this;
    }

    /** Appends the record of the next leaf: the first {@code length} bytes of {@code leaf}. */
    void add(byte[] leaf, int length) {
        fit(OVERHEAD + length);
        int start = records.position();
        if (count == starts.length) {
            starts = Arrays.copyOf(starts, 2 * count);
        }
        starts[count] = start;
        records.putLong(first + count).putInt(length).put(leaf, 0, length);
        count++;
        crc.reset();
        crc.update(records.array(), start, records.position() - start);
        records.putInt((int) crc.getValue());
    }

    long first() {
        return first;
    }

    int count() {
        return count;
    }

    /** Where the {@code i}-th record starts within the batch. */
    int start(int i) {
        return starts[i];
    }

    /** The records, ready to be written (position 0, limit their end). */
    ByteBuffer records() {
        return records.duplicate().flip();
    }

    int capacity() {
        return records.capacity();
    }

    /** Room for {@code bytes} more: a larger buffer, twice as large or what the record needs, with what is there. */
    private void fit(int bytes) {
        if (records.remaining() >= bytes) {
            return;
        }
        ByteBuffer larger = ByteBuffer.allocate(Math.max(2 * records.capacity(), records.position() + bytes));
        larger.put(records.flip());
        records = larger;
    }
}
