package dev.tracegate.masking;

import java.util.Arrays;

/**
 * The values one JSON walk found clean (the content detectors found nothing in them), by their
 * characters: a repeat ({@code "paid"}, {@code "EUR"}, a note every record carries) is recognised
 * in the parser's own buffer, before a {@code String} is made of it, and written without another
 * scan. Exact: a value is only ever taken for one with the very same characters, and only answers
 * without a find are kept, so a value with something in it is scanned, masked and counted every
 * time.
 *
 * <p>Bounded by the number of values and their length; past the bound values are scanned as
 * before. The characters live in one array per walk, allocated when the first value is kept and
 * grown as values come, instead of a string, a node and a table entry per value. Not thread-safe:
 * one belongs to one walk.
 */
final class CleanValues {

    private final int maxValues;
    private final int maxChars;
    /** The kept values' characters, one after another. */
    private char[] chars;
    private int used;
    /** Per kept value: where its characters start in {@link #chars}, their length and their hash. */
    private int[] starts;
    private int[] lengths;
    private int[] hashes;
    private int size;
    /** Open addressing: a kept value's index plus one, 0 for a free slot; a power of two at least twice {@link #size}. */
    private int[] slots;

    /**
     * @param maxValues how many values are kept at most
     * @param maxChars  the longest value kept
     */
    CleanValues(int maxValues, int maxChars) {
        this.maxValues = maxValues;
        this.maxChars = maxChars;
    }

    /** Whether {@code text[offset, offset + length)} is a value kept as clean. */
    boolean contains(char[] text, int offset, int length) {
        if (size == 0 || length > maxChars) {
            return false;
        }
        int hash = hash(text, offset, length);
        int mask = slots.length - 1;
        for (int slot = spread(hash) & mask; slots[slot] != 0; slot = (slot + 1) & mask) {
            int value = slots[slot] - 1;
            if (hashes[value] == hash && lengths[value] == length
                    && Arrays.equals(chars, starts[value], starts[value] + length, text, offset, offset + length)) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code value} is kept as clean. */
    boolean contains(String value) {
        int length = value.length();
        if (size == 0 || length > maxChars) {
            return false;
        }
        int hash = value.hashCode(); // the same polynomial as hash(char[], int, int)
        int mask = slots.length - 1;
        for (int slot = spread(hash) & mask; slots[slot] != 0; slot = (slot + 1) & mask) {
            int kept = slots[slot] - 1;
            if (hashes[kept] == hash && lengths[kept] == length && equal(kept, value)) {
                return true;
            }
        }
        return false;
    }

    private boolean equal(int kept, String value) {
        int start = starts[kept];
        for (int i = 0; i < value.length(); i++) {
            if (chars[start + i] != value.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** Keeps {@code value}, which the detectors found clean, unless it is too long or the set is full. */
    void add(String value) {
        int length = value.length();
        if (length > maxChars || size >= maxValues) {
            return;
        }
        if (slots == null) {
            slots = new int[16];
            starts = new int[8];
            lengths = new int[8];
            hashes = new int[8];
            chars = new char[Math.max(256, length)];
        }
        if (used + length > chars.length) {
            chars = Arrays.copyOf(chars, Math.max(chars.length * 2, used + length));
        }
        value.getChars(0, length, chars, used);
        int hash = hash(chars, used, length);
        if (contains(chars, used, length)) {
            return;
        }
        if (size == starts.length) {
            starts = Arrays.copyOf(starts, size * 2);
            lengths = Arrays.copyOf(lengths, size * 2);
            hashes = Arrays.copyOf(hashes, size * 2);
        }
        starts[size] = used;
        lengths[size] = length;
        hashes[size] = hash;
        used += length;
        size++;
        if (size * 2 > slots.length) {
            slots = new int[slots.length * 2];
            for (int kept = 0; kept < size; kept++) {
                place(kept);
            }
        } else {
            place(size - 1);
        }
    }

    private void place(int value) {
        int mask = slots.length - 1;
        int slot = spread(hashes[value]) & mask;
        while (slots[slot] != 0) {
            slot = (slot + 1) & mask;
        }
        slots[slot] = value + 1;
    }

    private static int hash(char[] text, int offset, int length) {
        int hash = 0;
        for (int i = offset; i < offset + length; i++) {
            hash = 31 * hash + text[i];
        }
        return hash;
    }

    private static int spread(int hash) {
        return hash ^ (hash >>> 16);
    }
}
