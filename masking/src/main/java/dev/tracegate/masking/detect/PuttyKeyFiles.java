package dev.tracegate.masking.detect;

/**
 * The private part of a PuTTY key file ({@code .ppk}, versions 2 and 3), which Windows users keep
 * their SSH keys in and {@code type key.ppk} prints: after {@code Private-Lines: N}, N lines of
 * base64 hold the private key, unencrypted when the file says {@code Encryption: none}. No PEM
 * header marks them, so before 2026-12-06 they reached masked callers in clear. The public lines
 * and the MAC stay: neither gives the key away.
 */
final class PuttyKeyFiles {

    private static final String NAME = "Private-Lines";
    private static final int MAX_LINES = 64;
    private static final int MAX_LINE = 128;
    private static final int MIN_FIRST_LINE = 16;

    private PuttyKeyFiles() {
    }

    /**
     * The private lines after the {@code :} at {@code colon} of a {@code Private-Lines:} header,
     * packed as {@code start << 32 | end}, or -1.
     */
    static long privateLines(CharSequence text, int colon) {
        int nameStart = colon - NAME.length();
        if (nameStart < 0 || !SecretDetector.startsWith(text, nameStart, NAME)
                || !SecretDetector.tokenMayStartAt(text, nameStart)) {
            return -1;
        }
        int p = colon + 1;
        while (p < text.length() && text.charAt(p) == ' ') {
            p++;
        }
        int count = 0;
        while (p < text.length() && Chars.isDigit(text.charAt(p)) && count < MAX_LINES) {
            count = count * 10 + text.charAt(p++) - '0';
        }
        if (count == 0 || count > MAX_LINES) {
            return -1;
        }
        while (p < text.length() && text.charAt(p) == ' ') {
            p++;
        }
        int start = SecretDetector.skipKeyLineSeparators(text, p);
        if (start == p || !startsLine(text, p)) {
            return -1;
        }
        int end = start;
        for (int line = 0; line < count; line++) {
            int lineStart = line == 0 ? start : SecretDetector.skipKeyLineSeparators(text, end);
            int lineEnd = lineStart;
            while (lineEnd < text.length() && lineEnd - lineStart < MAX_LINE && isBase64(text.charAt(lineEnd))) {
                lineEnd++;
            }
            // PuTTY writes lines of 64 characters, the last one shorter
            if (lineEnd - lineStart < (line == 0 ? MIN_FIRST_LINE : 1) || (line > 0 && lineStart == end)) {
                break;
            }
            end = lineEnd;
        }
        return end > start ? (long) start << 32 | end : -1;
    }

    /** A line break, or one escaped in a string, at {@code p}. */
    private static boolean startsLine(CharSequence text, int p) {
        char c = text.charAt(p);
        return c == '\n' || c == '\r' || (c == '\\' && p + 1 < text.length() && text.charAt(p + 1) == 'n');
    }

    private static boolean isBase64(char c) {
        return Chars.isAsciiAlnum(c) || c == '+' || c == '/' || c == '=';
    }
}
