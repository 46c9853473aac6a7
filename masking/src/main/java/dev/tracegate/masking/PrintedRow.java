package dev.tracegate.masking;

import java.util.ArrayList;
import java.util.List;

/**
 * The cells of one line of a table as terminal clients print it: psql's aligned format (cells
 * between {@code |}, borders 0 to 2), its unicode line style ({@code │}), MySQL's and MariaDB's boxes
 * ({@code | a | b |}) and tab-separated output ({@code psql -A -F $'\t'}, {@code mariadb -B}); and,
 * on a line without those, what other printed formats set a row's values apart with: commas and
 * semicolons ({@code psql --csv}, {@code \pset fieldsep}), a separator a user chose ({@code -F '#'},
 * {@code '::'}, {@link #FIELD_SEPARATORS}), double quotes (a JSON object on one line,
 * {@code jq -c}), markup tags ({@code mariadb --html}, {@code --xml}) and runs of two spaces or more
 * ({@code column -t}, psql's border 0). A terminal shows a row's values side by side on one line, so
 * a value a row splits across its columns ({@link SplitAcrossCells}) is as readable there as in the
 * result set: the terminal's masker reads such a line's cells together too. A line that prints a
 * JSON record ({@code {"a" : "ada@", "b" : "example.com"}}, psql's {@code json} column, {@code curl}'s
 * answer) is also read with its string values as its cells ({@link #jsonValues}), as the JSON masker
 * reads a record's values.
 */
record PrintedRow(String line, int[] starts, int[] ends) {

    /** The fewest cells a line must have to be read as a row. */
    private static final int MIN_CELLS = 2;
    /**
     * Characters that set a row's values apart where a user chose them ({@code psql -A -F '#'},
     * {@code \pset fieldsep '~'}, {@code awk -v OFS='^'}) and that no value the detectors find holds:
     * a run of them is a border, so {@code ada.lovelace@#example.com} is read as two cells (until
     * 2026-12-07 such a line was one cell and its address's pieces left in clear).
     */
    private static final String FIELD_SEPARATORS = "#~^!*$\u00a6\u00a7";
    /**
     * Characters that are a border when doubled or more ({@code -F '::'}, {@code '&&'}, {@code '%%'}): alone they
     * belong to values (a time, a URL's query, an escape).
     */
    private static final String DOUBLED_SEPARATORS = ":&%?";
    /** The most lines a double-quoted value is followed over (a CSV value's line breaks). */
    private static final int MAX_QUOTED_LINES = 16;

    /** The line's cells (trimmed, box edges left out), or {@code null} when it does not read as a row. */
    static PrintedRow of(String line) {
        char separator = separatorOf(line);
        if (separator == 0) {
            return loose(line);
        }
        List<int[]> cells = new ArrayList<>();
        int from = 0;
        for (int at = 0; at <= line.length(); at++) {
            if (at == line.length() || line.charAt(at) == separator) {
                addTrimmed(cells, line, from, at);
                from = at + 1;
            }
        }
        // A box's edges ("| a | b |") leave an empty cell before the first and after the last. A line
        // starting otherwise is psql's (border 0 or 1), whose first or last column may be empty there
        // (a NULL, a wrapped value's next line): those cells stay, so the columns of the row's lines line up.
        boolean box = separator != '\t' && line.charAt(0) == separator;
        if (box && cells.getFirst()[0] == cells.getFirst()[1]) {
            cells.removeFirst();
        }
        if (box && !cells.isEmpty() && cells.getLast()[0] == cells.getLast()[1]) {
            cells.removeLast();
        }
        return of(line, cells);
    }

    private static PrintedRow of(String line, List<int[]> cells) {
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
        return of(line, cells);
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

    /**
     * A line without bars or tabs, cut where other formats set values apart (a comma, a semicolon, a
     * chosen separator, a double quote, a markup tag, two spaces or more); pieces without a letter or digit (JSON's
     * {@code ":"}, a tag between tags) are no cells. {@code null} when it has fewer than two cells.
     */
    private static PrintedRow loose(String line) {
        List<int[]> cells = null;
        int from = 0;
        for (int at = 0; at < line.length(); ) {
            int end = looseSeparatorEnd(line, at);
            if (end == at) {
                at++;
                continue;
            }
            cells = cells == null ? new ArrayList<>() : cells;
            addWithText(cells, line, from, at);
            at = end;
            from = end;
        }
        if (cells == null) {
            return null; // the common line: nothing sets values apart
        }
        addWithText(cells, line, from, line.length());
        return of(line, cells);
    }

    /**
     * Where the row that starts at {@code lineStart} ends: the end of its line, or, when the line
     * opens a double-quoted value it does not close (CSV's quoting of a value with a line break,
     * {@code 1,"ada.lovelace@} over {@code example.com"}), the end of the line that closes it, up to
     * {@value #MAX_QUOTED_LINES} lines on (the text's end when none has yet).
     */
    static int quotedRowEnd(String text, int lineStart, int lineEnd) {
        if (!opensQuote(text, lineStart, lineEnd)) {
            return lineEnd;
        }
        int end = lineEnd;
        for (int lines = 0; end < text.length() && lines < MAX_QUOTED_LINES; lines++) {
            int next = text.indexOf('\n', end + 1);
            next = next < 0 ? text.length() : next;
            if (opensQuote(text, end + 1, next)) {
                return next;
            }
            end = next;
        }
        return end;
    }

    /**
     * Where a row starts whose double-quoted value no finished line of {@code text} has closed: it
     * is held until the line that closes it; {@link Integer#MAX_VALUE} when there is none.
     */
    static int openQuoteAt(String text) {
        if (text.indexOf('"') < 0) {
            return Integer.MAX_VALUE;
        }
        int open = Integer.MAX_VALUE;
        int lines = 0;
        for (int lineStart = 0; lineStart < text.length(); ) {
            int lineEnd = text.indexOf('\n', lineStart);
            if (lineEnd < 0) {
                break; // an unfinished line closes nothing yet
            }
            if (opensQuote(text, lineStart, lineEnd)) {
                open = open == Integer.MAX_VALUE ? lineStart : Integer.MAX_VALUE;
                lines = 0;
            } else if (open != Integer.MAX_VALUE && ++lines > MAX_QUOTED_LINES) {
                open = Integer.MAX_VALUE; // no CSV value: a stray quote
            }
            lineStart = lineEnd + 1;
        }
        return open;
    }

    /** Whether the line holds an odd number of double quotes and no bar or tab (a table's line is read by its bars). */
    static boolean opensQuote(String text, int from, int to) {
        int quotes = 0;
        for (int k = from; k < to; k++) {
            char c = text.charAt(k);
            if (c == '|' || c == '\t' || c == '\u2502') {
                return false;
            }
            quotes += c == '"' ? 1 : 0;
        }
        return quotes % 2 == 1;
    }

    /** The end of a loose separator at {@code at} ({@link #loose}), or {@code at} when none starts there. */
    private static int looseSeparatorEnd(String line, int at) {
        char c = line.charAt(at);
        if (c == ',' || c == ';' || c == '"' || c == '\n') {
            return at + 1;
        }
        if (FIELD_SEPARATORS.indexOf(c) >= 0 || DOUBLED_SEPARATORS.indexOf(c) >= 0 && at + 1 < line.length()
                && line.charAt(at + 1) == c) {
            int end = at + 1;
            while (end < line.length() && line.charAt(end) == c) {
                end++;
            }
            return end;
        }
        if (c == ' ' && at + 1 < line.length() && line.charAt(at + 1) == ' ') {
            int end = at + 2;
            while (end < line.length() && line.charAt(end) == ' ') {
                end++;
            }
            return end;
        }
        if (c == '<' && at + 1 < line.length() && (Character.isLetter(line.charAt(at + 1)) || line.charAt(at + 1) == '/')) {
            int close = line.indexOf('>', at);
            return close < 0 ? at : close + 1;
        }
        return at;
    }

    private static void addTrimmed(List<int[]> cells, String line, int from, int to) {
        cells.add(trimmed(line, from, to));
    }

    /** {@code from} and {@code to} moved in past the white space at either end of {@code line}'s text between them. */
    static int[] trimmed(String line, int from, int to) {
        int start = from;
        int end = to;
        while (start < end && Character.isWhitespace(line.charAt(start))) {
            start++;
        }
        while (end > start && Character.isWhitespace(line.charAt(end - 1))) {
            end--;
        }
        return new int[] {start, end};
    }

    private static void addWithText(List<int[]> cells, String line, int from, int to) {
        for (int k = from; k < to; k++) {
            if (Character.isLetterOrDigit(line.charAt(k))) {
                addTrimmed(cells, line, from, to);
                return;
            }
        }
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
