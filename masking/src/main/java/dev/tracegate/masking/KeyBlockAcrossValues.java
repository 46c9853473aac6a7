package dev.tracegate.masking;

/**
 * A private key block that a result splits across its values, one line a value: a key column read
 * with {@code regexp_split_to_table(key, E'\n')} or {@code string_to_array}, a file's lines as rows,
 * a JSON array of a key's lines. Each value is scanned alone, so the detectors see the {@code
 * -----BEGIN ... PRIVATE KEY-----} line (and mask it) and then lines of base64 that are no find on
 * their own. One of these follows the values of one column of one result (or one array), in order:
 * after a value that opens a block (a private key's header with no END line after it), each
 * following value that has a key line's shape (base64, an RFC 1421 header such as {@code
 * Proc-Type:}, the END line) is a line of the key and masked whole; the END line or a value of
 * any other shape closes it, as the detector ends a block within one text. Not thread-safe: one
 * per result column.
 */
public final class KeyBlockAcrossValues {

    /** The longest label a header is read for ({@code ENCRYPTED PRIVATE KEY}, {@code PGP PRIVATE KEY BLOCK}). */
    private static final int MAX_LABEL = 64;

    private boolean open;

    /** Whether an earlier value opened a block that has not ended: only then is a value looked at. */
    public boolean isOpen() {
        return open;
    }

    /**
     * Notes a value in which a secret was found (the detectors mask a key's header where they see
     * one): whether it opens a block that later values continue.
     */
    public void afterSecret(CharSequence value) {
        open = opensBlock(value);
    }

    /**
     * Whether {@code value}, which comes while a block is open, is a line of it, to be masked whole;
     * closes the block at its END line, or, without masking it, at a value of no key line's shape. An
     * empty value (a blank line) keeps it open and is no line to mask.
     */
    public boolean continuedBy(CharSequence value) {
        int start = 0;
        int end = value.length();
        while (start < end && Character.isWhitespace(value.charAt(start))) {
            start++;
        }
        while (end > start && Character.isWhitespace(value.charAt(end - 1))) {
            end--;
        }
        if (start == end) {
            return false;
        }
        if (startsWith(value, start, "-----END ") || startsWith(value, start, "---- END ")) {
            open = false;
            return true;
        }
        open = isBase64(value, start, end) || isHeaderLine(value, start, end);
        return open;
    }

    /** A private key's BEGIN line with no END line after it. */
    static boolean opensBlock(CharSequence value) {
        int header = lastIndexOf(value, "BEGIN ");
        if (header < 5) {
            return false;
        }
        boolean pem = startsWith(value, header - 5, "-----");
        boolean ssh2 = startsWith(value, header - 5, "---- ");
        if (!pem && !ssh2) {
            return false;
        }
        String fence = pem ? "-----" : " ----";
        int labelStart = header + 6;
        int labelEnd = indexOf(value, fence, labelStart, labelStart + MAX_LABEL);
        if (labelEnd < 0) {
            return false;
        }
        String label = value.subSequence(labelStart, labelEnd).toString();
        return (label.endsWith("PRIVATE KEY") || label.endsWith("PRIVATE KEY BLOCK")) && indexOf(value, "END ", labelEnd,
                value.length()) < 0;
    }

    private static boolean isBase64(CharSequence value, int start, int end) {
        for (int k = start; k < end; k++) {
            char c = value.charAt(k);
            if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/'
                    || c == '=')) {
                return false;
            }
        }
        return true;
    }

    /** An RFC 1421 or OpenPGP armor header line inside a block: {@code Proc-Type: 4,ENCRYPTED}, {@code Version: ...}. */
    private static boolean isHeaderLine(CharSequence value, int start, int end) {
        int k = start;
        while (k < end && (Character.isLetter(value.charAt(k)) || value.charAt(k) == '-')) {
            k++;
        }
        return k > start && k < end && value.charAt(k) == ':';
    }

    private static boolean startsWith(CharSequence text, int at, String prefix) {
        if (at < 0 || at + prefix.length() > text.length()) {
            return false;
        }
        for (int k = 0; k < prefix.length(); k++) {
            if (text.charAt(at + k) != prefix.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    private static int indexOf(CharSequence text, String part, int from, int to) {
        int last = Math.min(to, text.length() - part.length());
        for (int k = from; k <= last; k++) {
            if (startsWith(text, k, part)) {
                return k;
            }
        }
        return -1;
    }

    private static int lastIndexOf(CharSequence text, String part) {
        for (int k = text.length() - part.length(); k >= 0; k--) {
            if (startsWith(text, k, part)) {
                return k;
            }
        }
        return -1;
    }
}
