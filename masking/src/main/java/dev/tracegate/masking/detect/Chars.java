package dev.tracegate.masking.detect;

/** Character classes shared by the detectors. ASCII first, because that is where the hot loops live. */
final class Chars {

    private Chars() {
    }

    static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    static boolean isAsciiLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    static boolean isAsciiAlnum(char c) {
        return isDigit(c) || isAsciiLetter(c);
    }

    static boolean isHexDigit(char c) {
        return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    /** A character that continues a word: an entity glued to one is part of something longer. */
    static boolean isWordChar(char c) {
        if (c < 128) {
            return isAsciiAlnum(c) || c == '_';
        }
        return Character.isLetterOrDigit(c);
    }

    static boolean isWordCharAt(CharSequence text, int index) {
        return index >= 0 && index < text.length() && isWordChar(text.charAt(index));
    }

    static boolean isDigitAt(CharSequence text, int index) {
        return index >= 0 && index < text.length() && isDigit(text.charAt(index));
    }

    static boolean isHexDigitAt(CharSequence text, int index) {
        return index >= 0 && index < text.length() && isHexDigit(text.charAt(index));
    }

    /** The index just past the run of ASCII digits that starts at {@code from}. */
    static int digitRunEnd(CharSequence text, int from) {
        int i = from;
        int n = text.length();
        while (i < n && isDigit(text.charAt(i))) {
            i++;
        }
        return i;
    }

    /** The value of a short run of ASCII digits (callers bound its length), read without a string. */
    static int decimal(CharSequence text, int start, int end) {
        int value = 0;
        for (int k = start; k < end; k++) {
            value = value * 10 + (text.charAt(k) - '0');
        }
        return value;
    }

    /**
     * Whether a number may start at {@code index}: not glued to a word, not a continuation of
     * another number such as the fraction of {@code 12.345} or the tail of {@code 12-345}.
     */
    static boolean numberMayStartAt(CharSequence text, int index) {
        if (index == 0) {
            return true;
        }
        char prev = text.charAt(index - 1);
        if (isWordChar(prev) || prev == '+') {
            return false;
        }
        boolean joiner = prev == '.' || prev == ',' || prev == '-' || prev == '/';
        return !(joiner && isDigitAt(text, index - 2));
    }

    /**
     * Whether a number may end at {@code index} (exclusive): what follows is not a word character and
     * not a joiner that continues the number ({@code .5}, {@code -7}, {@code /2}).
     */
    static boolean numberMayEndAt(CharSequence text, int index) {
        if (index >= text.length()) {
            return true;
        }
        char next = text.charAt(index);
        if (isWordChar(next)) {
            return false;
        }
        boolean joiner = next == '.' || next == ',' || next == '-' || next == '/';
        return !(joiner && isDigitAt(text, index + 1));
    }
}
