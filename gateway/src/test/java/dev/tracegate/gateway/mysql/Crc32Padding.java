package dev.tracegate.gateway.mysql;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * Pads a text so that its CRC-32 is a chosen one: what anyone who can write a routine's body can do, since a
 * CRC is linear over GF(2). The padding is a run of {@code `} characters in the text whose low four bits are
 * chosen (each becomes one of {@code `abcdefghijklmno}); the choice is one solution of 32 linear equations in
 * those bits, found by Gaussian elimination.
 */
final class Crc32Padding {

    private static final char PAD = '`';

    private Crc32Padding() {
    }

    /**
     * {@code text} with its run of {@code padding} pad characters rewritten so that the CRC-32 of
     * {@code prefix + result + suffix} is {@code target}.
     */
    static String padded(String prefix, String text, String suffix, long target, int padding) {
        String run = String.valueOf(PAD).repeat(padding);
        int at = text.indexOf(run);
        if (at < 0 || padding * 4 > 64) {
            throw new IllegalArgumentException("the text holds no run of " + padding + " pad characters");
        }
        byte[] message = (prefix + text + suffix).getBytes(StandardCharsets.US_ASCII);
        int first = prefix.length() + at;
        long base = crc(message);
        int bits = padding * 4;
        long[] columns = new long[bits];
        for (int bit = 0; bit < bits; bit++) {
            message[first + bit / 4] ^= (byte) (1 << (bit % 4));
            columns[bit] = crc(message) ^ base;
            message[first + bit / 4] ^= (byte) (1 << (bit % 4));
        }
        long chosen = solve(columns, base ^ target);
        for (int bit = 0; bit < bits; bit++) {
            if ((chosen >>> bit & 1) != 0) {
                message[first + bit / 4] ^= (byte) (1 << (bit % 4));
            }
        }
        if (crc(message) != target) {
            throw new IllegalStateException("the padding found does not give the CRC asked for");
        }
        String all = new String(message, StandardCharsets.US_ASCII);
        return all.substring(prefix.length(), all.length() - suffix.length());
    }

    /** Which columns (as bits of the result) XOR to {@code wanted}. */
    private static long solve(long[] columns, long wanted) {
        long[] rows = columns.clone();
        long[] made = new long[rows.length];
        for (int i = 0; i < rows.length; i++) {
            made[i] = 1L << i;
        }
        long rest = wanted;
        long chosen = 0;
        for (int bit = 31; bit >= 0; bit--) {
            int pivot = -1;
            for (int i = 0; i < rows.length && pivot < 0; i++) {
                if ((rows[i] >>> bit & 1) != 0 && Long.numberOfLeadingZeros(rows[i]) == 63 - bit) {
                    pivot = i;
                }
            }
            if (pivot < 0) {
                continue;
            }
            for (int i = 0; i < rows.length; i++) {
                if (i != pivot && (rows[i] >>> bit & 1) != 0) {
                    rows[i] ^= rows[pivot];
                    made[i] ^= made[pivot];
                }
            }
            if ((rest >>> bit & 1) != 0) {
                rest ^= rows[pivot];
                chosen ^= made[pivot];
            }
            rows[pivot] = 0;
        }
        if (rest != 0) {
            throw new IllegalStateException("no padding of this length reaches that CRC");
        }
        return chosen;
    }

    private static long crc(byte[] message) {
        CRC32 crc = new CRC32();
        crc.update(message);
        return crc.getValue();
    }
}
