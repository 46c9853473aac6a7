package dev.tracegate.ledger.report;

import java.time.Instant;
import java.util.Arrays;

/** Every event index of a bundle with its time, in index order, for lookups after a pass. */
final class EventTimes {
    private static final long NO_TIME = Long.MIN_VALUE;

    private long[] indexes = new long[1024];
    private long[] micros = new long[1024];
    private int size;

    void add(long index, Instant time) {
        if (size == indexes.length) {
            indexes = Arrays.copyOf(indexes, size * 2);
            micros = Arrays.copyOf(micros, size * 2);
        }
        indexes[size] = index;
        micros[size] = time == null ? NO_TIME : time.getEpochSecond() * 1_000_000 + time.getNano() / 1_000;
        size++;
    }

    boolean contains(long index) {
        return position(index) >= 0;
    }

    /** The event's time, or null when the bundle does not hold it or it has none. */
    Instant time(long index) {
        int at = position(index);
        if (at < 0 || micros[at] == NO_TIME) {
            return null;
        }
        return Instant.ofEpochSecond(Math.floorDiv(micros[at], 1_000_000), Math.floorMod(micros[at], 1_000_000) * 1_000L);
    }

    private int position(long index) {
        return Arrays.binarySearch(indexes, 0, size, index);
    }
}
