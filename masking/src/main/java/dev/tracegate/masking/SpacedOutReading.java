package dev.tracegate.masking;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The runs of a text written out one unit at a time with the same separator between the units,
 * read joined. A value's characters: {@code a d a . l o v e l a c e @ e x a m p l e . c o m},
 * {@code a-d-a-.-l-...}, one per line, {@code ['a', 'd', 'a', ...]}, what {@code regexp_replace(email,
 * '(.)', '\1 ', 'g')}, {@code array_to_string(regexp_split_to_array(email, ''), ',')} or a program's
 * list of characters make of it. Its bytes or code units: in hex ({@code 61 64 61 2e ...},
 * {@code 61:64:61:...}, {@code 0x61, 0x64, ...}, {@code \x61\x64...}), decimal ({@code 97,100,97,...},
 * {@code {52,49,49,49,...}}), octal ({@code 141 144 141}, {@code od -b}), binary ({@code 01100001 ...})
 * or as UTF-16 code units ({@code U+0061 U+0064}, {@code 0061 0064}): what {@code xxd}, a byte array a
 * program prints or {@code ascii()} of each character show. A reader joins or decodes them at a
 * glance; the detectors, which read values written whole, would not.
 *
 * <p>A run has at least {@value #MIN_UNITS} units and one separator of one to
 * {@value #MAX_SEPARATOR} characters, repeated exactly. A run of tokens is read in every unit all its
 * tokens are written in (two-digit numbers as hex, decimal and octal: a card's digits are 48 to 57
 * in decimal). A run of single digits ({@code 4,1,1,1,...}) is read with the word before it, as the
 * number detectors read a number written whole: {@code card 4111...} is a card, a row of flags is
 * not. What a run decodes to counts only when it is text ({@link DecodedRun#readable}) and a
 * detector finds something in it, so a list of small numbers or a spaced-out heading costs a short
 * decoding and masks nothing.
 */
final class SpacedOutReading {

    /** Eight units: an address as short as {@code jo@ex.io}. */
    static final int MIN_UNITS = 8;
    /** Four: Python's list of characters, {@code ['a', 'd', ...]}, puts {@code ', '} between them. */
    private static final int MAX_SEPARATOR = 4;
    /** How far back the word before a run of digits is looked for, and its longest length. */
    private static final int MAX_CONTEXT = 16;

    private SpacedOutReading() {
    }

    /** The runs of {@code text} written out unit by unit, joined or decoded, in text order of their kind. */
    static List<DecodedRun> in(String text) {
        if (text.length() < 2 * MIN_UNITS - 1) {
            return List.of(); // most cells: too short for eight units and seven separators
        }
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
                // no unit here, or a word's last character; after a letter or digit no unit starts (a unit
                // is a word's first character), so a word and the character after it are passed at once
                i = Character.isLetterOrDigit(text.charAt(i)) ? afterWord(text, i) + 1 : i + 1;
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
            boolean digits = joined.chars().allMatch(c -> c >= '0' && c <= '9');
            runs.add(new DecodedRun(i, end, digits ? wordBefore(text, i) + " " + joined : joined.toString()));
            i = end;
        }
    }

    /** Where the run of letters and digits from {@code start} ends. */
    private static int afterWord(String text, int start) {
        int k = start + 1;
        while (k < text.length() && Character.isLetterOrDigit(text.charAt(k))) {
            k++;
        }
        return k;
    }

    /**
     * The end of the run of single units from {@code start}, each followed by the separator of
     * {@code length} characters that follows the first, or -1 when it is too short.
     */
    private static int runEnd(String text, int start, int length) {
        int n = text.length();
        int units = 1;
        int at = start;
        while (at + 1 + length < n && text.regionMatches(at + 1, text, start + 1, length)) {
            int next = at + 1 + length;
            if (!isUnit(text.charAt(next)) || !endsUnit(text, next + 1)) {
                break;
            }
            at = next;
            units++;
        }
        return units >= MIN_UNITS ? at + 1 : -1;
    }

    /**
     * The word before {@code at} on its line (up to {@value #MAX_CONTEXT} characters back over marks
     * and spaces), read with a run of single digits: the number detectors tell a card, an SSN or a
     * phone number from a row of flags by the word before it ({@code card 4,1,1,1,...}, {@code ssn
     * 5 3 6 ...}), as they do for numbers written whole. A word of letters holds nothing of its own to find.
     */
    private static String wordBefore(String text, int at) {
        int end = at;
        while (end > 0 && at - end < MAX_CONTEXT && !Character.isLetter(text.charAt(end - 1)) && text.charAt(end - 1) != '\n') {
            end--;
        }
        int start = end;
        while (start > 0 && end - start < MAX_CONTEXT && Character.isLetter(text.charAt(start - 1))) {
            start--;
        }
        return text.substring(start, end);
    }

    /** Whether a unit ends at {@code at}: the text ends there, or something that is not a letter or digit follows. */
    private static boolean endsUnit(String text, int at) {
        return at >= text.length() || !Character.isLetterOrDigit(text.charAt(at));
    }

    /** A character that can stand between units: white space or a mark, not a letter or digit. */
    private static boolean isSeparator(char c) {
        return !Character.isLetterOrDigit(c) && c != '@';
    }

    /** A character a value is made of: anything a reader sees. */
    private static boolean isUnit(char c) {
        return !Character.isWhitespace(c) && !Character.isISOControl(c);
    }

    // ---- one byte or code unit at a time ----

    /** How a run's tokens are read: each a byte, or a UTF-16 code unit. */
    private enum Unit {
        /** Two hex digits, after {@code 0x} or {@code x} or not: {@code 61}, {@code 0x61}, {@code \x61}. */
        HEX,
        /** A number up to 255: {@code 97}. */
        DECIMAL,
        /** One to three octal digits up to 377: {@code 141}, what {@code od -b} prints. */
        OCTAL,
        /** Eight binary digits: {@code 01100001}. */
        BINARY,
        /** Four hex digits, after {@code U+}, {@code u} or {@code 0x} or not: a UTF-16 code unit, {@code U+0061}. */
        CODE_UNIT;

        /** The value {@code text} from {@code start} to {@code end} writes in this unit, or -1. */
        int value(String text, int start, int end) {
            return switch (this) {
                case HEX -> digits(text, prefixed(text, start, end, 2), end, 16, 2, 2, 0xff);
                case DECIMAL -> digits(text, start, end, 10, 1, 3, 255);
                case OCTAL -> digits(text, start, end, 8, 1, 3, 0377);
                case BINARY -> digits(text, start, end, 2, 8, 8, 0xff);
                case CODE_UNIT -> digits(text, prefixed(text, start, end, 4), end, 16, 4, 4, 0xffff);
            };
        }

        /** Where the digits of a token of {@code digits} hex digits start, after a prefix the token may have. */
        private static int prefixed(String text, int start, int end, int digits) {
            int length = end - start;
            if (length == digits + 2 && (text.charAt(start) == '0' && (text.charAt(start + 1) | 0x20) == 'x'
                    || (text.charAt(start) | 0x20) == 'u' && text.charAt(start + 1) == '+')) {
                return start + 2;
            }
            if (length == digits + 1 && ((text.charAt(start) | 0x20) == 'x' || (text.charAt(start) | 0x20) == 'u')) {
                return start + 1;
            }
            return start;
        }

        private static int digits(String text, int start, int end, int radix, int fewest, int most, int largest) {
            if (end - start < fewest || end - start > most) {
                return -1;
            }
            int value = 0;
            for (int k = start; k < end; k++) {
                char c = text.charAt(k);
                int digit = c < 0x80 ? Character.digit(c, radix) : -1;
                if (digit < 0) {
                    return -1;
                }
                value = value * radix + digit;
            }
            return value <= largest ? value : -1;
        }
    }

    private static final Unit[] UNITS = Unit.values();

    /**
     * Runs of byte or code unit tokens between one repeated separator, read in each {@link Unit}
     * every token of the run is written in.
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
            i = tokenEnd(text, i);
            int readings = readings(text, start, i);
            if (run != null && !run.extend(text, previousEnd, start, readings, i)) {
                run.addTo(text, runs);
                run = null;
            }
            if (run == null && readings != 0) {
                run = new ByteRun(start, i, readings);
            }
            previousEnd = i;
        }
        if (run != null) {
            run.addTo(text, runs);
        }
    }

    /** The end of the token at {@code start}: its letters and digits, and {@code U+} taken in as one. */
    private static int tokenEnd(String text, int start) {
        int i = start;
        while (i < text.length() && Character.isLetterOrDigit(text.charAt(i))) {
            i++;
        }
        if (i == start + 1 && (text.charAt(start) | 0x20) == 'u' && i + 1 < text.length() && text.charAt(i) == '+'
                && Character.isLetterOrDigit(text.charAt(i + 1))) {
            return tokenEnd(text, i + 1);
        }
        return i;
    }

    /** The units the token from {@code start} to {@code end} can be read in, one bit each. */
    private static int readings(String text, int start, int end) {
        if (end - start > 8 || !isHexOrPrefix(text.charAt(start))) {
            return 0; // a word: no unit is longer than a binary byte, or starts otherwise (most tokens, told here)
        }
        int readings = 0;
        for (Unit unit : UNITS) {
            if (unit.value(text, start, end) >= 0) {
                readings |= 1 << unit.ordinal();
            }
        }
        return readings;
    }

    /** Whether a unit's token may start with {@code c}: a hex digit, or the {@code x}, {@code u} of a prefix. */
    private static boolean isHexOrPrefix(char c) {
        return HexReading.isHexDigit(c) || (c | 0x20) == 'x' || (c | 0x20) == 'u';
    }

    /**
     * A run of tokens being read: where it is, its separator, and the units its tokens can all be
     * read in. It is decoded only when long enough to count, from the text again, so the short runs
     * of ordinary text (a date, two numbers) cost no buffer.
     */
    private static final class ByteRun {
        private final int start;
        private int end;
        /** Where the run's separator is first written, and its length. */
        private int separatorAt;
        private int separatorLength;
        private int units = 1;
        private int readings;

        ByteRun(int start, int end, int readings) {
            this.start = start;
            this.end = end;
            this.readings = readings;
        }

        /**
         * Takes the next token, written from {@code tokenStart} to {@code tokenEnd} after the text
         * from {@code separatorStart}, when it continues the run; {@code false} when the run ends before it.
         */
        boolean extend(String text, int separatorStart, int tokenStart, int tokenReadings, int tokenEnd) {
            int length = tokenStart - separatorStart;
            if (length > MAX_SEPARATOR || units > 1 && (length != separatorLength
                    || !text.regionMatches(separatorStart, text, separatorAt, length))) {
                return false;
            }
            if ((readings & tokenReadings) == 0) {
                return false;
            }
            separatorAt = separatorStart;
            separatorLength = length;
            end = tokenEnd;
            units++;
            readings &= tokenReadings;
            return true;
        }

        void addTo(String text, List<DecodedRun> runs) {
            if (units < MIN_UNITS) {
                return;
            }
            for (Unit unit : UNITS) {
                if ((readings & (1 << unit.ordinal())) != 0) {
                    String read = DecodedRun.readable(decoded(text, unit));
                    if (read != null) {
                        runs.add(new DecodedRun(start, end, read));
                    }
                }
            }
        }

        private byte[] decoded(String text, Unit unit) {
            StringBuilder codeUnits = unit == Unit.CODE_UNIT ? new StringBuilder(units) : null;
            byte[] bytes = new byte[units];
            int count = 0;
            int i = start;
            while (i < end) {
                int tokenStart = i;
                i = tokenEnd(text, i);
                int value = unit.value(text, tokenStart, i);
                if (codeUnits != null) {
                    codeUnits.append((char) value);
                } else {
                    bytes[count++] = (byte) value;
                }
                i += separatorLength;
            }
            return codeUnits != null ? codeUnits.toString().getBytes(StandardCharsets.UTF_8) : bytes;
        }
    }
}
