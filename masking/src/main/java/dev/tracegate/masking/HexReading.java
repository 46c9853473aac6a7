package dev.tracegate.masking;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The runs of a text that are hexadecimal of readable text, decoded. PostgreSQL prints a
 * {@code bytea} as {@code \x616461406578...}, and hex is how tools dump bytes ({@code xxd -p},
 * {@code hex()} in MySQL, {@code encode(..., 'hex')}): {@code 34313131...} is a card number to
 * anyone who decodes it. A run is at least {@value #MIN_RUN} hex digits, either case, read from
 * its first digit or, with a digit over, its second ({@link #readable}); it counts only when its bytes are UTF-8 without control characters ({@link
 * DecodedRun#readable}), which a digest or a key almost never is. A card number written in decimal
 * is a hex run too; its bytes are not readable text, so it costs one short decoding.
 */
final class HexReading {

    /** Sixteen digits are eight bytes: {@code a@b.de} and two more. */
    static final int MIN_RUN = 16;

    private HexReading() {
    }

    /** The runs of {@code text} that decode to readable text, in text order. */
    static List<DecodedRun> in(String text) {
        List<DecodedRun> decoded = new ArrayList<>(1);
        int n = text.length();
        int i = 0;
        while (i < n) {
            if (!isHexDigit(text.charAt(i))) {
                i++;
                continue;
            }
            int start = i;
            while (i < n && isHexDigit(text.charAt(i))) {
                i++;
            }
            if (i - start >= MIN_RUN) {
                String read = readable(text, start, i);
                if (read != null) {
                    decoded.add(new DecodedRun(start, i, read));
                }
            }
        }
        return decoded;
    }

    /**
     * What the digits from {@code start} to {@code end} say, read from the first digit and, when
     * that is not text, from the second: a digit written before or after the hex of a text (MySQL's
     * {@code CONCAT('F', HEX(email))}, {@code CONCAT(HEX(email), 'F')}) shifts its bytes by half a
     * byte or leaves one digit over, and a person who decodes it still drops that digit.
     */
    private static String readable(String text, int start, int end) {
        String read = DecodedRun.readable(HexFormat.of().parseHex(text, start, start + (end - start) / 2 * 2));
        if (read != null || end - start - 1 < MIN_RUN) {
            return read;
        }
        return DecodedRun.readable(HexFormat.of().parseHex(text, start + 1, start + 1 + (end - start - 1) / 2 * 2));
    }

    static boolean isHexDigit(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }
}
