package dev.tracegate.gateway.http;

import dev.tracegate.masking.CellResult;
import dev.tracegate.masking.FallbackAction;
import dev.tracegate.masking.FallbackReason;
import dev.tracegate.masking.MaskingRefusedException;
import dev.tracegate.masking.MaskingReport;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Masks a Server-Sent Events stream ({@code text/event-stream}) as an {@code EventSource} reads
 * it (the WHATWG rules): lines end at CR, LF or CR LF, a leading byte order mark is dropped, and
 * the {@code data:} lines of one event are one value, joined with line feeds. So a JSON document
 * written across several data lines, after more than one space or in events ended by CR alone is
 * masked as the JSON document the reader parses, with its field rules and name hints, not as
 * unrelated lines of text. An event's data is held until the blank line that ends it (the reader
 * dispatches nothing before), so the stream stays live event by event.
 */
final class EventStreamMasking {

    private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

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
        PendingData data = new PendingData(maxData);
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
                endLine(masker, line.toByteArray(), oversized, data, out, report);
                line.reset();
                oversized = false;
                if (in.available() == 0) {
                    out.flush();
                }
            } else if (line.size() < maxLine) {
                line.write(b);
            } else {
                oversized = true;
            }
        }
        if (line.size() > 0 || oversized) {
            endLine(masker, line.toByteArray(), oversized, data, out, report);
        }
        data.emit(masker, out, report);
        out.flush();
    }

    private static void endLine(BodyMasking.TextLine masker, byte[] line, boolean oversized, PendingData data,
                                OutputStream out, MaskingReport report) throws IOException {
        if (line.length == 0 && !oversized) {
            data.emit(masker, out, report); // the blank line that dispatches the event
            out.write('\n');
            return;
        }
        int value = dataValueStart(line);
        if (value < 0) {
            BodyMasking.writeLine(masker, line, oversized, out, report); // event:, id:, retry:, a comment
            out.write('\n');
            return;
        }
        data.add(line, value, oversized);
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

    /** The data lines of the event being read, until its blank line. */
    private static final class PendingData {
        private final int max;
        private final ByteArrayOutputStream joined = new ByteArrayOutputStream();
        private byte[] prefix;
        private boolean oversized;

        PendingData(int max) {
            this.max = max;
        }

        void add(byte[] line, int value, boolean cut) {
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

        void emit(BodyMasking.TextLine masker, OutputStream out, MaskingReport report) throws IOException {
            if (prefix == null) {
                return;
            }
            try {
                writeData(prefix, masked(masker, report), out);
            } finally {
                prefix = null;
                oversized = false;
                joined.reset();
            }
        }

        private byte[] masked(BodyMasking.TextLine masker, MaskingReport report) {
            byte[] value = joined.toByteArray();
            if (oversized) {
                report.fallback(masker.location(), FallbackReason.OVERSIZED, FallbackAction.REDACT);
                return "[OVERSIZED]".getBytes(StandardCharsets.UTF_8);
            }
            if (BodyMasking.holdsZeroByte(value)) {
                report.fallback(masker.location(), FallbackReason.UNMASKABLE, FallbackAction.REDACT);
                return "[UNMASKABLE]".getBytes(StandardCharsets.UTF_8);
            }
            if (startsLikeJson(value)) {
                MaskingReport tentative = new MaskingReport();
                try {
                    byte[] masked = masker.json().mask(value, tentative);
                    report.add(tentative);
                    return masked;
                } catch (MaskingRefusedException e) {
                    if (e.reason() != FallbackReason.INVALID_JSON) {
                        throw e; // nested too deep: refused as JSON, not let through as text
                    }
                }
            }
            CellResult result = masker.text().maskUtf8(value, 0, value.length, report);
            if (!result.changed()) {
                return value;
            }
            return result.value() == null ? new byte[0] : result.utf8();
        }

        private static boolean startsLikeJson(byte[] value) {
            for (byte b : value) {
                if (b != ' ' && b != '\t' && b != '\n') {
                    return b == '{' || b == '[';
                }
            }
            return false;
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
