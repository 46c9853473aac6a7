package dev.tracegate.masking;

import java.util.ArrayList;
import java.util.List;

/**
 * One record of a result printed a field a line: psql's expanded output ({@code \x}, {@code -x}:
 * {@code -[ RECORD 1 ]---} and then {@code name | value} lines), MariaDB's vertical output
 * ({@code \G}, {@code --vertical}: {@code *** 1. row ***} and {@code name: value} lines), MariaDB's
 * {@code --xml} ({@code <row>} and {@code <field name="...">value</field>} lines) and psql's
 * {@code --html} ({@code <tr>} and {@code <td>value</td>} lines). A record is a row turned on its
 * side: a value the row splits across its columns ({@code local | ada.lovelace@},
 * {@code domain | example.com}) is split across the record's lines, so its values are read together
 * as {@link SplitAcrossCells} reads a row's cells, and a record is held until it ends
 * ({@link #openAt}) so that no line of it leaves before the others have been read with it.
 *
 * @param start       where the record's first line starts in the text
 * @param valueStarts where each value starts in the text (a value's next line, a line of its own)
 * @param valueEnds   where each value ends
 * @param closed      whether the record has ended (a line no field is on, or the next record)
 */
record PrintedRecord(int start, int[] valueStarts, int[] valueEnds, boolean closed) {

    private enum Kind { EXPANDED, VERTICAL, MARKUP }

    /**
     * @param unfinishedLineCounts whether a last line without its line break yet is read (at a quiet
     *                             moment: a prompt after the last record ends it) or left for more output
     */
    private static List<PrintedRecord> in(String text, boolean unfinishedLineCounts) {
        List<PrintedRecord> records = new ArrayList<>();
        Kind kind = null;
        int start = 0;
        List<int[]> values = new ArrayList<>();
        for (int lineStart = 0; lineStart < text.length(); ) {
            int lineEnd = text.indexOf('\n', lineStart);
            if (lineEnd < 0 && (!unfinishedLineCounts || PagerPrompt.endsWith(text, lineStart))) {
                break; // more output to come, or a pager's prompt: the next key goes on with the record
            }
            lineEnd = lineEnd < 0 ? text.length() : lineEnd;
            String line = text.substring(lineStart, lineEnd);
            Kind header = headerKind(line);
            if (header != null || (kind != null && !valuesOf(kind, line, lineStart, values))) {
                if (kind != null) {
                    records.add(of(start, values, true));
                }
                kind = header;
                start = lineStart;
                values = new ArrayList<>();
            }
            lineStart = lineEnd + 1;
        }
        if (kind != null) {
            records.add(of(start, values, false));
        }
        return records;
    }

    /** Where the last of {@code records} (of one text, in order) starts when it is still open; {@link Integer#MAX_VALUE} when none is. */
    static int openAt(List<PrintedRecord> records) {
        return records.isEmpty() || records.getLast().closed ? Integer.MAX_VALUE : records.getLast().start;
    }

    /**
     * The records in {@code text} read once for both questions a terminal's masker asks of it, where one
     * still open starts ({@link #openAt(List)}) and which values to read together: an unfinished last line
     * is read only at a quiet moment ({@code quiet}), since while output keeps coming the record is held
     * from its start anyway and nothing on that line leaves. None when the text holds no record's header.
     */
    static List<PrintedRecord> read(String text, boolean quiet) {
        return mayHold(text) ? in(text, quiet) : List.of();
    }

    /** Whether {@code text} may hold a record's header: a cheap look before reading its lines. */
    static boolean mayHold(String text) {
        return text.contains("[ RECORD ") || text.contains(". row *") || text.contains("<row>") || text.contains("<tr");
    }

    /** The values' texts (as cells of a row). */
    String[] values(String text) {
        String[] cells = new String[valueStarts.length];
        for (int k = 0; k < cells.length; k++) {
            cells[k] = text.substring(valueStarts[k], valueEnds[k]);
        }
        return cells;
    }

    private static PrintedRecord of(int start, List<int[]> values, boolean closed) {
        int[] starts = new int[values.size()];
        int[] ends = new int[values.size()];
        for (int k = 0; k < starts.length; k++) {
            starts[k] = values.get(k)[0];
            ends[k] = values.get(k)[1];
        }
        return new PrintedRecord(start, starts, ends, closed);
    }

    /** The kind of record {@code line} starts, or {@code null} when it starts none. */
    private static Kind headerKind(String line) {
        String text = line.strip();
        if (text.isEmpty()) {
            return null;
        }
        char first = text.charAt(0);
        if ("-\u2500+\u250c\u251c|\u2502".indexOf(first) >= 0 && text.contains("[ RECORD ")) {
            return Kind.EXPANDED;
        }
        if (first == '*' && text.contains(". row *")) {
            return Kind.VERTICAL;
        }
        if (text.equals("<row>") || text.startsWith("<tr>") || text.startsWith("<tr ")) {
            return Kind.MARKUP;
        }
        return null;
    }

    /** Adds the values on {@code line}, a line of a record of {@code kind}; false when it ends the record. */
    private static boolean valuesOf(Kind kind, String line, int lineStart, List<int[]> values) {
        if (line.isBlank()) {
            return false;
        }
        return switch (kind) {
            case EXPANDED -> expandedValue(line, lineStart, values);
            case VERTICAL -> verticalValue(line, lineStart, values);
            case MARKUP -> markupValue(line, lineStart, values);
        };
    }

    /** {@code name | value} (or a value's next line, its name's column empty), a line's value without psql's markers. */
    private static boolean expandedValue(String line, int lineStart, List<int[]> values) {
        PrintedRow row = PrintedRow.of(line);
        if (row == null || row.starts().length != 2) {
            return false;
        }
        int start = row.starts()[1];
        int end = row.ends()[1];
        char first = start < end ? line.charAt(start) : 0;
        start += first == '.' || first == '\u2026' ? 1 : 0;
        char last = end > start ? line.charAt(end - 1) : 0;
        end -= last == '+' || last == '\u21b5' || last == '\u2026' || (last == '.' && end == line.length()) ? 1 : 0;
        add(values, line, lineStart, start, end);
        return true;
    }

    /** {@code name: value}, the names right-aligned; another line is the next line of a value with a line break. */
    private static boolean verticalValue(String line, int lineStart, List<int[]> values) {
        int colon = line.indexOf(": ");
        boolean field = colon > 0 && !line.substring(0, colon).isBlank();
        int start = field ? colon + 2 : 0;
        add(values, line, lineStart, start, line.length());
        return true;
    }

    /** {@code <field name="...">value</field>} or {@code <td ...>value</td>}; the closing row tag ends the record. */
    private static boolean markupValue(String line, int lineStart, List<int[]> values) {
        String text = line.strip();
        if (text.equals("</row>") || text.equals("</tr>")) {
            return false;
        }
        int start = 0;
        int end = line.length();
        int indent = line.indexOf(text.charAt(0));
        if (text.startsWith("<field") || text.startsWith("<td") || text.startsWith("<th")) {
            int close = line.indexOf('>', indent);
            start = close < 0 ? line.length() : close + 1;
        }
        int endTag = line.lastIndexOf("</");
        if (endTag >= start) {
            end = endTag;
        }
        // a line break in a value is a tag at the end of its line (psql's <br />)
        while (end > start && line.charAt(end - 1) == '>' && line.lastIndexOf('<', end - 1) >= start) {
            end = line.lastIndexOf('<', end - 1);
        }
        add(values, line, lineStart, start, end);
        return true;
    }

    /** Adds the value of {@code line} from {@code start} to {@code end}, trimmed, when it is not empty. */
    private static void add(List<int[]> values, String line, int lineStart, int start, int end) {
        int[] value = PrintedRow.trimmed(line, start, end);
        if (value[0] < value[1]) {
            values.add(new int[] {lineStart + value[0], lineStart + value[1]});
        }
    }
}
