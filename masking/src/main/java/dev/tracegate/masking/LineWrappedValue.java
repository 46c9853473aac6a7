package dev.tracegate.masking;

import java.util.ArrayList;
import java.util.List;

/**
 * A line break that may cut a grouped value where a space or a hyphen stood between two of its groups: an IBAN, a
 * phone number or a national id that a text's wrapping, a mail's width or a value's stored line breaks cut
 * ({@code DE89 3704 0044}, then {@code 0532 0130 00}; {@code +44 20 7946}, then {@code 0958}; {@code 536-22-}, then
 * {@code 1234}). A reader joins the lines; the detectors, which read each line's groups, saw no value. A cut is the
 * run of groups ending one line (letters and digits with single spaces or hyphens between them, a {@code +} before
 * it) and the run starting the next (its indentation left out), each at most {@value #MAX_RUN} characters; the
 * scanner reads them joined by a space, or as written when the first ends in a hyphen, and masks each side of a
 * value found across the cut where it is written ({@code ContentScanner.withLineWrappedValues}). Cards are read so by
 * {@link LineBrokenCard}, which also reads them cut inside a group. A line break written as an escape ({@code \n}) is
 * one too, as {@link LineBrokenAddress} reads it.
 */
public final class LineWrappedValue {

    /** The most characters of a run read on each side: an IBAN in groups is at most 42, with its country's name. */
    private static final int MAX_RUN = 48;
    /** The longest group a line may end in and be held for the next ({@code 536-22-}, an IBAN's four, a phone's digits). */
    private static final int MAX_GROUP = 7;

    /** One cut: the run ending a line ({@code leftStart..leftEnd}) and the run starting the next. */
    record Cut(int leftStart, int leftEnd, int rightStart, int rightEnd) {

        /** The glue a reader puts between the two runs: none after a hyphen that ends the line, else a space. */
        String glue(String text) {
            return text.charAt(leftEnd - 1) == '-' ? "" : " ";
        }
    }

    private LineWrappedValue() {
    }

    /** The cuts of {@code text} whose two runs each hold a digit; empty (nothing allocated) when it holds no line break. */
    static List<Cut> in(String text) {
        if (text.indexOf('\n') < 0 && text.indexOf("\\n") < 0) {
            return List.of();
        }
        List<Cut> cuts = List.of();
        for (int at = 0; at < text.length(); at++) {
            boolean escaped = text.charAt(at) == '\\' && at + 1 < text.length() && text.charAt(at + 1) == 'n';
            if (text.charAt(at) != '\n' && !escaped) {
                continue;
            }
            int lineEnd = at;
            lineEnd -= lineEnd > 0 && text.charAt(lineEnd - 1) == '\r' ? 1 : 0;
            lineEnd -= escaped && lineEnd >= 2 && text.startsWith("\\r", lineEnd - 2) ? 2 : 0;
            int next = escaped ? at + 2 : at + 1;
            Cut cut = cutAt(text, lineEnd, next);
            if (cut != null) {
                cuts = cuts.isEmpty() ? new ArrayList<>() : cuts;
                cuts.add(cut);
            }
            at = next - 1;
        }
        return cuts;
    }

    /**
     * Whether a line of text may end with a value's first groups that the next line completes: it ends in a run of
     * groups with a digit, so a reader of lines one at a time reads it with the next, as it does a line ending in a
     * card's first piece ({@link LineBrokenCard#mayGoOnNextLine}).
     */
    public static boolean mayGoOnNextLine(String line) {
        int leftEnd = trimmedEnd(line, line.length());
        int leftStart = runStart(line, leftEnd);
        int lastGroup = leftEnd;
        while (lastGroup > leftStart && line.charAt(lastGroup - 1) != ' ') {
            lastGroup--;
        }
        // a group is short: a line ending in a long word (a line of Base64, a token's part) is no value's first groups
        return leftEnd - lastGroup <= MAX_GROUP && hasDigit(line, lastGroup, leftEnd)
                && (leftStart == 0 || isBoundary(line.charAt(leftStart - 1)));
    }

    private static int trimmedEnd(String text, int lineEnd) {
        int end = lineEnd;
        while (end > 0 && isBlank(text.charAt(end - 1))) {
            end--;
        }
        return end;
    }

    /** Where the run of groups ending at {@code leftEnd} starts, a {@code +} before it included. */
    private static int runStart(String text, int leftEnd) {
        int leftStart = leftEnd;
        while (leftStart > 0 && leftEnd - leftStart < MAX_RUN && isRunChar(text, leftStart - 1)) {
            leftStart--;
        }
        if (leftStart > 0 && text.charAt(leftStart - 1) == '+') {
            leftStart--;
        }
        return leftStart;
    }

    private static Cut cutAt(String text, int lineEnd, int nextLine) {
        int leftEnd = trimmedEnd(text, lineEnd);
        int leftStart = runStart(text, leftEnd);
        int rightStart = nextLine;
        while (rightStart < text.length() && isBlank(text.charAt(rightStart))) {
            rightStart++;
        }
        int rightEnd = rightStart;
        while (rightEnd < text.length() && rightEnd - rightStart < MAX_RUN && isRunChar(text, rightEnd)) {
            rightEnd++;
        }
        while (rightEnd > rightStart && !Character.isLetterOrDigit(text.charAt(rightEnd - 1))) {
            rightEnd--;
        }
        boolean bounded = (leftStart == 0 || isBoundary(text.charAt(leftStart - 1)))
                && (rightEnd == text.length() || isBoundary(text.charAt(rightEnd)));
        boolean sides = bounded && leftEnd > leftStart && rightEnd > rightStart && hasDigit(text, leftStart, leftEnd)
                && hasDigit(text, rightStart, rightEnd) && Character.isLetterOrDigit(text.charAt(rightStart));
        return sides ? new Cut(leftStart, leftEnd, rightStart, rightEnd) : null;
    }

    /** An ASCII letter or digit, or a single space or hyphen between two of them (a hyphen may end the line). */
    private static boolean isRunChar(String text, int i) {
        char c = text.charAt(i);
        if (isAlphanumeric(c)) {
            return true;
        }
        boolean before = i > 0 && isAlphanumeric(text.charAt(i - 1));
        boolean after = i + 1 < text.length() && isAlphanumeric(text.charAt(i + 1));
        return (c == ' ' || c == '-') && before && (after || c == '-');
    }

    /**
     * A character a run may stand beside: white space or punctuation, not a letter, a sign or another number's part
     * ({@code 44906982.071902} and {@code -0800} cut by a line break are a decimal's and an offset's digits).
     */
    private static boolean isBoundary(char c) {
        return !Character.isLetterOrDigit(c) && c != '.' && c != ',' && c != '-' && c != '/' && c != '+' && c != '_';
    }

    private static boolean hasDigit(String text, int from, int to) {
        for (int k = from; k < to; k++) {
            if (text.charAt(k) >= '0' && text.charAt(k) <= '9') {
                return true;
            }
        }
        return false;
    }

    private static boolean isAlphanumeric(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static boolean isBlank(char c) {
        return c == ' ' || c == '\t' || c == '\r';
    }
}
