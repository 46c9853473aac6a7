package dev.tracegate.masking;

/**
 * A value that ends in an e-mail address's local part and its {@code @}, the rest of the address left for
 * another value: {@code ada.lovelace@} in one row of a result and {@code example.com} in the next, or in two
 * records of a JSON array. A row or a record is passed on before the next one comes, so the pieces are
 * never read together; a value ending so is masked as an address by itself, failing closed, because nothing
 * else ends in a local part and an {@code @} (a handle starts with one). Pieces in one row or record are read
 * together already ({@link SplitAcrossCells}, {@link RecordPieces}).
 */
public final class CutAddressEnd {

    /** The longest run ending a line that is held as a local part's first piece. */
    private static final int MAX_HELD_PIECE = 32;


    private CutAddressEnd() {
    }

    /**
     * Whether {@code value}'s last token is a local part followed by an {@code @}, or by an {@code @} and a domain cut
     * after a dot: {@code ada.lovelace@}, {@code "to: ada@"}, {@code ada.lovelace@example.}.
     */
    public static boolean endsCut(String value) {
        int end = value.length();
        while (end > 0 && Character.isWhitespace(value.charAt(end - 1))) {
            end--;
        }
        end = cutDomainStart(value, end);
        if (end < 2 || value.charAt(end - 1) != '@') {
            return false;
        }
        int start = end - 1;
        boolean alphanumeric = false;
        while (start > 0 && isLocalPartChar(value.charAt(start - 1))) {
            start--;
            alphanumeric |= Character.isLetterOrDigit(value.charAt(start));
        }
        return alphanumeric && (start == 0 || !isTokenChar(value.charAt(start - 1)));
    }

    /**
     * Where a domain cut after one of its dots starts ({@code ada.lovelace@example.} ends at {@code example.}: the
     * {@code @} is before it), or {@code end} when the value does not end in labels and a dot. A domain cut before a
     * dot ({@code ada@example}) is a user at a host as often, and is left.
     */
    private static int cutDomainStart(String value, int end) {
        if (end < 3 || value.charAt(end - 1) != '.') {
            return end;
        }
        int k = end - 1;
        while (k > 0 && (Character.isLetterOrDigit(value.charAt(k - 1)) && value.charAt(k - 1) < 128
                || value.charAt(k - 1) == '-' || value.charAt(k - 1) == '.')) {
            k--;
        }
        return k > 0 && k < end - 1 && value.charAt(k - 1) == '@' ? k : end;
    }

    /**
     * Whether a line of text may end with the first half of an address its next line completes: its last token ends
     * cut at the {@code @} ({@link #endsCut}) or inside the domain ({@code ada.lovelace@exam}), so a reader of lines
     * one at a time reads it with the next ({@code LineBrokenAddress} reads the two across the line break).
     */
    public static boolean mayGoOnNextLine(String line) {
        return endsCut(line) || SplitAcrossCells.isCutInItsDomain(line);
    }

    /**
     * Whether a line of text may end with the first piece of an address's local part that the next line completes
     * ({@code ada.love}, then {@code lace@example.com}; {@code ada.lovelace}, then {@code @example.com}): its last run of
     * address characters, a word of its own of at most {@value #MAX_HELD_PIECE} characters with a dot or an underscore
     * inside, reads as a local part's piece ({@link LineBrokenAddress#isLocalPartPiece}), so a reader of lines one at a
     * time may read it with the next (a line of Base64, a key's or a certificate's, is longer and is no word). Lines of prose end in such runs often (a file's name, a version), so
     * a reader holds them only within a bound.
     */
    public static boolean mayGoOnNextLineInItsLocalPart(String line) {
        int end = line.length();
        while (end > 0 && Character.isWhitespace(line.charAt(end - 1))) {
            end--;
        }
        int start = end;
        while (start > 0 && (isLocalPartChar(line.charAt(start - 1)) || line.charAt(start - 1) == '@')) {
            start--;
        }
        String run = line.substring(start, end);
        return end > start && end - start <= MAX_HELD_PIECE && (start == 0 || Character.isWhitespace(line.charAt(start - 1)))
                && line.charAt(end - 1) != '.' && (run.indexOf('.') > 0 || run.indexOf('_') > 0)
                && LineBrokenAddress.isLocalPartPiece(line, start, end);
    }

    /** Whether a value's bytes (UTF-8) end in an {@code @} or a dot but for white space: the cheap look before {@link #endsCut}. */
    public static boolean mayEndCut(byte[] utf8) {
        int end = utf8.length;
        while (end > 0 && (utf8[end - 1] == ' ' || utf8[end - 1] == '\t' || utf8[end - 1] == '\n' || utf8[end - 1] == '\r')) {
            end--;
        }
        return end > 1 && (utf8[end - 1] == '@' || utf8[end - 1] == '.');
    }

    private static boolean isLocalPartChar(char c) {
        return c < 128 && (Character.isLetterOrDigit(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-');
    }

    /** A character that glues a token (a path, a URL, another @) rather than starting one: the piece is no local part then. */
    private static boolean isTokenChar(char c) {
        return !(Character.isWhitespace(c) || c == '"' || c == '\'' || c == '<' || c == '(' || c == '[' || c == ','
                || c == ';' || c == ':' || c == '=');
    }
}
