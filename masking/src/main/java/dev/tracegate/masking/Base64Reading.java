package dev.tracegate.masking;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The runs of a text that are Base64 of readable text, decoded. {@code YWRhQGV4YW1wbGUuY29t} is
 * an e-mail address to anyone who pipes it through {@code base64 -d}, and Base64 is how values
 * travel in places a masker must read: HTTP Basic credentials, {@code data:} URLs, MIME
 * encoded-words, JSON fields of APIs that encode what they store, Kubernetes objects. The detectors
 * read the decoded text; what they find there masks the whole run.
 *
 * <p>A run is at least {@value #MIN_RUN} characters of the standard or the URL-safe alphabet
 * (with its {@code =} padding), holding both cases of letters as Base64 of text almost always does
 * (hex digests and lower-case words do not); it counts only when its bytes are UTF-8 without
 * control characters, which random bytes of that length almost never are. A run the whole of which
 * does not decode so (a path such as {@code /files/YWRh...}, an identifier {@code id-YWRh...}) is
 * also read piece by piece between its {@code / + - _}.
 */
final class Base64Reading {

    /** Twelve characters are nine bytes: {@code ab@cd.com}. */
    static final int MIN_RUN = 12;
    /** The shortest line width taken for wrapped Base64 (tools wrap at 64 or 76). */
    private static final int MIN_WRAP = 40;

    private Base64Reading() {
    }

    /** The runs of {@code text} that decode to readable text, in text order. */
    static List<DecodedRun> in(String text) {
        List<DecodedRun> decoded = new ArrayList<>(1);
        int n = text.length();
        int i = 0;
        while (i < n) {
            if (!isAlphabet(text.charAt(i))) {
                i++;
                continue;
            }
            int start = i;
            while (i < n && isAlphabet(text.charAt(i))) {
                i++;
            }
            int end = i;
            int padded = end;
            while (padded < n && padded - end < 2 && text.charAt(padded) == '=') {
                padded++;
            }
            int blockEnd = wrappedBlockEnd(text, start, end, padded);
            String block = blockEnd > 0 && mayBeEncodedText(text, start, end) ? decodeWrapped(text, start, blockEnd) : null;
            if (block != null) {
                decoded.add(new DecodedRun(start, blockEnd, block));
                i = blockEnd;
                continue;
            }
            readRun(text, start, end, padded, decoded);
            i = padded;
        }
        return decoded;
    }

    /**
     * Where a block of wrapped Base64 that starts with the run {@code [start, end)} ends, or -1 when
     * the run starts none: {@code base64} wraps at 76 characters, PEM and {@code openssl} at 64, MIME
     * at 76; every line of a block is as long as the first (at least {@value #MIN_WRAP}, a multiple
     * of four) but the last, which may be shorter and padded. Read line by line, a value that
     * straddles a line break would be found on neither line.
     */
    private static int wrappedBlockEnd(String text, int start, int end, int padded) {
        int width = end - start;
        if (padded != end || width < MIN_WRAP || width % 4 != 0) {
            return -1;
        }
        int n = text.length();
        int blockEnd = -1;
        int i = end;
        while (true) {
            int line = i < n && text.charAt(i) == '\n' ? i + 1
                    : i + 1 < n && text.charAt(i) == '\r' && text.charAt(i + 1) == '\n' ? i + 2 : -1;
            if (line < 0) {
                return blockEnd;
            }
            int j = line;
            while (j < n && j - line <= width && isAlphabet(text.charAt(j))) {
                j++;
            }
            int length = j - line;
            if (length == 0 || length > width) {
                return blockEnd;
            }
            int lineEnd = j;
            while (lineEnd < n && lineEnd - j < 2 && text.charAt(lineEnd) == '=') {
                lineEnd++;
            }
            blockEnd = lineEnd;
            if (length < width || lineEnd > j) {
                return blockEnd;
            }
            i = j;
        }
    }

    private static String decodeWrapped(String text, int start, int end) {
        try {
            return DecodedRun.readable(Base64.getMimeDecoder().decode(text.substring(start, end)));
        } catch (IllegalArgumentException notBase64) {
            return null;
        }
    }

    private static void readRun(String text, int start, int end, int padded, List<DecodedRun> into) {
        if (!mayBeEncodedText(text, start, end)) {
            return;
        }
        String whole = decode(text, start, end);
        if (whole != null) {
            into.add(new DecodedRun(start, padded, whole));
            return;
        }
        int found = into.size();
        int piece = start;
        for (int k = start; k <= end; k++) {
            if (k == end || isSeparator(text.charAt(k))) {
                int pieceEnd = k == end ? padded : k;
                if (piece > start || k < end) {
                    String read = mayBeEncodedText(text, piece, k) ? decode(text, piece, k) : null;
                    if (read != null) {
                        into.add(new DecodedRun(piece, pieceEnd, read));
                    }
                }
                piece = k + 1;
            }
        }
        String shifted = into.size() == found ? decodeShifted(text, start, end) : null;
        if (shifted != null) {
            into.add(new DecodedRun(start, padded, shifted));
        }
    }

    private static boolean mayBeEncodedText(String text, int start, int end) {
        if (end - start < MIN_RUN) {
            return false;
        }
        boolean upper = false;
        boolean lower = false;
        for (int k = start; k < end && !(upper && lower); k++) {
            char c = text.charAt(k);
            upper |= c >= 'A' && c <= 'Z';
            lower |= c >= 'a' && c <= 'z';
        }
        return upper && lower;
    }

    /**
     * The run's text read from its second, third or fourth character (or without its last), or {@code null} when none is
     * Base64 of readable UTF-8; tried when the run read from its first says nothing: characters of the
     * alphabet written before the Base64 of a text (MySQL's {@code CONCAT('A', TO_BASE64(email))})
     * shift its groups of four, and one written after leaves a character over; a person who decodes
     * it still drops them.
     */
    private static String decodeShifted(String text, int start, int end) {
        for (int shift = 0; shift < 4 && end - start - shift > MIN_RUN; shift++) {
            int from = start + shift;
            // Read from the first character, the run was taken whole unless one was over at its end.
            String read = shift == 0 && (end - from) % 4 != 1 ? null
                    : decode(text, from, (end - from) % 4 == 1 ? end - 1 : end);
            if (read != null) {
                return read;
            }
        }
        return null;
    }

    /** The run's text, or {@code null} when it is not Base64 of readable UTF-8. */
    private static String decode(String text, int start, int end) {
        if ((end - start) % 4 == 1) {
            return null;
        }
        boolean standard = false;
        boolean urlSafe = false;
        for (int k = start; k < end; k++) {
            char c = text.charAt(k);
            standard |= c == '+' || c == '/';
            urlSafe |= c == '-' || c == '_';
        }
        if (standard && urlSafe) {
            return null;
        }
        byte[] bytes;
        try {
            bytes = (urlSafe ? Base64.getUrlDecoder() : Base64.getDecoder()).decode(text.substring(start, end));
        } catch (IllegalArgumentException notBase64) {
            return null;
        }
        return DecodedRun.readable(bytes);
    }

    static boolean isAlphabet(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || isSeparator(c);
    }

    private static boolean isSeparator(char c) {
        return c == '+' || c == '/' || c == '-' || c == '_';
    }
}
