package dev.tracegate.gateway.http;

import dev.tracegate.masking.FallbackAction;
import dev.tracegate.masking.FallbackReason;
import dev.tracegate.masking.MaskingReport;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Masks a Server-Sent Events stream ({@code text/event-stream}) as an {@code EventSource} reads
 * it (the WHATWG rules): lines end at CR, LF or CR LF, a leading byte order mark is dropped, and
 * the {@code data:} lines of one event are one value, joined with line feeds. So a JSON document
 * written across several data lines, after more than one space or in events ended by CR alone is
 * masked as the JSON document the reader parses, with its field rules and name hints, not as
 * unrelated lines of text. An event's data is held until the blank line that ends it (the reader
 * dispatches nothing before), so the stream stays live event by event. A token stream's reader
 * also joins the text of successive events (an LLM's answer a few characters per event): that
 * text is read whole across events too ({@link TokenStreamText}), the events held back while it
 * may end in the start of a value, for at most {@link HeldTokenStream#MAX_WAIT_MILLIS}.
 */
final class EventStreamMasking {

    private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
    private static final byte[] OVERSIZED = "[OVERSIZED]".getBytes(StandardCharsets.UTF_8);

    private EventStreamMasking() {
    }

    /**
     * Copies {@code in} to {@code out} masked; every line is written with an LF ending.
     *
     * @param maxLine the most of one line kept in memory; a longer one is withheld
     * @param maxData the most of one event's data kept in memory; more is withheld
     */
    static void copy(BodyMasking.TextLine masker, int maxLine, int maxData, BufferedInputStream in, OutputStream out,
                     MaskingReport report) throws IOException {
        in.mark(BOM.length);
        if (!Arrays.equals(in.readNBytes(BOM.length), BOM)) {
            in.reset();
        } else {
            out.write(BOM); // the reader drops it before the first line; so does this reading
        }
        PendingEvent event = new PendingEvent(maxData);
        HeldTokenStream<Dispatched> text = new HeldTokenStream<>(new TokenStreamText<>(masker.text(), maxLine, report),
                released -> write(released, masker, out, report), out);
        try {
            relay(event, text, masker, maxLine, in, out, report);
        } finally {
            text.close();
        }
    }

    private static void relay(PendingEvent event, HeldTokenStream<Dispatched> text, BodyMasking.TextLine masker,
                              int maxLine, BufferedInputStream in, OutputStream out, MaskingReport report)
            throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        boolean oversized = false;
        boolean afterCr = false;
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n' && afterCr) {
                afterCr = false; // CR LF ends one line
                continue;
            }
            afterCr = b == '\r';
            if (b == '\n' || b == '\r') {
                synchronized (text) { // the held events' bound writes to the caller too
                    if (line.size() == 0 && !oversized) {
                        dispatch(event, true, text); // the blank line that dispatches the event
                    } else {
                        event.addLine(masker, line.toByteArray(), oversized, report);
                        if (!text.holding()) {
                            event.writeLinesBeforeData(out); // a comment keeping the connection alive goes at once
                        }
                    }
                    if (in.available() == 0) {
                        out.flush();
                    }
                }
                line.reset();
                oversized = false;
            } else if (line.size() < maxLine) {
                line.write(b);
            } else {
                oversized = true;
            }
        }
        synchronized (text) {
            if (line.size() > 0 || oversized) {
                event.addLine(masker, line.toByteArray(), oversized, report);
            }
            if (!event.isEmpty()) {
                dispatch(event, false, text); // the stream's last event, without its blank line
            }
            text.end();
            out.flush();
        }
    }

    private static void dispatch(PendingEvent event, boolean ended, HeldTokenStream<Dispatched> text)
            throws IOException {
        Dispatched dispatched = event.dispatched(ended);
        event.reset();
        text.add(dispatched, dispatched.pieces());
    }

    private static void write(List<TokenStreamText.Released<Dispatched>> released, BodyMasking.TextLine masker,
                              OutputStream out, MaskingReport report) throws IOException {
        for (TokenStreamText.Released<Dispatched> each : released) {
            each.event().write(masker, each.changed() ? each.values() : null, out, report);
        }
    }

    /** Where a data line's value starts (after {@code data:} and one space), or -1 for another line. */
    private static int dataValueStart(byte[] line) {
        if (line.length < 4 || line[0] != 'd' || line[1] != 'a' || line[2] != 't' || line[3] != 'a') {
            return -1;
        }
        if (line.length == 4) {
            return 4; // "data" alone: an empty value
        }
        if (line[4] != ':') {
            return -1;
        }
        return line.length > 5 && line[5] == ' ' ? 6 : 5;
    }

    /** The event being read: its other lines, masked as they came, and its data lines, until its blank line. */
    private static final class PendingEvent {
        private final int max;
        private final ByteArrayOutputStream lines = new ByteArrayOutputStream();
        private final ByteArrayOutputStream joined = new ByteArrayOutputStream();
        private byte[] prefix;
        private boolean oversized;

        PendingEvent(int max) {
            this.max = max;
        }

        void addLine(BodyMasking.TextLine masker, byte[] line, boolean cut, MaskingReport report) throws IOException {
            int value = dataValueStart(line);
            if (value < 0) {
                BodyMasking.writeLine(masker, line, cut, lines, report); // event:, id:, retry:, a comment
                lines.write('\n');
                return;
            }
            if (prefix == null) {
                prefix = Arrays.copyOf(line, value); // "data:" or "data: ", as the target wrote it
            } else {
                joined.write('\n');
            }
            int length = line.length - value;
            if (cut || joined.size() + length > max) {
                oversized = true;
            } else {
                joined.write(line, value, length);
            }
        }

        /** Writes the event's lines read so far when no data line has come yet; they precede its data anyway. */
        void writeLinesBeforeData(OutputStream out) throws IOException {
            if (prefix == null) {
                lines.writeTo(out);
                lines.reset();
            }
        }

        boolean isEmpty() {
            return prefix == null && lines.size() == 0;
        }

        Dispatched dispatched(boolean ended) {
            return new Dispatched(lines.toByteArray(), prefix, prefix == null ? null : new EventData(joined.toByteArray()),
                    oversized, ended);
        }

        void reset() {
            lines.reset();
            joined.reset();
            prefix = null;
            oversized = false;
        }
    }

    /**
     * An event read to its end, waiting to be written.
     *
     * @param lines     its lines other than data, masked, each with its LF
     * @param prefix    {@code data:} or {@code data: } as the target wrote it; null for an event without data
     * @param data      its data lines' values joined with LF; null for an event without data
     * @param oversized whether its data was longer than kept (then withheld)
     * @param ended     whether a blank line ended it (the stream's last event may have none)
     */
    private record Dispatched(byte[] lines, byte[] prefix, EventData data, boolean oversized, boolean ended) {

        /** What a token stream's reader joins of this event's data; nothing of data it never gets. */
        List<TokenStreamText.Piece> pieces() {
            return data == null || oversized || BodyMasking.holdsZeroByte(data.value()) ? List.of() : data.pieces();
        }

        /**
         * Writes the event, its data masked: first with what was found across events ({@code values},
         * one per piece, null where unchanged; null when nothing changed), then as itself.
         */
        void write(BodyMasking.TextLine masker, String[] values, OutputStream out, MaskingReport report)
                throws IOException {
            out.write(lines);
            if (data != null) {
                byte[] value;
                if (oversized) {
                    report.fallback(masker.location(), FallbackReason.OVERSIZED, FallbackAction.REDACT);
                    value = OVERSIZED;
                } else {
                    EventData joined = values == null ? data : data.withValues(values, masker.location(), report);
                    value = joined.masked(masker, report);
                }
                writeData(prefix, value, out);
            }
            if (ended) {
                out.write('\n');
            }
        }

        /** The value as data lines: each of its lines after the event's own prefix. */
        private static void writeData(byte[] prefix, byte[] value, OutputStream out) throws IOException {
            int from = 0;
            for (int i = 0; i <= value.length; i++) {
                if (i == value.length || value[i] == '\n') {
                    out.write(prefix);
                    out.write(value, from, i - from);
                    out.write('\n');
                    from = i + 1;
                }
            }
        }
    }
}
