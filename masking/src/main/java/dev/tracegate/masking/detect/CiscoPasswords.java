package dev.tracegate.masking.detect;

/**
 * A password in a Cisco IOS configuration ({@code show running-config}, a config backup):
 * {@code password 7 0822455D0A16} (type 7 is a fixed XOR that anyone reverses) or {@code password 0
 * Tr0ub4dor} (type 0 is the password itself), on {@code enable}, {@code username} and {@code line}
 * lines. The type digit stood where the detector read the value, so both reached masked callers in
 * clear before 2026-12-06. Types 5, 8 and 9 are password hashes, found by their own shape.
 */
final class CiscoPasswords {

    private static final int MIN_TYPE7 = 6;
    private static final int MAX_VALUE = 128;

    private CiscoPasswords() {
    }

    /** The password after {@code password } at {@code p} ({@code 7 <hex>} or {@code 0 <text>}), packed, or -1. */
    static long at(CharSequence text, int p) {
        if (p + 2 >= text.length() || text.charAt(p + 1) != ' ' || (text.charAt(p) != '7' && text.charAt(p) != '0')) {
            return -1;
        }
        int start = p + 2;
        int end = start;
        while (end < text.length() && end - start < MAX_VALUE && !Character.isWhitespace(text.charAt(end))
                && text.charAt(end) != '"' && text.charAt(end) != '\'') {
            end++;
        }
        boolean found = text.charAt(p) == '7' ? isType7(text, start, end) : isClearPassword(text, start, end);
        return found ? ((long) start << 32) | end : -1;
    }

    /** Hex of even length whose first two digits, the key's offset, are 00 to 15. */
    private static boolean isType7(CharSequence text, int start, int end) {
        if (end - start < MIN_TYPE7 || (end - start) % 2 != 0) {
            return false;
        }
        for (int k = start; k < end; k++) {
            if (!Chars.isHexDigit(text.charAt(k))) {
                return false;
            }
        }
        int offset = (text.charAt(start) - '0') * 10 + (text.charAt(start + 1) - '0');
        return Chars.isDigit(text.charAt(start)) && Chars.isDigit(text.charAt(start + 1)) && offset <= 15;
    }

    /** A password in clear mixes letters with digits or signs: prose after "password 0" has none. */
    private static boolean isClearPassword(CharSequence text, int start, int end) {
        boolean letter = false;
        boolean other = false;
        for (int k = start; k < end; k++) {
            char c = text.charAt(k);
            letter |= Chars.isAsciiLetter(c);
            other |= !Chars.isAsciiLetter(c);
        }
        return end - start >= 6 && letter && other;
    }
}
