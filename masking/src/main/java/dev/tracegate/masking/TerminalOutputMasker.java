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
        if (mode != Release.END && !pressed) {
            String scanned = context + screen.text;
            cut = Math.min(cut, Math.min(openBlock(scanned, context.length()), openManifest(scanned, context.length())));
            cut = Math.min(cut, openBodyWithoutHeader(scanned, context.length()));
        }
        if (cut == 0 && mode != Release.END) {
            return; // finds can only move the cut back: nothing to pass on, nothing to scan yet
        }
        int rawCut = cut == length ? screen.complete : screen.rawAt[cut];
        if (rawCut > 0 && rawCut < held.length() && Character.isLowSurrogate(held.charAt(rawCut))) {
            rawCut--;
        }
        List<Span> spans = spans(screen);
        for (boolean moved = true; moved; ) {
            moved = false;
            for (Span span : spans) {
                if (span.start < rawCut && rawCut < span.end) {
                    rawCut = pressed ? screen.unitEnd(span.end - 1) : screen.unitStart[span.start];
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
    private List<Span> spans(Screen screen) {
        List<Span> spans = new ArrayList<>();
        String shown = context + screen.text;
        for (Replacement r : masker.replacements(shown, new MaskingReport())) {
            if (r.end() > context.length()) {
                int start = Math.max(r.start(), context.length()) - context.length();
                spans.add(new Span(screen.rawAt[start], screen.rawEnd(start, r.end() - context.length()), r.entity(), r.text()));
            }
        }
        carriedSpans(screen, spans);
        printedRowSpans(screen, spans);
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
     * shows whole in the held output, cut into its cells by the client's separator.
     */
    private void printedRowSpans(Screen screen, List<Span> spans) {
        String text = screen.text;
        int lineStart = 0;
        while (lineStart < text.length()) {
            int lineEnd = text.indexOf('\n', lineStart);
            lineEnd = lineEnd < 0 ? text.length() : lineEnd;
            if (lineEnd - lineStart <= MAX_PRINTED_ROW) {
                String line = text.substring(lineStart, lineEnd);
                PrintedRow row = PrintedRow.of(line);
                cellSpans(screen, spans, lineStart, row, row == null ? null : acrossCells.partsOf(row.cells()));
                PrintedRow json = PrintedRow.jsonValues(line);
                cellSpans(screen, spans, lineStart, json, json == null ? null : acrossCells.piecesOf(json.cells()));
            }
            lineStart = lineEnd + 1;
        }
    }

    /** The cells of {@code row}, a line from {@code lineStart} of the screen's text, that {@code parts} says are pieces: masked whole. */
    private void cellSpans(Screen screen, List<Span> spans, int lineStart, PrintedRow row, EntityType[] parts) {
        String text = screen.text;
        for (int k = 0; parts != null && k < parts.length; k++) {
            if (parts[k] != null) {
                int start = lineStart + row.starts()[k];
                int end = lineStart + row.ends()[k];
                String replacement = masker.maskWholeAs(text.substring(start, end), parts[k], new MaskingReport()).value();
                spans.add(new Span(screen.rawAt[start], screen.rawEnd(start, end), parts[k].name(),
                        replacement == null ? "" : replacement));
            }
        }
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

        /** The most characters a CSI (or an ESC sequence's intermediates) may run to while it is still open. */
        private static final int MAX_PARAMETERS = 256;

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
            // Backspace and cursor moves on the line: a character written over another replaces it,
            // as on the screen ("41X\b11..." and nroff's "4\b4" bold both show 41...).
            int cursor = 0;
            int lineStart = 0;
            int i = 0;
            while (i < n) {
                char c = raw.charAt(i);
                int introducer = introducerLength(raw, i);
                if (introducer == 0) {
                    unitStart[i] = i;
                    if (c == '\b') {
                        cursor = Math.max(lineStart, cursor - 1);
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
                int[] unit = unit(raw, i, introducer, atEnd);
                if (unit == null) {
                    java.util.Arrays.fill(unitStart, i, n + 1, i);
                    return new Screen(text.toString(), rawAt, rawLast, unitStart, i, carried, leavesOut(raw, i));
                }
                int end = unit[0];
                int moved = cursorMove(raw, i, end);
                cursor = Math.max(lineStart, Math.min(text.length(), cursor + moved));
                if (unit[2] > unit[1]) {
                    carried.add(new Carried(i, end, unit[1], unit[2], isControlSequence(raw, i)));
                }
                java.util.Arrays.fill(unitStart, i, end, i);
                i = end;
            }
            unitStart[n] = n;
            return new Screen(text.toString(), rawAt, rawLast, unitStart, n, carried, leavesOut(raw, n));
        }

        /**
         * How far a CSI moves the cursor along the line: {@code ESC[nD} back, {@code ESC[nC} forward
         * (1 when n is left out); 0 for anything else.
         */
        private static int cursorMove(CharSequence raw, int at, int end) {
            int parameters = raw.charAt(at) == '\u009b' ? at + 1
                    : raw.charAt(at) == ESC && at + 1 < end && raw.charAt(at + 1) == '[' ? at + 2 : -1;
            char last = raw.charAt(end - 1);
            if (parameters < 0 || (last != 'C' && last != 'D') || end - 1 - parameters > 4) {
                return 0;
            }
            String count = raw.subSequence(parameters, end - 1).toString();
            if (!count.matches("[0-9]*")) {
                return 0;
            }
            int n = count.isEmpty() ? 1 : Math.max(1, Integer.parseInt(count));
            return last == 'C' ? n : -n;
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

        /**
         * 1 when a control sequence starts at {@code i}: ESC, or an 8-bit introducer (CSI U+009B;
         * OSC, DCS, SOS, PM, APC, which a terminal in UTF-8 mode may honour as ESC and a letter);
         * 0 otherwise.
         */
        private static int introducerLength(CharSequence raw, int i) {
            char c = raw.charAt(i);
            if (c == ESC) {
                return 1;
            }
            return c == 0x9b || isStringIntroducer(c) ? 1 : 0;
        }

        private static boolean isStringIntroducer(char c) {
            return c == 0x9d || c == 0x90 || c == 0x98 || c == 0x9e || c == 0x9f;
        }

        private static boolean isControlSequence(CharSequence raw, int i) {
            return raw.charAt(i) == 0x9b || (raw.charAt(i) == ESC && raw.charAt(i + 1) == '[');
        }

        /**
         * The control sequence at {@code i}: {end, text start, text end}, or null when it is not
         * complete yet. A CSI's text is its parameters and intermediates; an OSC, DCS, SOS, PM or
         * APC string's text runs to its BEL, ST or ESC \ (an ESC that starts something else ends
         * it there, as terminals do). One still open after more than a terminal expects
         * ({@link #MAX_PARAMETERS} for a CSI or an ESC sequence's intermediates, {@link #LINE_WINDOW}
         * for a string) is read as its introducer alone and the rest as text on the screen, so
         * output cannot be held back for ever and nothing in it escapes the scan.
         */
        private static int[] unit(CharSequence raw, int i, int introducer, boolean atEnd) {
            int n = raw.length();
            char c = raw.charAt(i);
            if (c != ESC) {
                return c == 0x9b ? controlSequence(raw, i + introducer, atEnd) : string(raw, i + introducer, atEnd);
            }
            if (i + 1 >= n) {
                return atEnd ? new int[] {n, n, n} : null;
            }
            char next = raw.charAt(i + 1);
            if (next == '[') {
                return controlSequence(raw, i + 2, atEnd);
            }
            if (next == ']' || next == 'P' || next == 'X' || next == '^' || next == '_') {
                return string(raw, i + 2, atEnd);
            }
            if (next < 0x20) {
                return new int[] {i + 1, 0, 0}; // a lone ESC: the control after it is the terminal's own
            }
            int j = i + 1;
            while (j < n && raw.charAt(j) >= 0x20 && raw.charAt(j) <= 0x2f) {
                j++;
            }
            if (j < n) {
                return new int[] {j + 1, 0, 0};
            }
            return atEnd ? new int[] {n, 0, 0} : open(n - i, MAX_PARAMETERS, i + 1);
        }

        private static int[] controlSequence(CharSequence raw, int from, boolean atEnd) {
            int n = raw.length();
            int j = from;
            while (j < n && raw.charAt(j) >= 0x20 && raw.charAt(j) <= 0x3f) {
                j++;
            }
            if (j >= n) {
                return atEnd ? new int[] {n, from, n} : open(n - from, MAX_PARAMETERS, from);
            }
            char last = raw.charAt(j);
            // A final byte ends it; anything else (a control, a non-ASCII character) ends it malformed, before that.
            return new int[] {last >= 0x40 && last <= 0x7e ? j + 1 : j, from, j};
        }

        private static int[] string(CharSequence raw, int from, boolean atEnd) {
            int n = raw.length();
            for (int j = from; j < n; j++) {
                char c = raw.charAt(j);
                if (c == 0x07 || c == 0x9c) {
                    return new int[] {j + 1, from, j};
                }
                if (c == ESC) {
                    if (j + 1 >= n) {
                        return atEnd ? new int[] {n, from, j} : open(n - from, LINE_WINDOW, from);
                    }
                    return new int[] {raw.charAt(j + 1) == '\\' ? j + 2 : j, from, j};
                }
            }
            return atEnd ? new int[] {n, from, n} : open(n - from, LINE_WINDOW, from);
        }

        /** A sequence still open: null to wait for its end, or, past {@code most}, read as its introducer (ending at {@code text}). */
        private static int[] open(int length, int most, int text) {
            return length > most ? new int[] {text, 0, 0} : null;
        }
    }
}
