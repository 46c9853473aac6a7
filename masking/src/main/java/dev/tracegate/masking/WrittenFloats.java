package dev.tracegate.masking;

import java.util.ArrayList;
import java.util.List;

/**
 * Where a text writes a whole number as a float: {@code 4.111111111111111e+15}, {@code
 * 4.111111111111111E15}, {@code 4111111111111111.0}, as PostgreSQL prints a float8 cast to text and
 * as CSV exports, logs, JSON strings and terminals then carry it. The detectors read the digits as
 * written and would see none of the number, so such a number is read by its value ({@link
 * WholeNumber}). Only values of 13 to 19 digits are kept, the length of a card number (and of the
 * longest phone numbers): fractions, small numbers ({@code 1.5e+3}) and huge ones ({@code 6.02e23})
 * are left as they are.
 */
final class WrittenFloats {

    private static final int MIN_DIGITS = 13;
    private static final int MAX_DIGITS = 19;

    /** A whole number written as a float: its span in the text and its digits. */
    record Found(int start, int end, String digits) {
    }

    private WrittenFloats() {
    }

    /**
     * The whole numbers {@code text} writes as floats, in text order; empty, without a pass, when
     * its facts rule them out (no exponent, and no run of digits long enough for a {@code .0} form).
     */
    static List<Found> in(CharSequence text, TextFacts facts) {
        if (!facts.exponentDigits() && facts.longestNumberDigits() < MIN_DIGITS) {
            return List.of();
        }
        List<Found> found = List.of();
        int n = text.length();
        int i = 0;
        while (i < n) {
            if (!isDigit(text.charAt(i))) {
                i++;
                continue;
            }
            int integerEnd = digitRunEnd(text, i);
            int end = floatEnd(text, integerEnd);
            if (end > integerEnd && mayStartAt(text, i) && mayEndAt(text, end)) {
                String digits = WholeNumber.digitsOf(text.subSequence(i, end).toString());
                if (digits != null && digits.length() >= MIN_DIGITS && digits.length() <= MAX_DIGITS) {
                    found = found.isEmpty() ? new ArrayList<>() : found;
                    found.add(new Found(i, end, digits));
                }
            }
            i = end;
        }
        return found;
    }

    /** The end of a fraction ({@code .5}) and an exponent ({@code e+15}) after the integer digits ending at {@code i}. */
    private static int floatEnd(CharSequence text, int i) {
        int end = i;
        if (end + 1 < text.length() && text.charAt(end) == '.' && isDigit(text.charAt(end + 1))) {
            end = digitRunEnd(text, end + 1);
        }
        if (end + 1 < text.length() && (text.charAt(end) == 'e' || text.charAt(end) == 'E')) {
            char next = text.charAt(end + 1);
            int digit = next == '+' || next == '-' ? end + 2 : end + 1;
            if (digit < text.length() && isDigit(text.charAt(digit))) {
                end = digitRunEnd(text, digit);
            }
        }
        return end;
    }

    /**
     * Not glued to a word nor the tail of a dotted number ({@code 1.2.3e4}). A comma or hyphen before
     * is no joiner here, unlike for the detectors: a CSV line writes {@code 1,4.111111111111111e+15}.
     */
    private static boolean mayStartAt(CharSequence text, int i) {
        if (i == 0) {
            return true;
        }
        char previous = text.charAt(i - 1);
        return previous != '.' && !isWordChar(previous);
    }

    private static boolean mayEndAt(CharSequence text, int end) {
        if (end >= text.length()) {
            return true;
        }
        char next = text.charAt(end);
        return !isWordChar(next) && !(next == '.' && end + 1 < text.length() && isDigit(text.charAt(end + 1)));
    }

    private static boolean isWordChar(char c) {
        return c < 128 ? isDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'
                : Character.isLetterOrDigit(c);
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static int digitRunEnd(CharSequence text, int from) {
        int i = from;
        while (i < text.length() && isDigit(text.charAt(i))) {
            i++;
        }
        return i;
    }
}
