package dev.tracegate.masking;

import java.util.ArrayList;
import java.util.List;

/**
 * A card number that line breaks cut into pieces: a group a line ({@code 4111}, {@code 1111}, ... one under the
 * other), two groups a line, or a cut inside a group ({@code 4111 11} and {@code 11 1111 1111} on the next line), as a
 * value stored with line breaks in it or a body that prints a card so shows it. A reader joins the lines; the
 * detectors, which read each line's digits, saw no card. A chain is the digit run ending one line (digits with single
 * spaces or hyphens between them) and the runs starting the lines after it, each line but the last a run alone; its
 * pieces, a window of them at a time, are joined as written ({@code 4111 11} + {@code 11 1111 1111}) and with a space
 * ({@code 4111 1111} + {@code 1111 1111}), and a card found across two pieces or more masks each piece where it is
 * written. A line break written as an escape ({@code \n}) is one too, as {@link LineBrokenAddress} reads it.
 */
public final class LineBrokenCard {

    /** The most pieces a chain is read over: a card of four groups is four. */
    private static final int MAX_PIECES = 6;
    /** The fewest digits a card has. */
    private static final int MIN_DIGITS = 12;
    /** The most digits a card has. */
    private static final int MAX_DIGITS = 19;

    /** One piece of a chain: a run of digits, {@code start} to {@code end} of the text. */
    record Piece(int start, int end) {
    }

    private LineBrokenCard() {
    }

    /** The chains of {@code text}, each of two pieces or more; empty (nothing allocated) when it holds no line break. */
    static List<List<Piece>> in(String text) {
        if (text.indexOf('\n') < 0 && text.indexOf("\\n") < 0) {
            return List.of();
        }
        List<int[]> lines = lines(text);
        List<List<Piece>> chains = List.of();
        for (int l = 0; l + 1 < lines.size(); l++) {
            Piece tail = tailRun(text, lines.get(l)[0], lines.get(l)[1]);
            if (tail == null) {
                continue;
            }
            List<Piece> chain = new ArrayList<>(List.of(tail));
            for (int next = l + 1; next < lines.size() && chain.size() < MAX_PIECES; next++) {
                Piece head = headRun(text, lines.get(next)[0], lines.get(next)[1]);
                if (head == null) {
                    break;
                }
                chain.add(head);
                if (!isWholeLine(text, head, lines.get(next))) {
                    break;
                }
            }
            if (chain.size() > 1 && !continues(chains, tail)) {
                chains = chains.isEmpty() ? new ArrayList<>() : chains;
                chains.add(chain);
            }
        }
        return chains;
    }

    /**
     * Whether a line of text may end with a card's first pieces that the next lines complete: it ends in a run of
     * digits that is a word of its own ({@code 4111}, {@code card 4111 11}), so a reader of lines one at a time reads it with the next, as it does
     * a line ending in an address's first half ({@link CutAddressEnd#mayGoOnNextLine}).
     */
    public static boolean mayGoOnNextLine(String line) {
        Piece tail = tailRun(line, 0, line.length());
        // a word of digits of its own: the end of a line of Base64 (a key's, ...+12) or of a path is no card's piece
        return tail != null && (tail.start() == 0 || Character.isWhitespace(line.charAt(tail.start() - 1)));
    }

    /** Whether a chain already read holds {@code piece}: a whole line inside it starts no chain of its own. */
    private static boolean continues(List<List<Piece>> chains, Piece piece) {
        return !chains.isEmpty() && chains.getLast().contains(piece);
    }

    /** How many digits {@code piece} of {@code text} holds. */
    static int digits(String text, Piece piece) {
        int digits = 0;
        for (int k = piece.start(); k < piece.end(); k++) {
            digits += isDigit(text.charAt(k)) ? 1 : 0;
        }
        return digits;
    }

    /** Whether pieces of {@code digits} digits together are as long as a card. */
    static boolean mayMakeACard(int digits) {
        return digits >= MIN_DIGITS && digits <= MAX_DIGITS;
    }

    /** Each line's start and end (before its line break, real or escaped, and a carriage return). */
    private static List<int[]> lines(String text) {
        List<int[]> lines = new ArrayList<>();
        int start = 0;
        for (int at = 0; at < text.length(); at++) {
            boolean escaped = text.charAt(at) == '\\' && at + 1 < text.length() && text.charAt(at + 1) == 'n';
            if (text.charAt(at) == '\n' || escaped) {
                int end = at;
                end -= end > start && text.charAt(end - 1) == '\r' ? 1 : 0;
                end -= escaped && end - 2 >= start && text.startsWith("\\r", end - 2) ? 2 : 0;
                lines.add(new int[] {start, end});
                start = escaped ? at + 2 : at + 1;
                at = start - 1;
            }
        }
        lines.add(new int[] {start, text.length()});
        return lines;
    }

    /** The run of digits ending the line {@code start..end} (trailing blanks left out), or null when it ends otherwise. */
    private static Piece tailRun(String text, int start, int end) {
        int runEnd = end;
        while (runEnd > start && isBlank(text.charAt(runEnd - 1))) {
            runEnd--;
        }
        int runStart = runEnd;
        while (runStart > start && (isDigit(text.charAt(runStart - 1))
                || (isSeparator(text.charAt(runStart - 1)) && runStart - 1 > start && isDigit(text.charAt(runStart - 2))
                && runStart < runEnd && isDigit(text.charAt(runStart))))) { // a separator ending the line is none
            runStart--;
        }
        return runStart == runEnd || !isDigit(text.charAt(runEnd - 1)) || !bounded(text, runStart - 1, start)
                ? null : new Piece(runStart, runEnd);
    }

    /** The run of digits starting the line {@code start..end} (indentation left out), or null when it starts otherwise. */
    private static Piece headRun(String text, int start, int end) {
        int runStart = start;
        while (runStart < end && isBlank(text.charAt(runStart))) {
            runStart++;
        }
        int runEnd = runStart;
        while (runEnd < end && (isDigit(text.charAt(runEnd))
                || (isSeparator(text.charAt(runEnd)) && runEnd > runStart && isDigit(text.charAt(runEnd - 1))
                && runEnd + 1 < end && isDigit(text.charAt(runEnd + 1))))) {
            runEnd++;
        }
        return runStart == runEnd || (runEnd < end && !isBoundary(text.charAt(runEnd))) ? null : new Piece(runStart, runEnd);
    }

    /** Whether the character before a run, at {@code before} (none when before the line's {@code start}), ends a word. */
    private static boolean bounded(String text, int before, int start) {
        return before < start || isBoundary(text.charAt(before));
    }

    /** Whether {@code piece} is all of its line but blanks: the chain goes on to the next line. */
    private static boolean isWholeLine(String text, Piece piece, int[] line) {
        for (int k = piece.end(); k < line[1]; k++) {
            if (!isBlank(text.charAt(k))) {
                return false;
            }
        }
        return true;
    }

    /** A character a card's run may stand beside: white space or punctuation, not a letter or another number's part. */
    private static boolean isBoundary(char c) {
        return !Character.isLetterOrDigit(c) && c != '.' && c != ',' && c != '-' && c != '/';
    }

    private static boolean isSeparator(char c) {
        return c == ' ' || c == '-';
    }

    private static boolean isBlank(char c) {
        return c == ' ' || c == '\t' || c == '\r';
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
