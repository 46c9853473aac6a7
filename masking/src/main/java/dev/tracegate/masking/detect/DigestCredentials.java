package dev.tracegate.masking.detect;

/**
 * The parameters of an HTTP {@code Authorization: Digest} header (RFC 7616): {@code username="ada",
 * realm="shop", nonce="...", uri="/", response="6629fae4..."}. The response is a hash of the password
 * with values the header itself carries, so whoever reads the header can guess the password offline
 * as from a password hash; the whole list is the credential. Before 2026-12-06 only the first
 * parameter's name was masked and the response reached masked callers in clear.
 */
final class DigestCredentials {

    private static final int MAX_PARAMETERS = 16;
    private static final int MAX_VALUE = 512;

    private DigestCredentials() {
    }

    /** The end of the parameter list that starts at {@code start}, or -1 when none starts there. */
    static int parametersEnd(CharSequence text, int start) {
        int end = -1;
        int p = start;
        for (int parameter = 0; parameter < MAX_PARAMETERS; parameter++) {
            int valueEnd = parameterEnd(text, p);
            if (valueEnd < 0) {
                break;
            }
            end = valueEnd;
            p = valueEnd;
            while (p < text.length() && (text.charAt(p) == ' ' || text.charAt(p) == '\t')) {
                p++;
            }
            if (p >= text.length() || text.charAt(p) != ',') {
                break;
            }
            p++;
            while (p < text.length() && (text.charAt(p) == ' ' || text.charAt(p) == '\t')) {
                p++;
            }
        }
        return end;
    }

    /** The end of one {@code name=value} or {@code name="value"} at {@code p}, or -1. */
    private static int parameterEnd(CharSequence text, int p) {
        int name = p;
        while (name < text.length() && (Chars.isAsciiAlnum(text.charAt(name)) || text.charAt(name) == '-'
                || text.charAt(name) == '_')) {
            name++;
        }
        if (name == p || name >= text.length() || text.charAt(name) != '=') {
            return -1;
        }
        int v = name + 1;
        // a quoted value, its quote escaped too when the header sits in a JSON string (\"...\")
        String quote = v < text.length() && text.charAt(v) == '"' ? "\""
                : SecretDetector.startsWith(text, v, "\\\"") ? "\\\"" : null;
        if (quote != null) {
            int close = indexOf(text, quote, v + quote.length());
            return close < 0 ? -1 : close + quote.length();
        }
        int end = v;
        while (end < text.length() && end - v < MAX_VALUE && !isValueEnd(text.charAt(end))) {
            end++;
        }
        return end > v ? end : -1;
    }

    private static boolean isValueEnd(char c) {
        return c == ',' || c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '"' || c == '\'' || c == '\\';
    }

    private static int indexOf(CharSequence text, String needle, int from) {
        for (int k = from; k < text.length() && k - from < MAX_VALUE; k++) {
            if (SecretDetector.startsWith(text, k, needle)) {
                return k;
            }
        }
        return -1;
    }
}
