package dev.tracegate.masking;

import java.util.ArrayList;
import java.util.List;

/**
 * An e-mail address that a line break cuts in two: a value stored with a line break inside it
 * ({@code ada.lovelace@exam} and {@code ple.com} on the next line), psql's aligned and expanded output of
 * such a value (the {@code +} or {@code ↵} at the line's end, read as no part of the address; the rest under it), a program that prints an address
 * across two lines. A reader joins the halves; the detectors, which read each line's tokens, saw neither
 * half as an address. A cut is a line break (with the white space around it, the next line's indentation)
 * between two runs of address characters, one of which holds the {@code @}; the joined runs are read by the
 * detectors, and a find that reaches across the cut masks each half where it is written. Not read as a cut, since
 * prose breaks its lines there: a line that starts with the {@code @} ({@code from} and {@code @contextlib...} on the
 * next line), and a line ending in a dot unless the next line's run ends it ({@code to username@hostname.} and
 * {@code Change ...}). Runs either of
 * which is a find by itself ({@code ada@example.com} at a line's end, a word at the next line's start) are
 * left to that find: only what the join alone shows is added.
 */
final class LineBrokenAddress {

    /** The longest run of address characters read on either side of a cut: longer than any address. */
    private static final int MAX_RUN = 254;

    /**
     * One cut: the run before the line break, {@code leftStart} to {@code leftEnd}, and the run after it,
     * {@code rightStart} to {@code rightEnd}.
     */
    record Cut(int leftStart, int leftEnd, int rightStart, int rightEnd) {

        /** The two runs written together, as the reader joins them. */
        String joined(String text) {
            return text.substring(leftStart, leftEnd) + text.substring(rightStart, rightEnd);
        }
    }

    private LineBrokenAddress() {
    }

    /**
     * The cuts of {@code text}; empty (and nothing allocated) when it holds no line break or no {@code @}. A line
     * break written as an escape ({@code \n}, {@code \r\n}: COPY's text format, a log line, a string escaped
     * twice) is one too: whoever prints or decodes the text shows two lines.
     */
    static List<Cut> in(String text) {
        if (text.indexOf('@') < 0 || (text.indexOf('\n') < 0 && text.indexOf("\\n") < 0)) {
            return List.of();
        }
        List<Cut> cuts = List.of();
        for (int at = 0; at < text.length(); at++) {
            char c = text.charAt(at);
            boolean escaped = c == '\\' && at + 1 < text.length() && text.charAt(at + 1) == 'n';
            if (c != '\n' && !escaped) {
                continue;
            }
            int breakStart = escaped && at >= 2 && text.startsWith("\\r", at - 2) ? at - 2 : at;
            Cut cut = cutAt(text, breakStart, escaped ? at + 2 : at + 1);
            if (cut != null) {
                cuts = cuts.isEmpty() ? new ArrayList<>() : cuts;
                cuts.add(cut);
            }
        }
        return cuts;
    }

    /**
     * The cut at the line break from {@code breakStart} to {@code breakEnd}, or null when the runs on its sides hold
     * no {@code @} or one is empty.
     */
    private static Cut cutAt(String text, int breakStart, int breakEnd) {
        int leftEnd = blankBefore(text, breakStart);
        if (leftEnd > 0 && (text.charAt(leftEnd - 1) == '+' || text.charAt(leftEnd - 1) == '\u21b5')) {
            leftEnd = blankBefore(text, leftEnd - 1); // psql's mark of a line break in a value, after the column's padding
        }
        int leftStart = leftEnd;
        while (leftStart > 0 && leftEnd - leftStart < MAX_RUN && isAddressChar(text.charAt(leftStart - 1))) {
            leftStart--;
        }
        int rightStart = breakEnd;
        while (rightStart < text.length() && isBlank(text.charAt(rightStart))) {
            rightStart++;
        }
        int rightEnd = rightStart;
        while (rightEnd < text.length() && rightEnd - rightStart < MAX_RUN && isAddressChar(text.charAt(rightEnd))) {
            rightEnd++;
        }
        if (leftStart == leftEnd || rightStart == rightEnd) {
            return null;
        }
        if (text.charAt(rightStart) == '@' && !isLocalPartPiece(text, leftStart, leftEnd)) {
            return null; // a line starting with an @ is a handle or a decorator after a word as often ("from\n@contextlib")
        }
        if (text.charAt(leftEnd - 1) == '.' && !endsLine(text, rightEnd)) {
            return null; // a sentence's end ("Prefer EMAIL to username@hostname.") and the next one's first word
        }
        boolean at = text.lastIndexOf('@', leftEnd - 1) >= leftStart || text.indexOf('@', rightStart) >= rightStart
                && text.indexOf('@', rightStart) < rightEnd;
        return at ? new Cut(leftStart, leftEnd, rightStart, rightEnd) : null;
    }

    /**
     * Whether the run {@code start..end} before a line break reads as a local part's piece, not a word of prose: it holds
     * no {@code @}, ends in a letter and has a dot, an underscore or a digit inside it ({@code ada.love}, {@code ada_l},
     * {@code ada1x}); a word ({@code from}, {@code Thanks to}) or a number, a version or a date ({@code PR 206620},
     * {@code libc4.2}) before a line starting with a handle, a decorator or an address is no piece.
     */
    static boolean isLocalPartPiece(String text, int start, int end) {
        if (end <= start || !Character.isLetter(text.charAt(end - 1))) {
            return false; // a number, a version (libc4.2) or a date before an address on the next line is no piece
        }
        boolean marked = false;
        for (int k = start; k < end; k++) {
            char c = text.charAt(k);
            if (c == '@') {
                return false;
            }
            marked |= k > start && k < end - 1 && (c == '.' || c == '_') || Character.isDigit(c);
        }
        return marked;
    }

    /** Whether only blanks follow {@code end} on its line: the run is the rest of a value cut in two, not a line of prose. */
    private static boolean endsLine(String text, int end) {
        int at = end;
        while (at < text.length() && isBlank(text.charAt(at))) {
            at++;
        }
        return at == text.length() || text.charAt(at) == '\n' || text.startsWith("\\n", at) || text.startsWith("\\r", at);
    }

    /** Where the blanks before {@code end} start. */
    private static int blankBefore(String text, int end) {
        int at = end;
        while (at > 0 && isBlank(text.charAt(at - 1))) {
            at--;
        }
        return at;
    }

    /** White space within a line, and a carriage return before the line feed. */
    private static boolean isBlank(char c) {
        return c == ' ' || c == '\t' || c == '\r';
    }

    private static boolean isAddressChar(char c) {
        return c < 128 && (Character.isLetterOrDigit(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-' || c == '@');
    }
}
