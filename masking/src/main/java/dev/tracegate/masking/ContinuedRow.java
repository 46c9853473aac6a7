package dev.tracegate.masking;

import java.util.ArrayList;
import java.util.List;

/**
 * One row of a printed table over the lines psql prints it on: a value longer than its column in
 * {@code \pset format wrapped} goes on in the next line's same column, the cut marked by a {@code .}
 * after the first piece and before the next ({@code …} in the unicode line style), and a value
 * holding a line break goes on after a {@code +} ({@code ↵}). The terminal shows the pieces one
 * under the other, so {@code ada.love.} and {@code .lace@example.com} are one address to the reader
 * and to this row: {@link #columns()} joins each column's pieces, markers left out (a line break as
 * a space, as an address or card cut by one is still read).
 *
 * @param lines the row's lines, the first and the ones that continue it
 * @param lineStarts where each line starts in the screen's text
 */
record ContinuedRow(List<PrintedRow> lines, List<Integer> lineStarts) {

    /** One column's value, joined from its pieces. */
    record Column(String text, int[] joinedStarts, int[] screenStarts, int[] screenEnds) {

        /** Whether the value is in more than one piece. */
        boolean continued() {
            return joinedStarts.length > 1;
        }

        /** The screen's text from {@code start} to {@code end} of the joined value, one span per piece it reaches. */
        List<int[]> screenSpans(int start, int end) {
            List<int[]> spans = new ArrayList<>();
            for (int p = 0; p < joinedStarts.length; p++) {
                int pieceEnd = joinedStarts[p] + screenEnds[p] - screenStarts[p];
                int from = Math.max(start, joinedStarts[p]);
                int to = Math.min(end, pieceEnd);
                if (from < to) {
                    spans.add(new int[] {screenStarts[p] + from - joinedStarts[p], screenStarts[p] + to - joinedStarts[p]});
                }
            }
            return spans;
        }
    }

    /** Whether {@code next} goes on with values of {@code previous}: each of its cells continues one that ends open. */
    static boolean continues(PrintedRow previous, PrintedRow next) {
        if (previous.starts().length != next.starts().length) {
            return false;
        }
        boolean any = false;
        for (int k = 0; k < next.starts().length; k++) {
            if (next.starts()[k] == next.ends()[k]) {
                continue;
            }
            char open = openMarker(previous, k);
            if (open == 0 || (isWrap(open) && !isWrap(next.line().charAt(next.starts()[k])))) {
                return false;
            }
            any = true;
        }
        return any;
    }

    /** Whether any of {@code row}'s values ends open: the next line may go on with it. */
    static boolean endsOpen(PrintedRow row) {
        for (int k = 0; k < row.starts().length; k++) {
            if (openMarker(row, k) != 0) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code row}'s first value goes on after a line break: its next line starts with the value, not a bar. */
    static boolean firstColumnGoesOn(PrintedRow row) {
        char marker = openMarker(row, 0);
        return marker == '+' || marker == '\u21b5';
    }

    /**
     * The marker that ends cell {@code k} open, or 0: a {@code +} or {@code ↵} (a line break), or a
     * wrap's {@code …}, or its {@code .} where psql puts it, on the column's edge with no padding.
     */
    private static char openMarker(PrintedRow row, int k) {
        int end = row.ends()[k];
        if (end == row.starts()[k]) {
            return 0;
        }
        char last = row.line().charAt(end - 1);
        if (last == '+' || last == '\u21b5' || last == '\u2026') {
            return last;
        }
        boolean atEdge = end == row.line().length() || row.line().charAt(end) == '|' || row.line().charAt(end) == '\u2502';
        return last == '.' && atEdge ? last : 0;
    }

    /**
     * How a line break in a value is read between {@code before}, the value so far, and the next piece at {@code start}
     * of {@code line}: between digits as a space (a card's or phone number's groups, one a line), else as the line
     * break it is, which the detectors read across where it cuts an address ({@link LineBrokenAddress}).
     */
    private static char lineBreakAt(CharSequence before, String line, int start) {
        boolean digits = !before.isEmpty() && Character.isDigit(before.charAt(before.length() - 1))
                && start < line.length() && Character.isDigit(line.charAt(start));
        return digits ? ' ' : '\n';
    }

    private static boolean isWrap(char marker) {
        return marker == '.' || marker == '\u2026';
    }

    /** Each column's value, its pieces joined; {@code null} for a column empty on every line. */
    Column[] columns() {
        int count = lines.getFirst().starts().length;
        Column[] columns = new Column[count];
        for (int k = 0; k < count; k++) {
            columns[k] = column(k);
        }
        return columns;
    }

    private Column column(int k) {
        StringBuilder text = new StringBuilder();
        List<int[]> pieces = new ArrayList<>();
        char before = 0;
        for (int l = 0; l < lines.size(); l++) {
            PrintedRow row = lines.get(l);
            int start = row.starts()[k];
            int end = row.ends()[k];
            if (start == end) {
                continue;
            }
            char marker = l + 1 < lines.size() ? openMarker(row, k) : 0;
            start += isWrap(before) && isWrap(row.line().charAt(start)) ? 1 : 0;
            end -= marker != 0 ? 1 : 0;
            if (before == '+' || before == '\u21b5') {
                text.append(lineBreakAt(text, row.line(), start));
            }
            pieces.add(new int[] {text.length(), lineStarts.get(l) + start, lineStarts.get(l) + end});
            text.append(row.line(), start, Math.max(start, end));
            before = marker;
        }
        if (pieces.isEmpty()) {
            return null;
        }
        int[] joinedStarts = new int[pieces.size()];
        int[] screenStarts = new int[pieces.size()];
        int[] screenEnds = new int[pieces.size()];
        for (int p = 0; p < joinedStarts.length; p++) {
            joinedStarts[p] = pieces.get(p)[0];
            screenStarts[p] = pieces.get(p)[1];
            screenEnds[p] = Math.max(pieces.get(p)[1], pieces.get(p)[2]);
        }
        return new Column(text.toString(), joinedStarts, screenStarts, screenEnds);
    }
}
