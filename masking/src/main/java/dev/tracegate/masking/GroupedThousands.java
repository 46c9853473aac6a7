package dev.tracegate.masking;

import java.util.ArrayList;
import java.util.List;

/**
 * Where a text writes a whole number with its thousands grouped: {@code 4,111,111,111,111,111} (a
 * spreadsheet's number format, a report, {@code to_char(n, '9G999G...')}), {@code 4.111.111...}
 * (German), {@code 4'111'...} (Swiss), {@code 4 111 111 111 111 111} (French, whose no-break or narrow
 * spaces the reading form reads as spaces), {@code 4,11,11,11,11,11,11,111} (Indian), with or without a
 * fraction of zeros ({@code 4,111,111,111,111,111.00}). Grouped by spaces, the first group has one or
 * two digits: a list of numbers of three digits ({@code 412 233 511 120 344}) is no number. The detectors read digits as written and see
 * no number longer than three digits in it, so such a number is read by its digits. Only values of 13
 * to 19 digits are kept, as for {@link WrittenFloats}: the length of a card number.
 */
final class GroupedThousands {

    private static final int MIN_DIGITS = 13;
    private static final int MAX_DIGITS = 19;

    private GroupedThousands() {
    }

    /** The whole numbers {@code text} writes grouped, in text order; empty, without a pass, when its facts rule them out. */
    static List<WrittenFloats.Found> in(CharSequence text, TextFacts facts) {
        if (facts.longestGroupedDigits() < MIN_DIGITS) { // the common case: no pass
            return List.of();
        }
        List<WrittenFloats.Found> found = List.of();
        int n = text.length();
        int i = 0;
        while (i < n) {
            if (!isDigit(text.charAt(i))) {
                i++;
                continue;
            }
            int end = mayStartAt(text, i) ? groupedEnd(text, i) : -1;
            if (end > 0) {
                String digits = digitsOf(text, i, end, text.charAt(digitRunEnd(text, i)));
                if (digits.length() >= MIN_DIGITS && digits.length() <= MAX_DIGITS) {
                    found = found.isEmpty() ? new ArrayList<>() : found;
                    found.add(new WrittenFloats.Found(i, end, digits));
                }
                i = end;
            } else {
                i = digitRunEnd(text, i);
            }
        }
        return found;
    }

    /**
     * The end of a grouped number at {@code start}, fraction of zeros included, or -1: a first group of
     * one to three digits, then groups of three after one kind of separator, or (Indian, commas only)
     * groups of two and a last of three.
     */
    private static int groupedEnd(CharSequence text, int start) {
        int first = digitRunEnd(text, start) - start;
        int next = start + first;
        if (first > 3 || next + 1 >= text.length() || !isSeparator(text.charAt(next))) {
            return -1;
        }
        char separator = text.charAt(next);
        int groups = 0;
        int twos = 0;
        int last = 0;
        while (next + 1 < text.length() && text.charAt(next) == separator && isDigit(text.charAt(next + 1))) {
            int end = digitRunEnd(text, next + 1);
            last = end - next - 1;
            if (last != 2 && last != 3) {
                return -1;
            }
            twos += last == 2 ? 1 : 0;
            groups++;
            next = end;
        }
        boolean western = twos == 0 && first <= (separator == ' ' ? 2 : 3);
        boolean indian = separator == ',' && last == 3 && twos == groups - 1 && first <= 2;
        if (groups < 2 || !(western || indian)) {
            return -1;
        }
        return endAfterZeroFraction(text, next, separator);
    }

    /** After the groups: a fraction of zeros written with the other mark ({@code .00} after commas) is part of the number. */
    private static int endAfterZeroFraction(CharSequence text, int end, char separator) {
        char decimal = separator == '.' ? ',' : '.';
        int i = end;
        if (i + 1 < text.length() && text.charAt(i) == decimal && isDigit(text.charAt(i + 1))) {
            int fractionEnd = digitRunEnd(text, i + 1);
            for (int k = i + 1; k < fractionEnd; k++) {
                if (text.charAt(k) != '0') {
                    return -1;
                }
            }
            i = fractionEnd;
        }
        if (i < text.length() && (isWordChar(text.charAt(i))
                || (isSeparator(text.charAt(i)) && i + 1 < text.length() && isDigit(text.charAt(i + 1))))) {
            return -1; // glued to a word, or more of a longer number or a list
        }
        return i;
    }

    /** The digits of the groups, up to the fraction of zeros, which is written after another mark than {@code separator}. */
    private static String digitsOf(CharSequence text, int start, int end, char separator) {
        StringBuilder digits = new StringBuilder(MAX_DIGITS + 1);
        for (int i = start; i < end && digits.length() <= MAX_DIGITS; i++) {
            char c = text.charAt(i);
            if (isDigit(c)) {
                digits.append(c);
            } else if (c != separator) {
                break;
            }
        }
        return digits.toString();
    }

    /** Not glued to a word nor the tail of another number ({@code 1.4,111,...}, {@code 12,4,111,...}). */
    private static boolean mayStartAt(CharSequence text, int i) {
        if (i == 0) {
            return true;
        }
        char previous = text.charAt(i - 1);
        return !isWordChar(previous) && !(isSeparator(previous) && i >= 2 && isDigit(text.charAt(i - 2)));
    }

    static boolean isSeparator(char c) {
        return c == ',' || c == '.' || c == '\'' || c == '\u2019' || c == ' ';
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
