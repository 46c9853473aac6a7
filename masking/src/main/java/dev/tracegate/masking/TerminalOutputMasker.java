package dev.tracegate.masking;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Masks a terminal's output while it streams (an SSH command's stdout and stderr, a shell's
 * terminal), with a profile's content detectors. Output arrives in arbitrary pieces: a value can
 * be split between two writes, between stdout and stderr, in the middle of a UTF-8 character, or
 * have escape sequences and carriage returns inside it. So the masker
 *
 * <ul>
 *   <li>decodes each stream as UTF-8, carrying an incomplete character to the next write (bytes
 *       that are not UTF-8 become U+FFFD: output that cannot be read is not passed on as is);</li>
 *   <li>scans what the terminal would show, in the order it was written, both streams together:
 *       escape sequences (CSI, other ESC sequences) and control characters (CR, backspace) are
 *       left out of the scanned text, and the text of OSC and DCS strings (a window title) is
 *       scanned as a text of its own;</li>
 *   <li>holds back a bounded tail while output keeps coming: the incomplete last line (up to
 *       {@link #LINE_WINDOW} characters) and an unfinished {@code -----BEGIN} block (up to
 *       {@link #MAX_HELD}), so a value is scanned whole before any of it leaves;</li>
 *   <li>when the output has gone quiet ({@link #quiet()}: a terminal's prompt, an echoed
 *       keystroke), passes on all but the trailing token that could still be the start of a value
 *       (one with an {@code @} or three digits, with the digit groups before it);</li>
 *   <li>scans new text together with the last {@link #CONTEXT} characters already passed on, so
 *       a value whose start has left is still masked from where it is now.</li>
 * </ul>
 *
 * A span the detectors find is replaced, escape sequences inside it included; the replacement
 * goes to the stream the span began on. Not thread-safe: one writer at a time.
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
    /** Characters already passed on that new text is scanned with. */
    public static final int CONTEXT = 256;
    /** The most decoded at once: longer writes are taken in slices, so a scan stays bounded. */
    private static final int SLICE = 16 * 1024;
    private static final char ESC = 0x1b;
    /** Stands, in the scanned text, for the start and end of an OSC or DCS string: no detector spans it. */
    private static final char STRING_EDGE = 0;

    private enum Release { DATA, QUIET, END }

    private final ColumnMasker masker;
    private final String location;
    private final MaskingReport report;
    private final Sink sink;
    private final CharsetDecoder[] decoders = {decoder(), decoder()};
    private final byte[][] carries = {new byte[0], new byte[0]};
    /** Decoded output not passed on yet, escape sequences included. */
    private final StringBuilder held = new StringBuilder();
    /** The stream each character of {@link #held} came on. */
    private byte[] streams = new byte[1024];
    /** The end of what was passed on, as scanned (clear). */
    private final StringBuilder context = new StringBuilder();

    /**
     * @param location where the report counts what was masked ({@code terminal})
     * @param report   counts finds of what was passed on (each once, however often it was scanned)
     */
    public TerminalOutputMasker(Masker masker, String location, MaskingReport report, Sink sink) {
        this.masker = masker.forColumn(ColumnRef.expression(location));
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
        Screen screen = Screen.of(held);
        String scanned = context + screen.text;
        int length = screen.text.length();
        boolean pressed = held.length() > MAX_HELD;
        int cut = switch (mode) {
            case END -> length;
            case DATA -> lineCut(screen.text);
            case QUIET -> length - valueTail(screen.text);
        };
        if (mode != Release.END && !pressed) {
            cut = Math.min(cut, openBlock(scanned, context.length()));
        }
        if (cut == 0 && mode != Release.END) {
            return; // finds can only move the cut back: nothing to pass on, nothing to scan yet
        }
        List<Span> spans = spans(scanned, context.length());
        for (Span span : spans) {
            if (span.start < cut && cut < span.end) {
                cut = pressed ? span.end : span.start;
            }
        }
        if (cut > 0 && cut < length && Character.isLowSurrogate(screen.text.charAt(cut))) {
            cut--;
        }
        int rawCut = mode == Release.END ? held.length() : cut == length ? screen.complete : screen.cutAt[cut];
        if (rawCut <= 0) {
            return;
        }
        emit(screen, spans, cut, rawCut);
        context.append(screen.text, 0, cut);
        if (context.length() > CONTEXT) {
            context.delete(0, context.length() - CONTEXT);
        }
        held.delete(0, rawCut);
        System.arraycopy(streams, rawCut, streams, 0, held.length());
    }

    /** What the detectors find in {@code scanned}, as spans of the held screen text (those that reach into it). */
    private List<Span> spans(String scanned, int contextLength) {
        List<Replacement> found = masker.replacements(scanned, new MaskingReport());
        if (found.isEmpty()) {
            return List.of();
        }
        List<Span> spans = new ArrayList<>(found.size());
        for (Replacement r : found) {
            if (r.end() > contextLength) {
                spans.add(new Span(Math.max(r.start(), contextLength) - contextLength, r.end() - contextLength,
                        r.entity(), r.text()));
            }
        }
        return spans;
    }

    /** While output keeps coming: up to the last line break, or all but {@link #LINE_WINDOW} of a long line. */
    private static int lineCut(String text) {
        int lineStart = text.lastIndexOf('\n') + 1;
        return text.length() - lineStart > LINE_WINDOW ? text.length() - LINE_WINDOW : lineStart;
    }

    /**
     * How much of the end could be the start of a value that is still being printed: the trailing
     * token (letters, digits, {@code @._%+-/:=~}) with the digit groups before it (separated by a
     * space or parenthesis), when it holds an {@code @} or at least three digits. A prompt ends in
     * a space or a sign and is passed on; {@code Card: 4111 1111 } is held.
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
        return at || digits >= 3 ? text.length() - start : 0;
    }

    /**
     * Where an unfinished {@code -----BEGIN} block starts in the held text (a private key printed
     * line by line is one value for the detectors), or {@link Integer#MAX_VALUE} when there is none.
     */
    private static int openBlock(String scanned, int contextLength) {
        int begin = scanned.lastIndexOf("-----BEGIN");
        if (begin < 0 || scanned.indexOf("-----END", begin) >= 0) {
            return Integer.MAX_VALUE;
        }
        return Math.max(0, begin - contextLength);
    }

    private void emit(Screen screen, List<Span> spans, int cut, int rawCut) throws IOException {
        StringBuilder out = new StringBuilder(rawCut + 16);
        int stream = streams[0];
        int next = 0;
        int i = 0;
        while (i < rawCut) {
            Span span = next < spans.size() && spans.get(next).end <= cut ? spans.get(next) : null;
            int at = span == null ? -1 : screen.rawAt[span.start];
            if (streams[i] != stream) {
                flush(stream, out);
                stream = streams[i];
            }
            if (at >= 0 && i >= at) {
                out.append(span.replacement);
                report.count(location, span.entity, 1);
                i = Math.max(i, screen.rawAt[span.end - 1] + 1);
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

    /** A find, as a span of the held screen text, and what takes its place. */
    private record Span(int start, int end, String entity, String replacement) {
    }

    /**
     * What a terminal shows of the held output, as text to scan: printable characters and line
     * breaks, with where each came from.
     *
     * @param text     what is scanned
     * @param rawAt    for each character of {@code text}, its index in the held output
     * @param cutAt    for each character, where the held output may be cut to pass on what is
     *                 before it (the start of an OSC string for the text inside one)
     * @param complete the end of the held output without an unfinished escape sequence at its end
     */
    private record Screen(String text, int[] rawAt, int[] cutAt, int complete) {

        static Screen of(CharSequence raw) {
            int n = raw.length();
            StringBuilder text = new StringBuilder(n);
            int[] rawAt = new int[n + 2];
            int[] cutAt = new int[n + 2];
            int i = 0;
            while (i < n) {
                char c = raw.charAt(i);
                if (c == ESC || c == 0x9b || c == 0x9d || c == 0x90) {
                    int end = escapeEnd(raw, i);
                    if (end < 0) {
                        return new Screen(text.toString(), rawAt, cutAt, i);
                    }
                    if (isString(raw, i)) {
                        // A window title or a terminal query is shown or acted on: its text is scanned too.
                        int body = c == ESC ? i + 2 : i + 1;
                        add(text, rawAt, cutAt, STRING_EDGE, i, i);
                        for (int k = body; k < end && !isStringEnd(raw, k); k++) {
                            add(text, rawAt, cutAt, raw.charAt(k), k, i);
                        }
                        add(text, rawAt, cutAt, STRING_EDGE, end - 1, i);
                    }
                    i = end;
                    continue;
                }
                if (c == '\n' || c == '\t' || (c >= 0x20 && c != 0x7f && !(c >= 0x80 && c < 0xa0))) {
                    add(text, rawAt, cutAt, c, i, i);
                }
                i++;
            }
            return new Screen(text.toString(), rawAt, cutAt, n);
        }

        private static void add(StringBuilder text, int[] rawAt, int[] cutAt, char c, int raw, int cut) {
            rawAt[text.length()] = raw;
            cutAt[text.length()] = cut;
            text.append(c);
        }

        private static boolean isString(CharSequence raw, int i) {
            char c = raw.charAt(i);
            if (c != ESC) {
                return c == 0x9d || c == 0x90;
            }
            char next = raw.charAt(i + 1);
            return next == ']' || next == 'P' || next == 'X' || next == '^' || next == '_';
        }

        private static boolean isStringEnd(CharSequence raw, int k) {
            char c = raw.charAt(k);
            return c == 0x07 || c == 0x9c || c == ESC;
        }

        /** The end of the escape sequence at {@code i}, or -1 when it is not complete yet. */
        private static int escapeEnd(CharSequence raw, int i) {
            int n = raw.length();
            char c = raw.charAt(i);
            if (c == 0x9b) {
                return controlSequenceEnd(raw, i + 1);
            }
            if (c == 0x9d || c == 0x90) {
                return stringEnd(raw, i + 1);
            }
            if (i + 1 >= n) {
                return -1;
            }
            char next = raw.charAt(i + 1);
            if (next == '[') {
                return controlSequenceEnd(raw, i + 2);
            }
            if (next == ']' || next == 'P' || next == 'X' || next == '^' || next == '_') {
                return stringEnd(raw, i + 2);
            }
            if (next < 0x20) {
                return i + 1; // a lone ESC: the control after it is the terminal's own
            }
            int j = i + 1;
            while (j < n && raw.charAt(j) >= 0x20 && raw.charAt(j) <= 0x2f) {
                j++;
            }
            return j >= n ? -1 : j + 1;
        }

        /** Parameters and intermediates, then a final byte; a malformed one ends where it stops making sense. */
        private static int controlSequenceEnd(CharSequence raw, int from) {
            int j = from;
            while (j < raw.length() && raw.charAt(j) >= 0x20 && raw.charAt(j) <= 0x3f && j - from < 256) {
                j++;
            }
            if (j >= raw.length()) {
                return -1;
            }
            char last = raw.charAt(j);
            return last >= 0x40 && last <= 0x7e ? j + 1 : j;
        }

        /** An OSC or DCS string ends with BEL, ST or ESC \; an endless one is cut off at {@link #LINE_WINDOW}. */
        private static int stringEnd(CharSequence raw, int from) {
            for (int j = from; j < raw.length(); j++) {
                char c = raw.charAt(j);
                if (c == 0x07 || c == 0x9c) {
                    return j + 1;
                }
                if (c == ESC) {
                    if (j + 1 >= raw.length()) {
                        return -1;
                    }
                    return raw.charAt(j + 1) == '\\' ? j + 2 : j;
                }
                if (j - from >= LINE_WINDOW) {
                    return j;
                }
            }
            return -1;
        }
    }
}
