package dev.tracegate.masking;

import java.util.ArrayList;
import java.util.List;

/**
 * The cells of one line of a table as terminal clients print it: psql's aligned format (cells
 * between {@code |}), its unicode line style ({@code │}), MySQL's and MariaDB's boxes
 * ({@code | a | b |}) and tab-separated output ({@code psql -A -F $'\t'}, {@code mariadb -B}).
 * A terminal shows a row's values side by side on one line, so a value a row splits across its
 * columns ({@link SplitAcrossCells}) is as readable there as in the result set: the terminal's
 * masker reads such a line's cells together too. A line that prints a JSON record ({@code {"a" :
 * "ada@", "b" : "example.com"}}, psql's {@code json} column, {@code curl}'s answer) is read with its
 * string values as its cells ({@link #jsonValues}), as the JSON masker reads a record's values.
 */
record PrintedRow(String line, int[] starts, int[] ends) {

    /** The fewest cells a line must have to be read as a row. */
    private static final int MIN_CELLS = 2;

    /** The line's cells (trimmed, box edges left out), or {@code null} when it does not read as a row. */
    static PrintedRow of(String line) {
        char separator = separatorOf(line);
        if (separator == 0) {
            return null;
        }
        List<int[]> cells = new ArrayList<>();
        int from = 0;
        for (int at = 0; at <= line.length(); at++) {
            if (at == line.length() || line.charAt(at) == separator) {
                int start = from;
                int end = at;
                while (start < end && Character.isWhitespace(line.charAt(start)) && line.charAt(start) != separator) {
                    start++;
                }
                while (end > start && Character.isWhitespace(line.charAt(end - 1))) {
                    end--;
                }
                cells.add(new int[] {start, end});
                from = at + 1;
            }
        }
        // A box's edges ("| a | b |") leave an empty cell before the first and after the last.
        if (separator != '\t' && !cells.isEmpty() && cells.getFirst()[0] == cells.getFirst()[1]) {
            cells.removeFirst();
        }
        if (separator != '\t' && !cells.isEmpty() && cells.getLast()[0] == cells.getLast()[1]) {
            cells.removeLast();
        }
        if (cells.size() < MIN_CELLS) {
            return null;
        }
        int[] starts = new int[cells.size()];
        int[] ends = new int[cells.size()];
        for (int k = 0; k < starts.length; k++) {
            starts[k] = cells.get(k)[0];
            ends[k] = cells.get(k)[1];
        }
        return new PrintedRow(line, starts, ends);
    }

    /**
     * The string values of the JSON text on {@code line} (from its first {@code &#123;} or {@code [}) as its
     * cells, their contents between the quotes as printed; a member's name (a string followed by a
     * {@code :}) is no cell. {@code null} when the line holds fewer than two.
     */
    static PrintedRow jsonValues(String line) {
        int open = firstOpening(line);
        if (open < 0 || line.indexOf('"', open) < 0) {
            return null;
        }
        List<int[]> cells = new ArrayList<>();
        for (int at = line.indexOf('"', open); at >= 0 && at < line.length(); at = line.indexOf('"', at + 1)) {
            int end = at + 1;
            while (end < line.length() && line.charAt(end) != '"') {
                end += line.charAt(end) == '\\' ? 2 : 1;
            }
            if (end >= line.length()) {
                break; // a string the line cuts: the rest of it is on the next line
            }
            int after = end + 1;
            while (after < line.length() && Character.isWhitespace(line.charAt(after))) {
                after++;
            }
            if (end > at + 1 && (after == line.length() || line.charAt(after) != ':')) {
                cells.add(new int[] {at + 1, end});
            }
            at = end;
        }
        if (cells.size() < MIN_CELLS) {
            return null;
        }
        int[] starts = new int[cells.size()];
        int[] ends = new int[cells.size()];
        for (int k = 0; k < starts.length; k++) {
            starts[k] = cells.get(k)[0];
            ends[k] = cells.get(k)[1];
        }
        return new PrintedRow(line, starts, ends);
    }

    private static int firstOpening(String line) {
        int brace = line.indexOf('{');
        int bracket = line.indexOf('[');
        return brace < 0 ? bracket : bracket < 0 ? brace : Math.min(brace, bracket);
    }

    /** The cells' texts; {@code null} for an empty one (as NULL for a result set's row). */
    String[] cells() {
        String[] texts = new String[starts.length];
        for (int k = 0; k < texts.length; k++) {
            texts[k] = starts[k] == ends[k] ? null : line.substring(starts[k], ends[k]);
        }
        return texts;
    }

    /** Which separator the line's cells stand between: a tab, a box-drawing bar, a bar; 0 for none. */
    private static char separatorOf(String line) {
        if (line.indexOf('\t') >= 0) {
            return '\t';
        }
        if (line.indexOf('\u2502') >= 0) {
            return '\u2502';
        }
        return line.indexOf('|') >= 0 ? '|' : 0;
    }
}
