package dev.tracegate.masking;

import java.util.ArrayList;
import java.util.List;

/**
 * The runs of a text written out one unit at a time with the same separator between the units,
 * read joined. A value's characters: {@code a d a . l o v e l a c e @ e x a m p l e . c o m},
 * {@code a-d-a-.-l-...}, one per line, what {@code regexp_replace(email, '(.)', '\1 ', 'g')} or
 * {@code array_to_string(regexp_split_to_array(email, ''), ',')} make of it. Its bytes: in hex
 * ({@code 61 64 61 2e ...}, {@code 61:64:61:...}, {@code 0x61, 0x64, ...}, {@code \x61\x64...}) or
 * in decimal ({@code 97,100,97,46,...}, {@code {52,49,49,49,...}}), what {@code xxd}, a byte array a
 * program prints or {@code ascii()} of each character show. A reader joins or decodes them at a
 * glance; the detectors, which read values written whole, would not.
 *
 * <p>A run has at least {@value #MIN_UNITS} units and one separator of one to
 * {@value #MAX_SEPARATOR} characters, repeated exactly. A run of two-digit numbers is read both as
 * hex and as decimal bytes (a card's digits are 48 to 57 in decimal). Runs of single characters
 * that are all digits are left to the number detectors, which read digits spaced out already and
 * know a column of flags from a card. What a run decodes to counts only when it is text
 * ({@link DecodedRun#readable}) and a detector finds something in it, so a list of small numbers or
 * a spaced-out heading costs a short decoding and masks nothing.
 */
final class SpacedOutReading {

    /** Eight units: an address as short as {@code jo@ex.io}. */
    static final int MIN_UNITS = 8;
    private static final int MAX_SEPARATOR = 3;

    private SpacedOutReading() {
    }

    /** The runs of {@code text} written out unit by unit, joined or decoded, in text order of their kind. */
    static List<DecodedRun> in(String text) {
        List<DecodedRun> runs = new ArrayList<>(0);
        characters(text, runs);
        bytes(text, runs);
        return runs;
    }

    // ---- one character at a time ----

    private static void characters(String text, List<DecodedRun> runs) {
        int n = text.length();
        int i = 0;
        while (i + 2 * MIN_UNITS - 1 <= n) {
            // The common case is told in two reads: a unit is followed by a separator only at a
            // word's end, and a run needs more than that (below) only after a one-letter word.
            if (!isSeparator(text.charAt(i + 1)) || !isUnit(text.charAt(i))
                    || i > 0 && Character.isLetterOrDigit(text.charAt(i - 1))) {
                i++; // no unit here, or a word's last character
                continue;
            }
            int stride = 0;
            int end = -1;
            for (int length = 1; length <= MAX_SEPARATOR && i + 1 + length < n && isSeparator(text.charAt(i + length)); length++) {
                int candidate = runEnd(text, i, length);
                if (candidate > end) {
                    end = candidate;
                    stride = length + 1;
                }
            }
            if (end < 0) {
                i++;
                continue;
            }
            StringBuilder joined = new StringBuilder((end - i) / stride + 1);
            for (int unit = i; unit < end; unit += stride) {
                joined.append(text.charAt(unit));
            }
            runs.add(new DecodedRun(i, end, joined.toString()));
            i = end;
        }
    }

    /**
     * The end of the run of single units from {@code start}, each followed by the separator of
     * {@code length} characters that follows the first, or -1 when it is too short or all digits.
     */
    private static int runEnd(String text, int start, int length) {
        int n = text.length();
        int units = 1;
        int at = start;
        boolean anyNonDigit = !isAsciiDigit(text.charAt(start));
        while (at + 1 + length < n && text.regionMatches(at + 1, text, start + 1, length)) {
            int next = at + 1 + length;
            if (!isUnit(text.charAt(next)) || !endsUnit(text, next + 1)) {
                break;
            }
            anyNonDigit |= !isAsciiDigit(text.charAt(next));
            at = next;
            units++;
        }
        return units >= MIN_UNITS && anyNonDigit ? at + 1 : -1;
    }

    /** Whether a unit ends at {@code at}: the text ends there, or something that is not a letter or digit follows. */
    private static boolean endsUnit(String text, int at) {
        return at >= text.length() || !Character.isLetterOrDigit(text.charAt(at));
    }

    private static boolean isAsciiDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** A character that can stand between units: white space or a mark, not a letter or digit. */
    private static boolean isSeparator(char c) {
        return !Character.isLetterOrDigit(c) && c != '@';
    }

    /** A character a value is made of: anything a reader sees. */
    private static boolean isUnit(char c) {
        return !Character.isWhitespace(c) && !Character.isISOControl(c);
    }

    // ---- one byte at a time ----

    /**
     * Runs of byte tokens ({@code 61}, {@code 0x61}, {@code x61} after a backslash, {@code 97})
     * between one repeated separator, decoded as hex where every token is two hex digits and as
     * decimal where every token is a number up to 255.
     */
    private static void bytes(String text, List<DecodedRun> runs) {
        ByteRun run = null;
        int n = text.length();
        int i = 0;
        int previousEnd = -1;
        while (i < n) {
            if (!Character.isLetterOrDigit(text.charAt(i))) {
                i++;
                continue;
            }
            int start = i;
            while (i < n && Character.isLetterOrDigit(text.charAt(i))) {
                i++;
            }
            int hex = hexByte(text, start, i);
            int decimal = decimalByte(text, start, i);
            if (run != null && !run.extend(text, previousEnd, start, hex, decimal, i)) {
                run.addTo(text, runs);
                run = null;
            }
            if (run == null && (hex >= 0 || decimal >= 0)) {
                run = new ByteRun(start, i, hex, decimal);
            }
            previousEnd = i;
        }
        if (run != null) {
            run.addTo(text, runs);
        }
    }

    /** The byte a token writes in hex: two hex digits, after {@code 0x} or {@code x} or not; else -1. */
    private static int hexByte(String text, int start, int end) {
        int digits = start;
        if (end - start == 4 && text.charAt(start) == '0' && (text.charAt(start + 1) | 0x20) == 'x') {
            digits = start + 2;
        } else if (end - start == 3 && (text.charAt(start) | 0x20) == 'x') {
            digits = start + 1;
        }
        if (end - digits != 2) {
            return -1;
        }
        int high = Character.digit(text.charAt(digits), 16);
        int low = Character.digit(text.charAt(digits + 1), 16);
        return high < 0 || low < 0 || text.charAt(digits) > 'f' || text.charAt(digits + 1) > 'f' ? -1 : high * 16 + low;
    }

    /** The byte a token writes in decimal: one to three ASCII digits up to 255; else -1. */
    private static int decimalByte(String text, int start, int end) {
        if (end - start > 3) {
            return -1;
        }
        int value = 0;
        for (int k = start; k < end; k++) {
            char c = text.charAt(k);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value <= 255 ? value : -1;
    }

    /**
     * A run of byte tokens being read: where it is, its separator, and which readings are still
     * open. The bytes are decoded only for a run long enough to count, from the text again, so the
     * short runs of ordinary text (a date, two numbers) cost no buffer.
     */
    private static final class ByteRun {
        private final int start;
        private int end;
        /** Where the run's separator is first written, and its length. */
        private int separatorAt;
        private int separatorLength;
        private int units = 1;
        private boolean hex;
        private boolean decimal;

        ByteRun(int start, int end, int hexByte, int decimalByte) {
            this.start = start;
            this.end = end;
            hex = hexByte >= 0;
            decimal = decimalByte >= 0;
        }

        /**
         * Takes the next token, written from {@code tokenStart} to {@code tokenEnd} after the text
         * from {@code separatorStart}, when it continues the run; {@code false} when the run ends before it.
         */
        boolean extend(String text, int separatorStart, int tokenStart, int hexByte, int decimalByte, int tokenEnd) {
            int length = tokenStart - separatorStart;
            if (length > MAX_SEPARATOR || units > 1 && (length != separatorLength
                    || !text.regionMatches(separatorStart, text, separatorAt, length))) {
                return false;
            }
            if (!(hex && hexByte >= 0) && !(decimal && decimalByte >= 0)) {
                return false;
            }
            separatorAt = separatorStart;
            separatorLength = length;
            end = tokenEnd;
            units++;
            hex &= hexByte >= 0;
            decimal &= decimalByte >= 0;
            return true;
        }

        void addTo(String text, List<DecodedRun> runs) {
            if (units < MIN_UNITS) {
                return;
            }
            if (hex) {
                add(text, true, runs);
            }
            if (decimal) {
                add(text, false, runs);
            }
        }

        private void add(String text, boolean asHex, List<DecodedRun> runs) {
            byte[] bytes = new byte[units];
            int count = 0;
            int i = start;
            while (i < end) {
                int tokenStart = i;
                while (i < end && Character.isLetterOrDigit(text.charAt(i))) {
                    i++;
                }
                bytes[count++] = (byte) (asHex ? hexByte(text, tokenStart, i) : decimalByte(text, tokenStart, i));
                i += separatorLength;
            }
            String read = DecodedRun.readable(bytes);
            if (read != null) {
                runs.add(new DecodedRun(start, end, read));
            }
        }
    }
}
