package dev.tracegate.masking;

import dev.tracegate.masking.detect.PrivateKeyBody;

/**
 * A private key block that a result splits across its values, one line a value: a key column read
 * with {@code regexp_split_to_table(key, E'\n')} or {@code string_to_array}, a file's lines as rows,
 * a JSON array of a key's lines. Each value is scanned alone, so the detectors see the {@code
 * -----BEGIN ... PRIVATE KEY-----} line (and mask it) and then lines of base64 that are no find on
 * their own. One of these follows the values of one column of one result (or one array), in order:
 * after a value that opens a block (a private key's header with no END line after it), each
 * following value that has a key line's shape (base64, an RFC 1421 header such as {@code
 * Proc-Type:}, the END line) is a line of the key and masked whole; the END line or a value of
 * any other shape closes it, as the detector ends a block within one text. A block is also opened
 * by a value that is a line of a key's body read without its header ({@link #startedByBody}): a
 * statement that leaves the header row out ({@code OFFSET 1}, {@code WHERE line NOT LIKE '-----%'})
 * keeps the body, which is no find line by line. Not thread-safe: one per result column.
 */
public final class KeyBlockAcrossValues {

    /** The longest label a header is read for ({@code ENCRYPTED PRIVATE KEY}, {@code PGP PRIVATE KEY BLOCK}). */
    private static final int MAX_LABEL = 64;

    /** PEM's line width and OpenSSH's: a key's body lines but the last have one of them. */
    private static final int PEM_WIDTH = 64;
    private static final int OPENSSH_WIDTH = 70;
    /** The shortest value read for a body line: what a first line must hold to show its DER start. */
    private static final int MIN_BODY = 16;

    private boolean open;
    /** The width of the open block's first line of Base64 (0 before it). */
    private int width;
    /** Whether a line shorter than the first, or padded, ended the open block's body: only its END line may follow. */
    private boolean bodyEnded;
    /**
     * Whether the values last seen are a block that holds no secret (a certificate's, a public
     * key's, by its header or its DER start): their lines have a key line's width and stay.
     */
    private boolean publicBlock;

    /** Whether an earlier value opened a block that has not ended: only then is a value looked at. */
    public boolean isOpen() {
        return open;
    }

    /**
     * Notes a value in which a secret was found (the detectors mask a key's header where they see
     * one): whether it opens a block that later values continue.
     */
    public void afterSecret(CharSequence value) {
        if (opensBlock(value)) {
            opened(0);
        } else if (startsBodyAlone(value)) {
            Trimmed trimmed = Trimmed.of(value);
            opened(trimmed.end() - trimmed.start());
        } else {
            open = false;
        }
    }

    /** A value that is Base64 alone, starting as a private key's body does, with no END line: the detector's find of a header-less first line. */
    private static boolean startsBodyAlone(CharSequence value) {
        Trimmed trimmed = Trimmed.of(value);
        return trimmed.end() - trimmed.start() >= MIN_BODY && isBase64(value, trimmed.start(), trimmed.end())
                && PrivateKeyBody.at(value, trimmed.start()) == PrivateKeyBody.Start.PRIVATE_KEY;
    }

    /**
     * Whether {@code value}, which comes while a block is open, is a line of it, to be masked whole;
     * closes the block at its END line, or, without masking it, at a value of no key line's shape. An
     * empty value (a blank line) keeps it open and is no line to mask.
     */
    public boolean continuedBy(CharSequence value) {
        Trimmed trimmed = Trimmed.of(value);
        int start = trimmed.start();
        int end = trimmed.end();
        if (start == end) {
            return false;
        }
        if (startsWith(value, start, "-----END ") || startsWith(value, start, "---- END ")) {
            open = false;
            return true;
        }
        if (isBase64(value, start, end)) {
            // a body's lines share one width; a shorter or padded one is its last ("done" after it is no key line)
            open = !bodyEnded;
            width = width == 0 ? end - start : width;
            bodyEnded = end - start < width || value.charAt(end - 1) == '=';
            return open;
        }
        open = isHeaderLine(value, start, end);
        return open;
    }

    private void opened(int firstLineWidth) {
        open = true;
        width = firstLineWidth;
        bodyEnded = false;
    }

    /**
     * Whether a value may be key material a block follows: it holds {@code -----} (a header or an
     * END line) or is a run of Base64 long enough to be a body line. A one-pass test, so that a
     * JSON array need not keep a block for every string.
     */
    public static boolean mayBeKeyMaterial(CharSequence value) {
        // trimmed in place, not through Trimmed: asked of every value a JSON record holds (RecordPieces)
        int start = 0;
        int end = value.length();
        while (start < end && Character.isWhitespace(value.charAt(start))) {
            start++;
        }
        while (end > start && Character.isWhitespace(value.charAt(end - 1))) {
            end--;
        }
        return (end - start >= MIN_BODY && isBase64(value, start, end)) || indexOf(value, "-----", start, end) >= 0;
    }

    /** {@link #mayBeKeyMaterial(CharSequence)} of a value given as UTF-8 bytes, read without decoding them. */
    public static boolean mayBeKeyMaterial(byte[] utf8) {
        int start = 0;
        int end = utf8.length;
        while (start < end && utf8[start] >= 0 && Character.isWhitespace(utf8[start])) {
            start++;
        }
        while (end > start && utf8[end - 1] >= 0 && Character.isWhitespace(utf8[end - 1])) {
            end--;
        }
        boolean base64 = end - start >= MIN_BODY;
        int dashes = 0;
        for (int k = start; k < end; k++) {
            char c = (char) (utf8[k] & 0xff);
            base64 &= isBase64Char(c);
            dashes = c == '-' ? dashes + 1 : 0;
            if (dashes == 5) {
                return true;
            }
        }
        return base64;
    }

    /**
     * Whether {@code value}, which no open block continues and in which no header was found, is a
     * line of a private key's body read without its header, to be masked whole; it then opens a
     * block, whose later lines are followed as after a header. Such a line is the first of a key's
     * DER (a SEQUENCE whose first element is a small version INTEGER, as PKCS#1, PKCS#8, SEC 1 and
     * PKCS#12 start; a certificate, a request or a public key starts with a SEQUENCE in a SEQUENCE)
     * or of an OpenSSH key ({@code openssh-key-v1}), or any line of PEM's or OpenSSH's width (64 or
     * 70 characters of Base64 holding upper case, lower case, digits and a letter no hex digest
     * has), unless a certificate's or public key's header or first line came before it. Other
     * values close what came before.
     */
    public boolean startedByBody(CharSequence value) {
        Trimmed trimmed = Trimmed.of(value);
        int start = trimmed.start();
        int end = trimmed.end();
        if (start == end) {
            return false; // a blank line between lines keeps what came before
        }
        if (!isBase64(value, start, end)) {
            int header = indexOf(value, "BEGIN ", start, end);
            publicBlock = header >= 0 && !opensBlock(value);
            return false;
        }
        PrivateKeyBody.Start der = end - start >= MIN_BODY ? PrivateKeyBody.at(value, start) : PrivateKeyBody.Start.NONE;
        if (der == PrivateKeyBody.Start.PRIVATE_KEY) {
            publicBlock = false;
            opened(end - start);
            return true;
        }
        if (der == PrivateKeyBody.Start.OTHER_DER) {
            publicBlock = true;
            return false;
        }
        if (!publicBlock && isLineOfKeyWidth(value, start, end)) {
            opened(end - start);
            return true;
        }
        open = false;
        return false;
    }

    /** Where a value's text stands without the white space around it. */
    private record Trimmed(int start, int end) {
        static Trimmed of(CharSequence value) {
            int start = 0;
            int end = value.length();
            while (start < end && Character.isWhitespace(value.charAt(start))) {
                start++;
            }
            while (end > start && Character.isWhitespace(value.charAt(end - 1))) {
                end--;
            }
            return new Trimmed(start, end);
        }
    }

    /** A full line of PEM's or OpenSSH's width, of Base64 with the classes random bytes give and no hex digest's alphabet. */
    private static boolean isLineOfKeyWidth(CharSequence value, int start, int end) {
        int width = end - start;
        if (width != PEM_WIDTH && width != OPENSSH_WIDTH) {
            return false;
        }
        boolean upper = false;
        boolean lower = false;
        boolean digit = false;
        boolean beyondHex = false;
        for (int k = start; k < end; k++) {
            char c = value.charAt(k);
            upper |= c >= 'A' && c <= 'Z';
            lower |= c >= 'a' && c <= 'z';
            digit |= c >= '0' && c <= '9';
            beyondHex |= (c | 0x20) > 'f' && (c | 0x20) <= 'z';
        }
        return upper && lower && digit && beyondHex && value.charAt(end - 1) != '=';
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
            if (!isBase64Char(value.charAt(k))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isBase64Char(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/' || c == '=';
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
        if (text instanceof String string) { // the JDK's search, much quicker over a long value with no match
            int at = string.indexOf(part, from);
            return at >= 0 && at <= to ? at : -1;
        }
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
