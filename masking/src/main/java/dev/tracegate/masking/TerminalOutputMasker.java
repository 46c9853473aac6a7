package dev.tracegate.masking;

import dev.tracegate.masking.detect.PrivateKeyBody;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Masks a terminal's output while it streams (an SSH command's stdout and stderr, a shell's
 * terminal), with a profile's content detectors. Output arrives in arbitrary pieces: a value can
 * be split between two writes, between stdout and stderr, in the middle of a UTF-8 character, or
 * have escape sequences and carriage returns inside it. So the masker
 *
 * <ul>
 *   <li>decodes each stream as UTF-8, carrying an incomplete character to the next write (bytes
 *       that are not UTF-8 become U+FFFD: output that cannot be read is not passed on as is);</li>
 *   <li>scans the output, in the order it was written, both streams together, three ways, so
 *       that neither the screen nor a file saving the raw output holds a value in clear: what
 *       the terminal shows (control sequences and control characters such as CR and backspace
 *       left out, so {@code 4111 ESC[1m1111ESC[0m 1111 1111} is one card); the text each control
 *       sequence carries, as a text of its own (CSI parameters and intermediates; OSC, DCS, SOS,
 *       PM and APC strings, 7- and 8-bit, ended by BEL or ST); and the output as written, when it
 *       holds anything the screen view leaves out (a value running from a sequence's final
 *       letter into the text, {@code ESC[DE89...}, or glued to a word by a CR);</li>
 *   <li>treats a control sequence as one unit: it is never cut, one still open is held until it
 *       ends, one too long for a terminal to expect (past 256 parameter characters or
 *       {@link #LINE_WINDOW} string characters) is scanned from its introducer on as shown text,
 *       and one still open when the output ends is scanned to the end;</li>
 *   <li>holds back a bounded tail while output keeps coming: the incomplete last line (up to
 *       {@link #LINE_WINDOW} characters) and an unfinished key block ({@code -----BEGIN}, SSH2's
 *       {@code ---- BEGIN}, PuTTY's {@code Private-Lines:}; up to
 *       {@link #MAX_HELD}), so a value is scanned whole before any of it leaves;</li>
 *   <li>when the output has gone quiet ({@link #quiet()}: a terminal's prompt, an echoed
 *       keystroke), passes on all but the trailing token that could still be the start of a value
 *       (one with an {@code @} or three digits, with the digit groups before it);</li>
 *   <li>scans new text together with the last {@link #CONTEXT} characters already passed on, so
 *       a value whose start has left is still masked from where it is now.</li>
 * </ul>
 *
 * A span the detectors find is replaced, escape sequences inside it included; a find inside a
 * string (a window title) is replaced there and the string kept; a CSI whose parameters hold one
 * is dropped whole. The replacement goes to the stream the span began on. Not thread-safe: one
 * writer at a time.
 */
public final class TerminalOutputMasker {

    /** Where masked output goes, in the order it was written. */
    public interface Sink {
        /** @param stream 0 (stdout) or 1 (stderr) */
        void write(int stream, byte[] utf8) throws IOException;
    }

    /** The longest incomplete line held while output keeps coming. */
    public static final int LINE_WINDOW = 512;
    /** The most held in all (an unfinished PEM block); beyond it the oldest text is scanned and passed on. */
    public static final int MAX_HELD = 64 * 1024;
    /** The first and last lines of a key block, which is held until its last line arrives ({@link #openBlock}). */
    private static final String[][] KEY_BLOCK_FENCES = {
        {"-----BEGIN", "-----END"}, {"---- BEGIN ", "---- END "}, {"Private-Lines:", "Private-MAC:"}};
    /** Characters already passed on that new text is scanned with. */
    public static final int CONTEXT = 256;
    /** The longest line read as a printed table row; a longer one is scanned as text only. */
    private static final int MAX_PRINTED_ROW = 4096;
    /** The most decoded at once: longer writes are taken in slices, so a scan stays bounded. */
    private static final int SLICE = 16 * 1024;
    private static final char ESC = 0x1b;
    /** Separates, in the scanned text, the texts of two control sequences: no detector spans it. */
    private static final char STRING_EDGE = 0;

    private enum Release { DATA, QUIET, END }

    /** A manifest's data or stringData key at the start of a line (YAML, a list item's, or JSON). */
    private static final Pattern MANIFEST_DATA = Pattern.compile("(?m)^[ \t-]*\"?(?:data|stringData)\"?[ \t]*:");
    /** A manifest's kind key at the start of a line. */
    private static final Pattern MANIFEST_KIND = Pattern.compile("(?m)^[ \t-]*\"?kind\"?[ \t]*:");

    private final ColumnMasker masker;
    /** Reads a printed table row's cells together ({@link #printedRowSpans}). */
    private final SplitAcrossCells acrossCells;
    private final String location;
    private final MaskingReport report;
    private final Sink sink;
    private final CharsetDecoder[] decoders = {decoder(), decoder()};
    private final byte[][] carries = {new byte[0], new byte[0]};
    /** Decoded output not passed on yet, escape sequences included. */
    private final StringBuilder held = new StringBuilder();
    /** The stream each character of {@link #held} came on. */
    private byte[] streams = new byte[1024];
    /** The end of what was passed on, as the terminal shows it (clear). */
    private final StringBuilder context = new StringBuilder();
    /** The end of what was passed on, as it was written (clear, control sequences included). */
    private final StringBuilder rawContext = new StringBuilder();
    /**
     * Where the pieces of one value a printed result splits (a row's cells, a record's lines, the
     * halves of an address cut by a line break) start and end in the held output: never cut between.
     */
    private final List<int[]> linkedPieces = new ArrayList<>();

    /**
     * @param location where the report counts what was masked ({@code terminal})
     * @param report   counts finds of what was passed on (each once, however often it was scanned)
     */
    public TerminalOutputMasker(Masker masker, String location, MaskingReport report, Sink sink) {
        this.masker = masker.forColumn(ColumnRef.expression(location));
        this.acrossCells = new SplitAcrossCells(masker.profile());
        this.location = location;
        this.report = report;
        this.sink = sink;
    }

    /** Output of {@code stream} (0 stdout, 1 stderr); passes on what is safe to pass on now. */
    public void write(int stream, byte[] data, int offset, int length) throws IOException {
        for (int at = offset; at < offset + length; at += SLICE) {
            append(stream, decode(stream, data, at, Math.min(SLICE, offset + length - at), false));
            release(Release.DATA);
        }
    }

    /** The output has been quiet for a moment: passes on all but a tail that could start a value. */
    public void quiet() throws IOException {
        if (!held.isEmpty()) {
            release(Release.QUIET);
        }
    }

    /** The output ended: scans and passes on everything held. */
    public void end() throws IOException {
        for (int stream = 0; stream < 2; stream++) {
            append(stream, decode(stream, new byte[0], 0, 0, true));
        }
        release(Release.END);
    }

    /** Whether output is held back (a quiet moment would pass some of it on). */
    public boolean holding() {
        return !held.isEmpty();
    }

    private String decode(int stream, byte[] data, int offset, int length, boolean last) {
        byte[] carry = carries[stream];
        ByteBuffer in;
        if (carry.length == 0) {
            in = ByteBuffer.wrap(data, offset, length);
        } else {
            byte[] joined = Arrays.copyOf(carry, carry.length + length);
            System.arraycopy(data, offset, joined, carry.length, length);
            in = ByteBuffer.wrap(joined);
        }
        CharBuffer out = CharBuffer.allocate(in.remaining() + 2);
        CharsetDecoder decoder = decoders[stream];
        decoder.decode(in, out, last);
        if (last) {
            decoder.flush(out);
            decoder.reset();
        }
        // An incomplete character at the end stays for the next write (at most three bytes).
        carries[stream] = new byte[in.remaining()];
        in.get(carries[stream]);
        return out.flip().toString();
    }

    private void append(int stream, String text) {
        int from = held.length();
        held.append(text);
        if (streams.length < held.length()) {
            streams = Arrays.copyOf(streams, Math.max(held.length(), streams.length * 2));
        }
        Arrays.fill(streams, from, held.length(), (byte) stream);
    }

    private void release(Release mode) throws IOException {
        Screen screen = Screen.of(held, mode == Release.END);
        int length = screen.text.length();
        boolean pressed = held.length() > MAX_HELD;
        int cut = switch (mode) {
            case END -> length;
            case DATA -> lineCut(screen.text);
            case QUIET -> length - valueTail(screen.text);
        };
        // psql -x output is read for its records once, for the cut and for the values read together
        List<PrintedRecord> records = PrintedRecord.read(screen.text, mode != Release.DATA);
        if (mode != Release.END && !pressed) {
            String scanned = context + screen.text;
            cut = Math.min(cut, Math.min(openBlock(scanned, context.length()), openManifest(scanned, context.length())));
            cut = Math.min(cut, openBodyWithoutHeader(scanned, context.length()));
            cut = Math.min(cut, Math.min(PrintedRecord.openAt(records), openContinuedRow(screen.text)));
            if (mode == Release.DATA) { // held while more output comes: a quiet moment passes them on
                cut = Math.min(cut, Math.min(PrintedRow.openQuoteAt(screen.text), openNamedValues(screen.text)));
                cut = Math.min(cut, openAddressCut(screen.text));
            }
            cut = Math.min(cut, openLineBrokenValue(screen.text)); // held over a quiet moment too
        }
        if (cut == 0 && mode != Release.END) {
            return; // finds can only move the cut back: nothing to pass on, nothing to scan yet
        }
        int rawCut = cut == length ? screen.complete : screen.rawAt[cut];
        if (rawCut > 0 && rawCut < held.length() && Character.isLowSurrogate(held.charAt(rawCut))) {
            rawCut--;
        }
        List<Span> spans = spans(screen, records);
        for (boolean moved = true; moved; ) {
            moved = false;
            for (Span span : spans) {
                if (span.start < rawCut && rawCut < span.end) {
                    rawCut = pressed ? screen.unitEnd(span.end - 1) : screen.unitStart[span.start];
                    moved = true;
                }
            }
            for (int[] pieces : linkedPieces) { // one value's pieces leave together, or wait together
                if (pieces[0] < rawCut && rawCut < pieces[1]) {
                    rawCut = pressed ? screen.unitEnd(pieces[1] - 1) : screen.unitStart[pieces[0]];
                    moved = true;
                }
            }
        }
        if (rawCut <= 0) {
            return;
        }
        emit(spans, rawCut);
        context.append(screen.text, 0, screen.shownBefore(rawCut));
        trim(context);
        rawContext.append(held, 0, rawCut);
        trim(rawContext);
        held.delete(0, rawCut);
        System.arraycopy(streams, rawCut, streams, 0, held.length());
    }

    private static void trim(StringBuilder passed) {
        if (passed.length() > CONTEXT) {
            passed.delete(0, passed.length() - CONTEXT);
        }
    }

    /**
     * What the detectors find in the held output, as spans of it (sorted, overlaps merged), read
     * three ways: as the terminal shows it (control sequences left out, so a value with a colour
     * change inside is one value), the text each control sequence carries on its own (a window
     * title, a hyperlink, a CSI's parameters), and as the bytes are (what a client saving the raw
     * output keeps: a value running from a sequence's last byte into the text, or after a
     * control character the screen view leaves out).
     */
    private List<Span> spans(Screen screen, List<PrintedRecord> records) {
        linkedPieces.clear();
        List<Span> spans = new ArrayList<>();
        String shown = context + screen.text;
        for (Replacement r : masker.replacements(shown, new MaskingReport())) {
            if (r.end() > context.length()) {
                int start = Math.max(r.start(), context.length()) - context.length();
                spans.add(new Span(screen.rawAt[start], screen.rawEnd(start, r.end() - context.length()), r.entity(), r.text()));
            }
        }
        carriedSpans(screen, spans);
        printedRowSpans(screen, records, spans);
        if (screen.dropsCharacters || Screen.leavesOut(rawContext, rawContext.length())) {
            String raw = rawContext + held.substring(0, screen.complete);
            for (Replacement r : masker.replacements(raw, new MaskingReport())) {
                int start = Math.max(r.start(), rawContext.length()) - rawContext.length();
                int end = r.end() - rawContext.length();
                // One inside a single control sequence is the carried view's; one that runs out of a
                // sequence into the text takes the whole sequence with it (no half sequence is left).
                if (end > 0 && !(end - start > 1 && screen.unitStart[start] == screen.unitStart[end - 1])) {
                    spans.add(new Span(screen.unitStart[start], screen.unitEnd(end - 1), r.entity(), r.text()));
                }
            }
        }
        return merged(spans);
    }

    /**
     * Values a printed table row splits across its columns (an address cut at its {@code @} in
     * two columns, a card's digit groups, a key or a token in pieces, a value the column before it
     * names), read as {@link SplitAcrossCells} reads a result set's row: each line the terminal
     * shows whole in the held output, cut into its cells by the client's separator ({@link PrintedRow}),
     * with the lines that go on with its values ({@link ContinuedRow}: psql's wrapped format and
     * values with line breaks); and the records printed a field a line ({@link PrintedRecord}).
     */
    private void printedRowSpans(Screen screen, List<PrintedRecord> records, List<Span> spans) {
        String text = screen.text;
        List<int[]> namedValues = new ArrayList<>();
        List<PrintedRow> lines = new ArrayList<>();
        List<Integer> lineStarts = new ArrayList<>();
        int lineStart = 0;
        while (lineStart < text.length()) {
            int lineEnd = text.indexOf('\n', lineStart);
            lineEnd = lineEnd < 0 ? text.length() : lineEnd;
            int quotedEnd = PrintedRow.quotedRowEnd(text, lineStart, lineEnd);
            lineEnd = quotedEnd - lineStart > MAX_PRINTED_ROW ? lineEnd : quotedEnd;
            PrintedRow row = lineEnd - lineStart > MAX_PRINTED_ROW ? null : PrintedRow.of(text.substring(lineStart, lineEnd));
            if (row == null || quotedEnd != lineEnd || (!lines.isEmpty() && !ContinuedRow.continues(lines.getLast(), row))) {
                continuedRowSpans(screen, new ContinuedRow(lines, lineStarts), spans);
                lines = new ArrayList<>();
                lineStarts = new ArrayList<>();
            }
            if (row != null) {
                lines.add(row);
                lineStarts.add(lineStart);
            }
            int[] named = lineEnd - lineStart > MAX_PRINTED_ROW ? null : namedValue(text, lineStart, lineEnd, row);
            if (named == null) {
                namedValuesSpans(screen, namedValues, spans);
                namedValues = new ArrayList<>();
            } else {
                namedValues.add(named);
            }
            if (lineEnd - lineStart <= MAX_PRINTED_ROW) {
                PrintedRow json = PrintedRow.jsonValues(text.substring(lineStart, lineEnd));
                cellSpans(screen, spans, lineStart, json, json == null ? null : acrossCells.piecesOf(json.cells()));
            }
            lineStart = lineEnd + 1;
        }
        namedValuesSpans(screen, namedValues, spans);
        continuedRowSpans(screen, new ContinuedRow(lines, lineStarts), spans);
        addressesCutAtLineBreaks(screen, spans);
        for (PrintedRecord record : records) {
            int[] starts = record.valueStarts();
            int[] ends = record.valueEnds();
            EntityType[] parts = starts.length < 2 ? null : acrossCells.partsOf(record.values(text));
            int before = spans.size();
            for (int k = 0; parts != null && k < parts.length; k++) {
                if (parts[k] != null) {
                    spans.add(cellSpan(screen, starts[k], ends[k], parts[k]));
                }
            }
            link(screen, spans, before);
        }
    }

    /**
     * Values of a run of {@code name | value} lines, read together as one record's: psql prints a
     * record so without its {@code -[ RECORD ]} header in {@code -t -x}, {@code -A -x} and
     * {@code --csv -x}, where a value the record splits across its fields is split across the lines.
     */
    private void namedValuesSpans(Screen screen, List<int[]> values, List<Span> spans) {
        if (values.size() < 2) {
            return;
        }
        String[] cells = new String[values.size()];
        for (int k = 0; k < cells.length; k++) {
            cells[k] = screen.text.substring(values.get(k)[0], values.get(k)[1]);
        }
        EntityType[] parts = acrossCells.partsOf(cells);
        int before = spans.size();
        for (int k = 0; parts != null && k < parts.length; k++) {
            if (parts[k] != null) {
                spans.add(cellSpan(screen, values.get(k)[0], values.get(k)[1], parts[k]));
            }
        }
        link(screen, spans, before);
    }

    /**
     * An address cut at its {@code @} by a line break: a line whose last token ends with the {@code @}
     * over one whose first token is the domain, or a line whose first token starts with it under the
     * local part. A value with a line break in it is printed so wherever a client prints it as it
     * is ({@code psql -A}, {@code mariadb --raw}, {@code cat}), and the screen shows the two halves
     * one under the other; the two tokens are read as a row's two cells are ({@link SplitAcrossCells}).
     */
    private void addressesCutAtLineBreaks(Screen screen, List<Span> spans) {
        String text = screen.text;
        if (text.indexOf('@') < 0) {
            return;
        }
        for (int lineBreak = text.indexOf('\n'); lineBreak > 0 && lineBreak + 1 < text.length();
             lineBreak = text.indexOf('\n', lineBreak + 1)) {
            int[] tail = lastToken(text, lineBreak);
            int[] head = firstToken(text, lineBreak + 1);
            if (tail != null && head != null && (text.charAt(tail[1] - 1) == '@' || text.charAt(head[0]) == '@')) {
                addressPieces(screen, tail, head, spans);
            }
            columnPieces(screen, lineBreak, spans);
        }
    }

    /**
     * A token ending with an {@code @} over a token that starts in the same column of the next line:
     * a value with a line break in a column of a table printed without markers (psql's border 0).
     */
    private void columnPieces(Screen screen, int lineBreak, List<Span> spans) {
        String text = screen.text;
        int lineStart = text.lastIndexOf('\n', lineBreak - 1) + 1;
        int nextEnd = text.indexOf('\n', lineBreak + 1);
        nextEnd = nextEnd < 0 ? text.length() : nextEnd;
        for (int at = indexIn(text, '@', lineStart, lineBreak); at >= 0; at = indexIn(text, '@', at + 1, lineBreak)) {
            if (at + 1 < lineBreak && !endsToken(text.charAt(at + 1))) {
                continue; // not a token's end
            }
            int[] tail = lastToken(text, at + 1);
            int below = lineBreak + 1 + tail[0] - lineStart;
            if (below < nextEnd && !isCellEdge(text.charAt(below)) && (below == lineBreak + 1 || isCellEdge(text.charAt(below - 1)))) {
                addressPieces(screen, tail, firstToken(text, below), spans);
            }
        }
    }

    private void addressPieces(Screen screen, int[] tail, int[] head, List<Span> spans) {
        String text = screen.text;
        EntityType[] parts = acrossCells.partsOf(new String[] {
            text.substring(tail[0], tail[1]), text.substring(head[0], head[1])});
        if (parts != null && parts[0] != null && parts[1] != null) {
            spans.add(cellSpan(screen, tail[0], tail[1], parts[0]));
            spans.add(cellSpan(screen, head[0], head[1], parts[1]));
            link(screen, spans, spans.size() - 2);
        }
    }

    /** The last token of the line ending at {@code lineEnd}, after its last separator or space; null when none. */
    private static int[] lastToken(String text, int lineEnd) {
        int end = lineEnd;
        while (end > 0 && text.charAt(end - 1) != '\n' && isCellEdge(text.charAt(end - 1))) {
            end--;
        }
        int start = end;
        while (start > 0 && text.charAt(start - 1) != '\n' && !isCellEdge(text.charAt(start - 1))) {
            start--;
        }
        return start < end ? new int[] {start, end} : null;
    }

    /** The first token of the line starting at {@code lineStart}; null when none. */
    private static int[] firstToken(String text, int lineStart) {
        int start = lineStart;
        while (start < text.length() && text.charAt(start) != '\n' && isCellEdge(text.charAt(start))) {
            start++;
        }
        int end = start;
        while (end < text.length() && text.charAt(end) != '\n' && !isCellEdge(text.charAt(end))) {
            end++;
        }
        return start < end ? new int[] {start, end} : null;
    }

    /** Where {@code c} first is in {@code text} from {@code from} to {@code to}; -1 when it is not (a line's search stays in the line). */
    private static int indexIn(String text, char c, int from, int to) {
        for (int k = from; k < to; k++) {
            if (text.charAt(k) == c) {
                return k;
            }
        }
        return -1;
    }

    /** Whether {@code c} after a token ends it: a cell's edge, or a line break's marker in a separator's place (psql's border 0). */
    private static boolean endsToken(char c) {
        return isCellEdge(c) || c == '+' || c == '\u21b5';
    }

    /** Whether {@code c} sets a token apart: white space or a printed format's separator. */
    private static boolean isCellEdge(char c) {
        return Character.isWhitespace(c) || ",;|\"'<>\u2502".indexOf(c) >= 0;
    }

    /** The most {@code name | value} lines a run is held over. */
    private static final int MAX_NAMED_LINES = 64;

    /**
     * Where the run of {@code name | value} lines that ends the text's finished lines starts, or
     * {@link Integer#MAX_VALUE} when the last finished line is none: the next line may go on with the
     * record, so the run is held while output keeps coming.
     */
    static int openNamedValues(String text) {
        int end = text.lastIndexOf('\n');
        int start = Integer.MAX_VALUE;
        for (int lines = 0; end > 0 && lines < MAX_NAMED_LINES; lines++) {
            int lineStart = text.lastIndexOf('\n', end - 1) + 1;
            // a line closing a quoted value is the end of a row that began above it, held by its quote
            if (end - lineStart > MAX_PRINTED_ROW || PrintedRow.opensQuote(text, lineStart, end)
                    || namedValue(text, lineStart, end, PrintedRow.of(text.substring(lineStart, end))) == null) {
                break;
            }
            start = lineStart;
            end = lineStart - 1;
        }
        return start;
    }

    /**
     * Where the last finished line starts when a token of it ends with an {@code @}, or its last token is an address
     * cut in its domain ({@code ada.lovelace@exam}): the domain, or its rest, may come next.
     */
    static int openAddressCut(String text) {
        int end = text.lastIndexOf('\n');
        int lineStart = end > 0 ? text.lastIndexOf('\n', end - 1) + 1 : 0;
        if (end > 0 && CutAddressEnd.mayGoOnNextLine(withoutBreakMark(text.substring(lineStart, end)))) {
            return lineStart;
        }
        for (int at = end > 0 ? indexIn(text, '@', lineStart, end) : -1; at >= 0; at = indexIn(text, '@', at + 1, end)) {
            if (at + 1 == end || endsToken(text.charAt(at + 1))) {
                return lineStart;
            }
        }
        return Integer.MAX_VALUE;
    }

    /** The most lines a card's pieces are held over, one group a line ({@link LineBrokenCard} reads six). */
    private static final int MAX_CARD_LINES = 6;

    /**
     * Where the finished lines that end the text start when the last of them may end a value's first piece that the
     * next line completes, or {@link Integer#MAX_VALUE}: a card's digits ({@code 4111 11}, then {@code 11 1111 1111};
     * a group a line, the lines of groups before it with it), an address's local part ({@code ada.love}, then {@code
     * lace@example.com}) or an address cut at its {@code @} or in its domain. {@link LineBrokenCard} and {@link
     * LineBrokenAddress} read such pieces across the line break only when both are in one scanned text. Held while
     * output keeps coming and over a quiet moment too: a program printing the pieces with a pause between them
     * ({@code echo 4111; sleep 1; echo 1111 ...}) passed the first ones on in clear before 2026-12-07. The hold ends
     * when the next line starts with what cannot go on with the value (a prompt's sign) or when the output ends; the
     * cost is that a live program's last line ending in a number shows when its next line (or the prompt) comes.
     */
    static int openLineBrokenValue(String text) {
        int[] lineBreak = lastBreak(text, text.length());
        if (lineBreak == null || lineBreak[0] == 0 || !mayGoOnWithAValue(text, lineBreak[1])) {
            return Integer.MAX_VALUE;
        }
        int lineStart = pieceStart(text, lineBreak[0]);
        String line = text.substring(lineStart, lineBreak[0]);
        if (CutAddressEnd.mayGoOnNextLine(withoutBreakMark(line)) || CutAddressEnd.mayGoOnNextLineInItsLocalPart(line)) {
            return lineStart;
        }
        if (!LineBrokenCard.mayGoOnNextLine(line)) {
            return Integer.MAX_VALUE;
        }
        int start = lineStart;
        for (int lines = 1; start > 0 && lines < MAX_CARD_LINES; lines++) {
            int[] before = lastBreak(text, start);
            int previousStart = pieceStart(text, before[0]);
            if (!LineBrokenCard.mayGoOnNextLine(text.substring(previousStart, before[0]))) {
                break;
            }
            start = previousStart;
        }
        return start;
    }

    /**
     * Where the last line break that ends before {@code end} starts and ends, or null: a line feed, or one written as
     * an escape ({@code \n}, {@code \r\n}), as COPY's text format, {@code \copy ... to stdout} and a log's JSON
     * write a value's line break, which {@link LineBrokenCard} and {@link LineBrokenAddress} read as one too.
     */
    private static int[] lastBreak(String text, int end) {
        for (int k = end - 1; k >= 0; k--) {
            if (text.charAt(k) == '\n') {
                return new int[] {k, k + 1};
            }
            if (text.charAt(k) == 'n' && k > 0 && text.charAt(k - 1) == '\\') {
                boolean cr = k >= 3 && text.startsWith("\\r", k - 3);
                return new int[] {cr ? k - 3 : k - 1, k + 1};
            }
        }
        return null;
    }

    /** Where the piece of text that ends at a line break at {@code breakStart} starts: after the break before it. */
    private static int pieceStart(String text, int breakStart) {
        int[] before = lastBreak(text, breakStart);
        return before == null ? 0 : before[1];
    }

    /**
     * Whether the unfinished line from {@code from} may still go on with a value the line before it began: nothing
     * yet, or blanks, digits and address characters only (a prompt ends in its sign, {@code $}, {@code >}, {@code #}).
     */
    private static boolean mayGoOnWithAValue(String text, int from) {
        for (int k = from; k < text.length(); k++) {
            char c = text.charAt(k);
            if (!(c < 128 && Character.isLetterOrDigit(c) || " \t\r._%+-@".indexOf(c) >= 0)) {
                return false;
            }
        }
        return true;
    }

    /** {@code line} without psql's mark of a line break in a value at its end ({@code +} or {@code ↵}, after the padding). */
    private static String withoutBreakMark(String line) {
        String text = line.stripTrailing();
        return text.endsWith("+") || text.endsWith("\u21b5") ? text.substring(0, text.length() - 1) : text;
    }

    /**
     * Where the value of a field's line is in {@code text}, or null when the line from {@code lineStart}
     * to {@code lineEnd} is none: two cells of a printed row ({@code row}), a name and a value
     * ({@code local | ada.lovelace@}, {@code local,ada.lovelace@}, a JSON member), or a name, a colon and
     * a value ({@code local: ada.lovelace@}, YAML's and a vertical record's field without its header).
     */
    private static int[] namedValue(String text, int lineStart, int lineEnd, PrintedRow row) {
        if (row != null) {
            boolean named = row.starts().length == 2 && row.starts()[1] < row.ends()[1]
                    && isName(row.line(), row.starts()[0], row.ends()[0]);
            return named ? new int[] {lineStart + row.starts()[1], lineStart + row.ends()[1]} : null;
        }
        int colon = indexIn(text, ':', lineStart, lineEnd);
        while (colon >= 0 && colon + 1 < lineEnd && text.charAt(colon + 1) != ' ') {
            colon = indexIn(text, ':', colon + 1, lineEnd);
        }
        if (colon < 0 || colon + 1 >= lineEnd) {
            return null;
        }
        int nameStart = lineStart;
        while (nameStart < colon && text.charAt(nameStart) == ' ') {
            nameStart++;
        }
        int[] value = PrintedRow.trimmed(text, colon + 2, lineEnd);
        return isName(text, nameStart, colon) && value[0] < value[1] ? value : null;
    }

    /** Whether the text from {@code start} to {@code end} is a field's name: a letter first, no more than 64 characters. */
    private static boolean isName(String text, int start, int end) {
        if (start == end || end - start > 64 || !Character.isLetter(text.charAt(start))) {
            return false;
        }
        for (int k = start; k < end; k++) {
            char c = text.charAt(k);
            if (!(Character.isLetterOrDigit(c) || c == '_' || c == ' ' || c == '-' || c == '.')) {
                return false;
            }
        }
        return true;
    }

    /**
     * The spans of a row's values it splits across its columns, read from its cells joined over its
     * lines; and, when it is on more than one line, the finds in each value cut by a line's end, in
     * each piece they reach.
     */
    private void continuedRowSpans(Screen screen, ContinuedRow row, List<Span> spans) {
        if (row.lines().isEmpty()) {
            return;
        }
        int before = spans.size();
        rowSpans(screen, row, spans);
        link(screen, spans, before);
    }

    /**
     * Records that the spans from {@code before} on are pieces of values one result splits: they leave
     * together, from the start of the first one's line, so that what is held is read as the same rows.
     */
    private void link(Screen screen, List<Span> spans, int before) {
        if (spans.size() - before > 1) {
            int start = Integer.MAX_VALUE;
            int end = 0;
            for (Span span : spans.subList(before, spans.size())) {
                start = Math.min(start, span.start);
                end = Math.max(end, span.end);
            }
            int shown = Math.min(screen.shownBefore(start), screen.text.length());
            int lineStart = screen.text.lastIndexOf('\n', shown - 1) + 1;
            linkedPieces.add(new int[] {Math.min(start, screen.rawAt[lineStart]), end});
        }
    }

    private void rowSpans(Screen screen, ContinuedRow row, List<Span> spans) {
        if (row.lines().size() == 1) {
            PrintedRow line = row.lines().getFirst();
            EntityType[] parts = acrossCells.partsOf(line.cells());
            int at = row.lineStarts().getFirst();
            for (int k = 0; parts != null && k < parts.length; k++) {
                if (parts[k] != null) {
                    spans.add(cellSpan(screen, at + line.starts()[k], at + line.ends()[k], parts[k]));
                }
            }
            return;
        }
        ContinuedRow.Column[] columns = row.columns();
        String[] cells = new String[columns.length];
        for (int k = 0; k < columns.length; k++) {
            cells[k] = columns[k] == null ? null : columns[k].text();
        }
        EntityType[] parts = acrossCells.partsOf(cells);
        for (int k = 0; k < columns.length; k++) {
            ContinuedRow.Column column = columns[k];
            if (column == null) {
                continue;
            }
            if (parts != null && parts[k] != null) {
                piecesSpans(screen, column, 0, column.text().length(), parts[k], spans);
            } else if (column.continued()) {
                for (Replacement r : masker.replacements(column.text(), new MaskingReport())) {
                    piecesSpans(screen, column, r.start(), r.end(), entityOf(r.entity()), spans);
                }
            }
        }
    }

    private void piecesSpans(Screen screen, ContinuedRow.Column column, int start, int end, EntityType entity,
                             List<Span> spans) {
        for (int[] piece : column.screenSpans(start, end)) {
            spans.add(cellSpan(screen, piece[0], piece[1], entity));
        }
    }

    /** The entity a find is of; a label no entity has (a custom detector's) is masked as a secret. */
    private static EntityType entityOf(String label) {
        for (EntityType type : EntityType.values()) {
            if (type.name().equals(label)) {
                return type;
            }
        }
        return EntityType.SECRET;
    }

    /** The screen's text from {@code start} to {@code end} masked whole as {@code entity}. */
    private Span cellSpan(Screen screen, int start, int end, EntityType entity) {
        String replacement = masker.maskWholeAs(screen.text.substring(start, end), entity, new MaskingReport()).value();
        return new Span(screen.rawAt[start], screen.rawEnd(start, end), entity.name(), replacement == null ? "" : replacement);
    }

    /**
     * Where the printed table row ending the text starts when its last line ends a value open (a
     * wrapped value's {@code .}, a line break's {@code +}): the next line may go on with it, so the
     * row is held until a line that does not; {@link Integer#MAX_VALUE} otherwise.
     */
    static int openContinuedRow(String text) {
        int end = text.endsWith("\n") ? text.length() - 1 : text.length();
        int lineStart = text.lastIndexOf('\n', end - 1) + 1;
        if (end - lineStart > MAX_PRINTED_ROW || end == lineStart) {
            return Integer.MAX_VALUE;
        }
        PrintedRow last = PrintedRow.of(text.substring(lineStart, end));
        if (end == text.length() && lineStart > 0) { // an unfinished line: held while it may go on with the row
            int previousStart = text.lastIndexOf('\n', lineStart - 2) + 1;
            PrintedRow previous = PrintedRow.of(text.substring(previousStart, lineStart - 1));
            if (previous == null || !ContinuedRow.endsOpen(previous)
                    || !(startsAsContinuation(text, lineStart) || PagerPrompt.endsWith(text, lineStart)
                    || ContinuedRow.firstColumnGoesOn(previous)
                    || last != null && ContinuedRow.continues(previous, last))) {
                return Integer.MAX_VALUE;
            }
            return continuedFrom(text, previousStart, previous);
        }
        return last != null && ContinuedRow.endsOpen(last) ? continuedFrom(text, lineStart, last) : Integer.MAX_VALUE;
    }

    /**
     * Whether the text from {@code lineStart} may be the start of a psql row's next line: spaces, up
     * to a bar or a wrapped value's marker (a prompt or a pager's line starts otherwise).
     */
    private static boolean startsAsContinuation(String text, int lineStart) {
        for (int k = lineStart; k < text.length(); k++) {
            char c = text.charAt(k);
            if (c == '|' || c == '\u2502' || c == '.' || c == '\u2026') {
                return true;
            }
            if (c != ' ') {
                return false;
            }
        }
        return true;
    }

    /** Where the row whose line at {@code lineStart} is {@code row} starts: back over the lines it continues. */
    private static int continuedFrom(String text, int lineStart, PrintedRow row) {
        int start = lineStart;
        PrintedRow current = row;
        while (start > 0) {
            int previousStart = text.lastIndexOf('\n', start - 2) + 1;
            PrintedRow previous = start - 1 - previousStart > MAX_PRINTED_ROW ? null
                    : PrintedRow.of(text.substring(previousStart, start - 1));
            if (previous == null || !ContinuedRow.continues(previous, current)) {
                break;
            }
            start = previousStart;
            current = previous;
        }
        return start;
    }

    /**
     * The cells of {@code row}, a line from {@code lineStart} of the screen's text, that {@code parts}
     * says are pieces: masked whole, and leaving together.
     */
    private void cellSpans(Screen screen, List<Span> spans, int lineStart, PrintedRow row, EntityType[] parts) {
        int before = spans.size();
        for (int k = 0; parts != null && k < parts.length; k++) {
            if (parts[k] != null) {
                spans.add(cellSpan(screen, lineStart + row.starts()[k], lineStart + row.ends()[k], parts[k]));
            }
        }
        link(screen, spans, before);
    }

    /**
     * Finds in the text control sequences carry, each scanned as a text of its own: inside an
     * OSC, DCS, SOS, PM or APC string the find is replaced and the string kept; a CSI whose
     * parameters hold one is dropped whole (no terminal instruction needs a card number).
     */
    private void carriedSpans(Screen screen, List<Span> spans) {
        if (screen.carried.isEmpty()) {
            return;
        }
        StringBuilder joined = new StringBuilder();
        int[] at = new int[screen.carried.size()];
        for (int k = 0; k < at.length; k++) {
            Carried c = screen.carried.get(k);
            at[k] = joined.length();
            joined.append(held, c.bodyStart, c.bodyEnd).append(STRING_EDGE);
        }
        for (Replacement r : masker.replacements(joined.toString(), new MaskingReport())) {
            int k = 0;
            while (k + 1 < at.length && at[k + 1] <= r.start()) {
                k++;
            }
            Carried c = screen.carried.get(k);
            if (c.dropWhole) {
                spans.add(new Span(c.start, c.end, r.entity(), ""));
            } else {
                int end = Math.min(c.bodyStart + r.end() - at[k], c.bodyEnd);
                spans.add(new Span(c.bodyStart + r.start() - at[k], end, r.entity(), r.text()));
            }
        }
    }

    /** Spans in order, overlapping ones joined (the longer one's replacement stands for both). */
    private static List<Span> merged(List<Span> spans) {
        if (spans.size() < 2) {
            return spans;
        }
        spans.sort(java.util.Comparator.comparingInt(Span::start));
        List<Span> merged = new ArrayList<>(spans.size());
        Span current = spans.getFirst();
        for (Span next : spans.subList(1, spans.size())) {
            if (next.start < current.end) {
                Span longer = next.end - next.start > current.end - current.start ? next : current;
                current = new Span(current.start, Math.max(current.end, next.end), longer.entity, longer.replacement);
            } else {
                merged.add(current);
                current = next;
            }
        }
        merged.add(current);
        return merged;
    }

    /** While output keeps coming: up to the last line break, or all but {@link #LINE_WINDOW} of a long line. */
    private static int lineCut(String text) {
        int lineStart = text.lastIndexOf('\n') + 1;
        return text.length() - lineStart > LINE_WINDOW ? text.length() - LINE_WINDOW : lineStart;
    }

    /**
     * How much of the end could be the start of a value that is still being printed: the trailing
     * token (letters, digits, {@code @._%+-/:=~}) with the digit groups before it (separated by a
     * space or parenthesis), when it holds an {@code @} or at least three digits, or the run of digit
     * words and digits that ends the text ({@link SpelledDigits#trailingRunStart}). A prompt ends in
     * a space or a sign and is passed on; {@code Card: 4111 1111 } and {@code card: four one } are held.
     */
    static int valueTail(CharSequence text) {
        int lineStart = lastIndexOf(text, '\n') + 1;
        int start = text.length();
        int digits = 0;
        boolean at = false;
        while (start > lineStart) {
            char c = text.charAt(start - 1);
            if (Character.isLetterOrDigit(c) || "@._%+-/:=~".indexOf(c) >= 0) {
                digits += Character.isDigit(c) ? 1 : 0;
                at |= c == '@';
                start--;
            } else if ((c == ' ' || c == '(' || c == ')') && start - 1 > lineStart
                    && Character.isDigit(text.charAt(start - 2))) {
                start--;
            } else {
                break;
            }
        }
        int held = at || digits >= 3 ? text.length() - start : 0;
        // a number spelled a digit a word (card: four one one ...) is held as its digits are
        return Math.max(held, text.length() - SpelledDigits.trailingRunStart(text, lineStart));
    }

    /**
     * Where an unfinished key block starts in the held text (a private key printed line by line is
     * one value for the detectors), or {@link Integer#MAX_VALUE} when there is none: a PEM block
     * ({@code -----BEGIN} to {@code -----END}), SSH2's ({@code ---- BEGIN} to {@code ---- END}) and
     * PuTTY's private lines ({@code Private-Lines:} to {@code Private-MAC:}); before 2026-12-06 the
     * last two were not held, and the lines of a key printed in pieces further back than the
     * context left in clear.
     */
    private static int openBlock(String scanned, int contextLength) {
        int start = Integer.MAX_VALUE;
        for (String[] fence : KEY_BLOCK_FENCES) {
            int begin = scanned.lastIndexOf(fence[0]);
            if (begin >= 0 && scanned.indexOf(fence[1], begin) < 0) {
                start = Math.min(start, Math.max(0, begin - contextLength));
            }
        }
        return start;
    }


    /** The most lines of a key's body read back from the end of the held text (a 4096-bit RSA key has about 50). */
    private static final int MAX_BODY_LINES = 128;

    /**
     * Where a private key's body printed without its header starts in the held text, when every line
     * after its first is Base64 so far, or {@link Integer#MAX_VALUE} when there is none: {@code tail -n +2
     * id_rsa} or a one-column {@code psql} result of a key's lines after {@code OFFSET 1} printed in
     * pieces. The detectors know such a body by its first line ({@code PrivateKeyBody}), so the lines
     * after it are held with it until a line of another shape ends it.
     */
    static int openBodyWithoutHeader(String scanned, int contextLength) {
        int start = Integer.MAX_VALUE;
        int end = scanned.length();
        for (int lines = 0; end > 0 && lines < MAX_BODY_LINES; lines++) {
            int lineStart = scanned.lastIndexOf('\n', end - 1) + 1;
            int from = lineStart;
            int to = end;
            while (from < to && (scanned.charAt(from) == ' ' || scanned.charAt(from) == '\t')) {
                from++;
            }
            while (to > from && Character.isWhitespace(scanned.charAt(to - 1))) {
                to--;
            }
            if (from == to && end == scanned.length()) {
                end = lineStart - 1; // the line break that ends the text: the next line has not come
                continue;
            }
            if (from == to || !isBase64(scanned, from, to)) {
                break;
            }
            if (PrivateKeyBody.at(scanned, from) == PrivateKeyBody.Start.PRIVATE_KEY) {
                start = lineStart;
            }
            end = lineStart - 1;
        }
        return start == Integer.MAX_VALUE ? start : Math.max(0, start - contextLength);
    }

    private static boolean isBase64(String text, int from, int to) {
        for (int k = from; k < to; k++) {
            char c = text.charAt(k);
            if (!(c < 128 && Character.isLetterOrDigit(c) || c == '+' || c == '/' || c == '=')) {
                return false;
            }
        }
        return true;
    }

    /**
     * Where a Kubernetes manifest starts whose data has been printed and whose kind has not, or
     * {@link Integer#MAX_VALUE} when there is none: kubectl sorts the keys, so a Secret's data
     * comes before its {@code kind: Secret} (YAML) or {@code "kind": "Secret"} (JSON), and the
     * detectors know the data for a Secret's only with the kind in the same text. Held from the
     * last {@code apiVersion} line (an item's, in a list) until a {@code kind} line follows it.
     */
    static int openManifest(String scanned, int contextLength) {
        int api = scanned.lastIndexOf("apiVersion");
        if (api < 0) {
            return Integer.MAX_VALUE;
        }
        int lineStart = scanned.lastIndexOf('\n', api) + 1;
        for (int i = lineStart; i < api; i++) {
            if (" \t\r\"{-".indexOf(scanned.charAt(i)) < 0) {
                return Integer.MAX_VALUE; // not a key at the start of a line
            }
        }
        String after = scanned.substring(api);
        if (!MANIFEST_DATA.matcher(after).find() || MANIFEST_KIND.matcher(after).find()) {
            return Integer.MAX_VALUE;
        }
        return Math.max(0, lineStart - contextLength);
    }

    /** Passes on the held output before {@code rawCut}, each span replaced. */
    private void emit(List<Span> spans, int rawCut) throws IOException {
        StringBuilder out = new StringBuilder(rawCut + 16);
        int stream = streams[0];
        int next = 0;
        int i = 0;
        while (i < rawCut) {
            while (next < spans.size() && spans.get(next).start < i) {
                next++;
            }
            Span span = next < spans.size() && spans.get(next).start == i && spans.get(next).end <= rawCut
                    ? spans.get(next) : null;
            if (streams[i] != stream) {
                flush(stream, out);
                stream = streams[i];
            }
            if (span != null) {
                out.append(span.replacement);
                report.count(location, span.entity, 1);
                i = span.end;
                next++;
            } else {
                out.append(held.charAt(i));
                i++;
            }
        }
        flush(stream, out);
    }

    private void flush(int stream, StringBuilder out) throws IOException {
        if (!out.isEmpty()) {
            sink.write(stream, out.toString().getBytes(StandardCharsets.UTF_8));
            out.setLength(0);
        }
    }

    private static int lastIndexOf(CharSequence text, char c) {
        for (int i = text.length() - 1; i >= 0; i--) {
            if (text.charAt(i) == c) {
                return i;
            }
        }
        return -1;
    }

    private static CharsetDecoder decoder() {
        return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE);
    }

    /** A find, as a span of the held output, and what takes its place. */
    private record Span(int start, int end, String entity, String replacement) {
    }

    /**
     * A complete control sequence that carries text: where it is in the held output, where its
     * text is, and whether a find in that text drops the whole sequence (a CSI) or only the find
     * (a string, whose text is shown or acted on: a window title, a hyperlink).
     */
    private record Carried(int start, int end, int bodyStart, int bodyEnd, boolean dropWhole) {
    }

    /**
     * What a terminal shows of the held output, as text to scan (printable characters and line
     * breaks), with where each came from; and the control sequences in it.
     *
     * @param text            what the terminal shows
     * @param rawAt           for each character of {@code text}, its index in the held output (of the first
     *                        character written to its cell, when a later one overwrote it)
     * @param rawLast         for each character of {@code text}, the index of the last character written to
     *                        its cell: the one the terminal shows
     * @param unitStart       for each index of the held output, where the control sequence holding
     *                        it starts (its own index outside one): the held output is cut only there
     * @param complete        the end of the held output without an unfinished control sequence at its end
     * @param carried         the complete control sequences that carry text
     * @param dropsCharacters whether {@code text} leaves out anything but a CR before a line feed
     */
    private record Screen(String text, int[] rawAt, int[] rawLast, int[] unitStart, int complete, List<Carried> carried,
                          boolean dropsCharacters) {

        /**
         * @param atEnd whether the output has ended: a control sequence still open is then read to
         *              the end (its text is scanned as any other), since no more will come
         */
        static Screen of(CharSequence raw, boolean atEnd) {
            int n = raw.length();
            StringBuilder text = new StringBuilder(n);
            int[] rawAt = new int[n + 1];
            int[] rawLast = new int[n + 1];
            int[] unitStart = new int[n + 1];
            List<Carried> carried = new ArrayList<>();
            // Backspace, carriage return and cursor moves on the line: a character written over another
            // replaces it, as on the screen ("41X\b11..." and nroff's "4\b4" bold both show 41...; a
            // progress line's "XXXX XXXX 1111 1111\r4111 1111" shows a card).
            int cursor = 0;
            int saved = 0;
            int lineStart = 0;
            int i = 0;
            while (i < n) {
                char c = raw.charAt(i);
                int introducer = ControlSequences.introducerLength(raw, i);
                if (introducer == 0) {
                    unitStart[i] = i;
                    if (c == '\b') {
                        cursor = Math.max(lineStart, cursor - 1);
                    } else if (c == '\r') {
                        cursor = lineStart;
                    } else if (c == '\n' || c == '\t' || (c >= 0x20 && c != 0x7f && !(c >= 0x80 && c < 0xa0))) {
                        if (c != '\n' && cursor < text.length()) {
                            text.setCharAt(cursor, c);
                            rawLast[cursor++] = i;
                        } else {
                            rawAt[text.length()] = i;
                            rawLast[text.length()] = i;
                            text.append(c);
                            cursor = text.length();
                            lineStart = c == '\n' ? cursor : lineStart;
                        }
                    }
                    i++;
                    continue;
                }
                int[] unit = ControlSequences.unit(raw, i, introducer, atEnd);
                if (unit == null) {
                    java.util.Arrays.fill(unitStart, i, n + 1, i);
                    return new Screen(text.toString(), rawAt, rawLast, unitStart, i, carried, leavesOut(raw, i));
                }
                int end = unit[0];
                saved = savesCursor(raw, i, end) ? cursor : saved;
                int to = restoresCursor(raw, i, end) ? saved : cursorMove(raw, i, end, cursor, lineStart);
                cursor = Math.max(lineStart, Math.min(text.length(), to));
                if (unit[2] > unit[1]) {
                    carried.add(new Carried(i, end, unit[1], unit[2], ControlSequences.isControlSequence(raw, i)));
                }
                java.util.Arrays.fill(unitStart, i, end, i);
                i = end;
            }
            unitStart[n] = n;
            return new Screen(text.toString(), rawAt, rawLast, unitStart, n, carried, leavesOut(raw, n));
        }

        /**
         * Where a CSI puts the cursor on the line: {@code ESC[nD} back, {@code ESC[nC} forward, {@code ESC[nG}
         * (and {@code ESC[n`}) to column n of the line (n 1 when left out); where it is for anything else.
         */
        private static int cursorMove(CharSequence raw, int at, int end, int cursor, int lineStart) {
            int parameters = parametersStart(raw, at, end);
            char last = raw.charAt(end - 1);
            if (parameters < 0 || "CDG`".indexOf(last) < 0 || end - 1 - parameters > 4) {
                return cursor;
            }
            String count = raw.subSequence(parameters, end - 1).toString();
            if (!count.matches("[0-9]*")) {
                return cursor;
            }
            int n = count.isEmpty() ? 1 : Math.max(1, Integer.parseInt(count));
            return switch (last) {
                case 'C' -> cursor + n;
                case 'D' -> cursor - n;
                default -> lineStart + n - 1;
            };
        }

        /** Where a CSI's parameters start, or -1 when the unit at {@code at} is no CSI. */
        private static int parametersStart(CharSequence raw, int at, int end) {
            return raw.charAt(at) == '\u009b' ? at + 1
                    : raw.charAt(at) == ESC && at + 1 < end && raw.charAt(at + 1) == '[' ? at + 2 : -1;
        }

        /** Whether the unit is DECSC ({@code ESC 7}) or SCOSC ({@code ESC[s}): the cursor is saved. */
        private static boolean savesCursor(CharSequence raw, int at, int end) {
            return isBare(raw, at, end, '7', 's');
        }

        /** Whether the unit is DECRC ({@code ESC 8}) or SCORC ({@code ESC[u}): the saved cursor is back. */
        private static boolean restoresCursor(CharSequence raw, int at, int end) {
            return isBare(raw, at, end, '8', 'u');
        }

        private static boolean isBare(CharSequence raw, int at, int end, char escFinal, char csiFinal) {
            if (raw.charAt(at) == ESC && end == at + 2) {
                return raw.charAt(at + 1) == escFinal;
            }
            return parametersStart(raw, at, end) == end - 1 && raw.charAt(end - 1) == csiFinal;
        }

        /** The end in the held output of what the terminal shows at {@code from} to {@code to}: its last writer. */
        int rawEnd(int from, int to) {
            int end = 0;
            for (int k = from; k < to; k++) {
                end = Math.max(end, rawLast[k]);
            }
            return end + 1;
        }

        /** How many characters of the held output before {@code rawCut} the terminal shows. */
        int shownBefore(int rawCut) {
            int low = 0;
            int high = text.length();
            while (low < high) {
                int mid = (low + high) >>> 1;
                if (rawAt[mid] < rawCut) {
                    low = mid + 1;
                } else {
                    high = mid;
                }
            }
            return low;
        }

        /** The end of the control sequence (or character) holding index {@code r}. */
        int unitEnd(int r) {
            int k = r + 1;
            while (k < complete && unitStart[k] == unitStart[r]) {
                k++;
            }
            return k;
        }

        /** Whether the first {@code end} characters hold one that the screen text leaves out (but a CR before LF). */
        static boolean leavesOut(CharSequence raw, int end) {
            for (int i = 0; i < end; i++) {
                char c = raw.charAt(i);
                boolean shown = c == '\n' || c == '\t' || (c >= 0x20 && c != 0x7f && !(c >= 0x80 && c < 0xa0));
                if (!shown && !(c == '\r' && i + 1 < end && raw.charAt(i + 1) == '\n')) {
                    return true;
                }
            }
            return false;
        }
    }
}
