package dev.tracegate.gateway.http;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.SerializedString;
import dev.tracegate.gateway.operations.CostAccounting;
import dev.tracegate.masking.CellResult;
import dev.tracegate.masking.ColumnMasker;
import dev.tracegate.masking.ColumnRef;
import dev.tracegate.masking.CutAddressEnd;
import dev.tracegate.masking.LineBrokenCard;
import dev.tracegate.masking.LineWrappedValue;
import dev.tracegate.masking.EntityType;
import dev.tracegate.masking.FallbackAction;
import dev.tracegate.masking.FallbackReason;
import dev.tracegate.masking.JsonMasking;
import dev.tracegate.masking.JwtAcrossValues;
import dev.tracegate.masking.KeyBlockAcrossValues;
import dev.tracegate.masking.Masker;
import dev.tracegate.masking.MaskingRefusedException;
import dev.tracegate.masking.MaskingReport;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.CharConversionException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Masks an HTTP body while it streams, by content type: JSON walked field by field, NDJSON one
 * document per line, text (plain text, Server-Sent Events) line by line through the content
 * detectors, flushed per line so an event stream stays live, form data field by field. Other types cannot be
 * masked; what happens to them is the caller's decision.
 */
final class BodyMasking {

    /** How a body of a content type is masked. */
    enum Kind {
        JSON, NDJSON, TEXT, EVENTS, FORM, OTHER;

        static Kind of(String contentType) {
            if (contentType == null) {
                return OTHER;
            }
            String type = contentType.toLowerCase(Locale.ROOT);
            int semicolon = type.indexOf(';');
            type = (semicolon < 0 ? type : type.substring(0, semicolon)).strip();
            if (type.equals("application/x-ndjson") || type.equals("application/jsonl")
                    || type.equals("application/json-seq") || type.equals("application/ndjson")) {
                return NDJSON;
            }
            if (type.equals("application/json") || type.endsWith("+json")) {
                return JSON;
            }
            if (type.equals("application/x-www-form-urlencoded")) {
                return FORM;
            }
            if (type.equals("text/event-stream")) {
                return EVENTS;
            }
            if (type.startsWith("text/")) {
                return TEXT;
            }
            return OTHER;
        }
    }

    /** The most of a text body that starts like JSON read to find out whether it is JSON. */
    static final int JSON_IN_TEXT_BYTES = 1024 * 1024;

    private BodyMasking() {
    }

    /**
     * Copies {@code in} to {@code out}, masked as {@code kind}; does not close {@code out}.
     *
     * @param location where the report counts finds: {@code request.body} or {@code response.body}
     * @throws MaskingRefusedException for invalid JSON, JSON nested too deep, or a kind that cannot be masked
     */
    static void copy(Kind kind, Masker masker, String location, InputStream in, OutputStream out, MaskingReport report)
            throws IOException {
        switch (kind) {
            case JSON -> json(kind, masker.json(location), location, in, out, report);
            case NDJSON -> ndjson(masker, location, in, out, report);
            case TEXT, EVENTS -> text(kind, masker, location, in, out, report);
            case FORM -> FormMasking.copy(masker.json(location), location, in, out, report);
            case OTHER -> throw new MaskingRefusedException(FallbackReason.UNMASKABLE, location,
                    "this content type cannot be masked");
        }
    }

    /** Copies unchanged, flushing whenever the source has nothing more ready (event streams stay live). */
    static void copyPlain(InputStream in, OutputStream out) throws IOException {
        byte[] buffer = new byte[16 * 1024];
        int n;
        while ((n = in.read(buffer)) >= 0) {
            out.write(buffer, 0, n);
            if (CostAccounting.ON) {
                CostAccounting.COPIES.add(2); // out of the client's stream, into the response's
            }
            if (in.available() == 0) {
                out.flush();
            }
        }
        out.flush();
    }

    private static void json(Kind kind, JsonMasking masking, String location, InputStream in, OutputStream out,
                             MaskingReport report) throws IOException {
        try (JsonParser parser = masking.factory().createParser(in);
             JsonGenerator generator = masking.factory().createGenerator(out)) {
            generator.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            if (kind == Kind.JSON) {
                masking.mask(parser, generator, report);
            } else {
                generator.setRootValueSeparator(new SerializedString("\n"));
                if (masking.maskDocuments(parser, generator, report) > 0) {
                    generator.flush();
                    out.write('\n');
                }
            }
        } catch (JsonProcessingException e) {
            // Parser messages quote the input: only the position is passed on.
            throw new MaskingRefusedException(FallbackReason.INVALID_JSON, location, "the body is not valid JSON"
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + ")"));
        } catch (CharConversionException e) {
            // Jackson detects UTF-16/32 from the first bytes; a byte order it cannot read is not JSON it can mask.
            throw new MaskingRefusedException(FallbackReason.INVALID_JSON, location,
                    "the body is not valid JSON (its encoding cannot be read)");
        }
        out.flush();
    }

    /**
     * NDJSON line by line when its first line is one JSON document, as its readers read it (each
     * line a document, a token stream's text joined across them: {@link TokenStreamText}), a line
     * that is not one document refused; else as a stream of documents however they are spaced.
     */
    private static void ndjson(Masker masker, String location, InputStream in, OutputStream out, MaskingReport report)
            throws IOException {
        BufferedInputStream buffered = in instanceof BufferedInputStream b ? b : new BufferedInputStream(in);
        int maxLine = masker.profile().limits().maxCellChars();
        buffered.mark(maxLine + 2);
        ByteArrayOutputStream first = new ByteArrayOutputStream(); // the first line that is not blank
        int read = 0;
        int b;
        while ((b = buffered.read()) >= 0 && ++read <= maxLine && (b != '\n' || first.size() == 0)) {
            if (first.size() > 0 || (b != ' ' && b != '\t' && b != '\r' && b != '\n')) {
                first.write(b);
            }
        }
        buffered.reset();
        if (read <= maxLine && EventData.jsonPieces(first.toByteArray()) != null) {
            lines(Kind.NDJSON, masker, location, buffered, out, report);
        } else {
            json(Kind.NDJSON, masker.json(location), location, buffered, out, report);
        }
    }

    /**
     * Text, unless it is JSON under another label: a reader that parses the body as JSON whatever
     * its {@code Content-Type} says (many services do) would otherwise get the field rules and
     * name hints skipped by a caller who labels a JSON body {@code text/plain}. So a text body
     * that starts with {@code {} or {@code [} is read whole (up to {@link #JSON_IN_TEXT_BYTES})
     * and masked as JSON documents when it parses as such, else line by line. A UTF-8 byte order
     * mark before it counts as nothing, as readers that decode with it ({@code utf-8-sig}: Python's
     * requests, .NET) drop it before they parse; it is kept in the output.
     */
    private static void text(Kind kind, Masker masker, String location, InputStream in, OutputStream out,
                             MaskingReport report) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        in = in.markSupported() ? in : new BufferedInputStream(in);
        int mark = byteOrderMark(in);
        head.write(BYTE_ORDER_MARK, 0, mark);
        int first = in.read();
        while (first == ' ' || first == '\t' || first == '\r' || first == '\n') {
            if (head.size() == JSON_IN_TEXT_BYTES) {
                throw tooLongToTell(location);
            }
            head.write(first);
            first = in.read();
        }
        if (first >= 0) {
            head.write(first);
        }
        InputStream whole = new SequenceInputStream(new ByteArrayInputStream(head.toByteArray()), in);
        if (first != '{' && first != '[') {
            lines(kind, masker, location, new BufferedInputStream(whole), out, report); // read byte by byte
            return;
        }
        byte[] body = whole.readNBytes(JSON_IN_TEXT_BYTES + 1);
        if (body.length > JSON_IN_TEXT_BYTES) {
            throw tooLongToTell(location);
        }
        ByteArrayOutputStream masked = new ByteArrayOutputStream(body.length);
        masked.write(body, 0, mark);
        MaskingReport tentative = new MaskingReport();
        try {
            masked.write(documents(masker, location, body, mark, tentative));
        } catch (MaskingRefusedException e) {
            if (e.reason() != FallbackReason.INVALID_JSON) {
                throw e; // JSON nested too deep is refused as JSON, not let through as text
            }
            lines(kind, masker, location, new BufferedInputStream(new ByteArrayInputStream(body)), out, report);
            return;
        }
        report.add(tentative);
        masked.writeTo(out);
        out.flush();
    }

    /**
     * A text body that parses as JSON, masked as NDJSON is ({@link #ndjson}): line by line when its
     * first line is one document, and as documents however they are spaced when it is not, or when
     * a later line is not one (a document written over several lines).
     */
    private static byte[] documents(Masker masker, String location, byte[] body, int from, MaskingReport report)
            throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.length);
        MaskingReport byLine = new MaskingReport();
        try {
            ndjson(masker, location, new ByteArrayInputStream(body, from, body.length - from), out, byLine);
            report.add(byLine);
            return out.toByteArray();
        } catch (MaskingRefusedException e) {
            if (e.reason() != FallbackReason.INVALID_JSON) {
                throw e;
            }
        }
        out.reset();
        json(Kind.NDJSON, masker.json(location), location, new ByteArrayInputStream(body, from, body.length - from),
                out, report);
        return out.toByteArray();
    }

    /**
     * The most bytes of a text body's lines held together while each ends in digits (a card's groups one a line, or
     * cut inside a group) or in a local part's piece ({@code ada.love}): a card or an address is a few short lines, and
     * lines of numbers or file names beyond this are read in turns.
     */
    private static final int MAX_HELD_LINES = 4096;
    /** The most lines carried from one turn of held lines into the next: a card over line breaks is up to six pieces. */
    private static final int CARRIED_LINES = 5;
    /** The most bytes of lines carried so, but for the last line, which always is. */
    private static final int CARRIED_BYTES = 512;
    private static final byte[] BYTE_ORDER_MARK = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    /** The length of the UTF-8 byte order mark {@code in} starts with (3), or 0, consuming it; {@code in} supports marks. */
    private static int byteOrderMark(InputStream in) throws IOException {
        in.mark(BYTE_ORDER_MARK.length);
        for (byte expected : BYTE_ORDER_MARK) {
            if (in.read() != (expected & 0xFF)) {
                in.reset();
                return 0;
            }
        }
        return BYTE_ORDER_MARK.length;
    }

    private static MaskingRefusedException tooLongToTell(String location) {
        return new MaskingRefusedException(FallbackReason.UNMASKABLE, location, "a text body that may be JSON and is"
                + " longer than " + JSON_IN_TEXT_BYTES / 1024 + " KiB cannot be told from JSON; send JSON as"
                + " application/json");
    }

    /**
     * Line by line, each line at most {@code maxLine} bytes kept in memory; a longer one is withheld.
     * An event stream as its reader joins its lines ({@link EventStreamMasking}). The strings of
     * JSON lines are also read as the one text a token stream's reader joins ({@link TokenStreamText}):
     * Ollama writes an answer a few characters per NDJSON line. {@code kind} NDJSON: each line that
     * is not blank must be one JSON document.
     */
    private static void lines(Kind kind, Masker masking, String location, BufferedInputStream in, OutputStream out,
                              MaskingReport report) throws IOException {
        TextLine masker = new TextLine(masking.forColumn(ColumnRef.expression(location)), masking.json(location),
                new KeyBlockAcrossValues(), new JwtAcrossValues());
        int maxLine = masking.profile().limits().maxCellChars();
        if (kind == Kind.EVENTS) {
            EventStreamMasking.copy(masker, maxLine, JSON_IN_TEXT_BYTES, in, out, report);
            return;
        }
        boolean documents = kind == Kind.NDJSON;
        HeldTokenStream<Line> text = new HeldTokenStream<>(new TokenStreamText<>(masker.text(), maxLine, report),
                released -> writeLines(released, masker, out, report), out);
        try {
            lines(documents, text, maxLine, in, out, masker, report);
        } finally {
            text.close();
        }
    }

    private static void lines(boolean documents, HeldTokenStream<Line> text, int maxLine, BufferedInputStream in,
                              OutputStream out, TextLine lineMasker, MaskingReport report) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        boolean oversized = false;
        Line waiting = null; // a line that may end with an address's or a card's first piece, read with the next one
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') {
                Line ended = new Line(line.toByteArray(), oversized, true, documents).after(waiting);
                waiting = null;
                Line[] turn;
                if (ended.mayGoOnNextLine(maxLine)) {
                    waiting = ended;
                } else if ((turn = ended.turnAtTheBound(lineMasker, report)) != null) {
                    synchronized (text) { // the lines before the carried ones leave, masked with them as context
                        text.add(turn[0], List.of());
                    }
                    waiting = turn[1];
                } else {
                    synchronized (text) { // the held lines' bound writes to the caller too
                        text.add(ended, ended.pieces());
                        if (in.available() == 0) {
                            out.flush();
                        }
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
                Line last = new Line(line.toByteArray(), oversized, false, documents).after(waiting);
                text.add(last, last.pieces());
            } else if (waiting != null) {
                text.add(waiting, waiting.pieces());
            }
            text.end();
            out.flush();
        }
    }

    private static void writeLines(List<TokenStreamText.Released<Line>> released, TextLine masker, OutputStream out,
                                   MaskingReport report) throws IOException {
        for (TokenStreamText.Released<Line> each : released) {
            each.event().write(masker, each.changed() ? each.values() : null, out, report);
        }
    }

    /**
     * A line of a text or NDJSON body, waiting to be written.
     *
     * @param ended    whether a line feed ended it (the body's last line may have none)
     * @param document whether it must be one JSON document unless blank (NDJSON)
     */
    private record Line(byte[] bytes, boolean oversized, boolean ended, boolean document) {

        /**
         * Whether this text line may end with an address's first half that the next line completes ({@code
         * ada.lovelace@exam}, then {@code ple.com}): it waits to be read with it, as one text with the line break
         * inside, where the detectors read across the break. Not a JSON line, nor one of {@code maxLine} or more.
         */
        boolean mayGoOnNextLine(int maxLine) {
            if (document || oversized || bytes.length >= maxLine || bytes.length == 0 || bytes[bytes.length - 1] == '}'
                    || bytes[bytes.length - 1] == ']' || jsonStart(bytes) >= 0) {
                return false;
            }
            String last = lastLine();
            // lines ending in digits or a dotted word are held together only so far: a card's or a local part's pieces are a few short lines
            return CutAddressEnd.mayGoOnNextLine(last) || (bytes.length < MAX_HELD_LINES
                    && (LineBrokenCard.mayGoOnNextLine(last) || CutAddressEnd.mayGoOnNextLineInItsLocalPart(last)
                    || LineWrappedValue.mayGoOnNextLine(last)));
        }

        /**
         * Lines held together up to the bound whose last line may still go on ({@link #mayGoOnNextLine} but for the
         * bound): read in turns, a value cut where a turn ends would be read in neither. The lines are masked here as one
         * text; the last ones, as many as a card's pieces span ({@value #CARRIED_LINES}, at most {@value #CARRIED_BYTES}
         * bytes but always the last), are carried, masked, into the next turn and read again with the lines after them;
         * the others leave. Returns the lines that leave and those carried; null when the lines are not held so far, or
         * when masking changed how many lines there are (then they leave whole, read in this turn only).
         */
        Line[] turnAtTheBound(TextLine lineMasker, MaskingReport report) {
            if (document || oversized || bytes.length < MAX_HELD_LINES || holdsZeroByte(bytes) || jsonStart(bytes) >= 0
                    || lineMasker.keyBlock().isOpen() || lineMasker.token().isOpen()) {
                return null; // a key's or a token's lines are masked as they are written, one a line
            }
            String last = lastLine();
            if (!LineBrokenCard.mayGoOnNextLine(last) && !CutAddressEnd.mayGoOnNextLineInItsLocalPart(last)
                    && !LineWrappedValue.mayGoOnNextLine(last)) {
                return null;
            }
            MaskingReport tentative = new MaskingReport();
            CellResult masked = lineMasker.text().maskUtf8(bytes, 0, bytes.length, tentative);
            if (masked.changed() && masked.value() == null) {
                return null; // withheld (NULL): the lines leave whole, masked as they are written
            }
            byte[] text = masked.changed() ? masked.utf8() : bytes; // unchanged: the caller's own bytes
            if (lineBreaks(text) != lineBreaks(bytes)) {
                return null;
            }
            int carried = text.length;
            for (int lines = 0; lines < CARRIED_LINES && carried > 0; lines++) {
                int start = carried - 1;
                while (start > 0 && text[start - 1] != '\n') {
                    start--;
                }
                if (lines > 0 && text.length - start > CARRIED_BYTES) {
                    break;
                }
                carried = start;
            }
            if (carried == 0) {
                return null; // one line: nothing leaves
            }
            report.add(tentative);
            return new Line[] {new Line(Arrays.copyOf(text, carried - 1), false, true, false),
                    new Line(Arrays.copyOfRange(text, carried, text.length), false, true, false)};
        }

        private static int lineBreaks(byte[] text) {
            int breaks = 0;
            for (byte b : text) {
                breaks += b == '\n' ? 1 : 0;
            }
            return breaks;
        }

        /** The last line of the lines held together (the one the next line goes on from). */
        private String lastLine() {
            int start = bytes.length;
            while (start > 0 && bytes[start - 1] != '\n') {
                start--;
            }
            return new String(bytes, start, bytes.length - start, StandardCharsets.UTF_8);
        }

        /** This line after {@code waiting}, the line before it that waited for it, as one line with the line break inside; this line when none waited. */
        Line after(Line waiting) {
            if (waiting == null) {
                return this;
            }
            byte[] joined = Arrays.copyOf(waiting.bytes, waiting.bytes.length + 1 + bytes.length);
            joined[waiting.bytes.length] = '\n';
            System.arraycopy(bytes, 0, joined, waiting.bytes.length + 1, bytes.length);
            return new Line(joined, oversized, ended, document);
        }

        /** The strings of the JSON document the line holds, which a token stream's reader joins; none for text. */
        List<TokenStreamText.Piece> pieces() {
            int json = oversized || holdsZeroByte(bytes) ? -1 : jsonStart(bytes);
            List<TokenStreamText.Piece> pieces = json < 0 ? null
                    : EventData.jsonPieces(Arrays.copyOfRange(bytes, json, bytes.length));
            return pieces == null ? List.of() : pieces;
        }

        /** Writes the line masked, first with what was found across lines ({@code values}, null when nothing). */
        void write(TextLine masker, String[] values, OutputStream out, MaskingReport report) throws IOException {
            byte[] line = bytes;
            if (values != null) {
                int json = jsonStart(bytes);
                byte[] document = new EventData(Arrays.copyOfRange(bytes, json, bytes.length))
                        .withValues(values, masker.location(), report).value();
                line = Arrays.copyOf(bytes, json + document.length);
                System.arraycopy(document, 0, line, json, document.length);
            }
            if (document && !oversized && !isBlank(line)) {
                out.write(masker.json().mask(line, report)); // refused when it is not one document
            } else {
                writeLine(masker, line, oversized, out, report);
            }
            if (ended) {
                out.write('\n');
            }
        }

        private static boolean isBlank(byte[] line) {
            for (byte b : line) {
                if (b != ' ' && b != '\t' && b != '\r') {
                    return false;
                }
            }
            return true;
        }
    }

    /**
     * Where a JSON document may start in a line: at its start (past a UTF-8 byte order mark, which a
     * text's first line may begin with), or after an event stream's {@code data:}, past any spaces
     * and tabs (a JSON reader skips them); -1 when the line holds none there.
     */
    private static int jsonStart(byte[] line) {
        int at = 0;
        if (line.length > 3 && line[0] == BYTE_ORDER_MARK[0] && line[1] == BYTE_ORDER_MARK[1]
                && line[2] == BYTE_ORDER_MARK[2]) {
            at = 3;
        }
        if (line.length > 5 && line[0] == 'd' && line[1] == 'a' && line[2] == 't' && line[3] == 'a' && line[4] == ':') {
            at = 5;
        }
        while (at < line.length && (line[at] == ' ' || line[at] == '\t')) {
            at++;
        }
        return at < line.length && (line[at] == '{' || line[at] == '[') ? at : -1;
    }

    static boolean holdsZeroByte(byte[] bytes) {
        for (byte b : bytes) {
            if (b == 0) {
                return true;
            }
        }
        return false;
    }

    /**
     * How one line of text is masked: as text, or as the JSON document it holds; {@code keyBlock}
     * follows a private key across the body's lines, each of which is scanned alone, and {@code token}
     * a JWT one part a line (one each per body).
     */
    record TextLine(ColumnMasker text, JsonMasking json, KeyBlockAcrossValues keyBlock, JwtAcrossValues token) {
        String location() {
            return text.location();
        }
    }

    static void writeLine(TextLine masker, byte[] bytes, boolean oversized, OutputStream out, MaskingReport report)
            throws IOException {
        if (oversized) {
            report.fallback(masker.location(), FallbackReason.OVERSIZED, FallbackAction.REDACT);
            out.write("[OVERSIZED]".getBytes(StandardCharsets.UTF_8));
            return;
        }
        if (holdsZeroByte(bytes)) {
            // Text has no zero bytes; UTF-16 or UTF-32 text has one in every ASCII character, which
            // would hide an e-mail or a card number from the detectors and not from a reader.
            report.fallback(masker.location(), FallbackReason.UNMASKABLE, FallbackAction.REDACT);
            out.write("[UNMASKABLE]".getBytes(StandardCharsets.UTF_8));
            return;
        }
        int json = jsonStart(bytes);
        if (json >= 0) {
            // An event stream's "data: {...}" or an NDJSON line sent as text: its field names count.
            MaskingReport tentative = new MaskingReport();
            try {
                byte[] masked = masker.json().mask(Arrays.copyOfRange(bytes, json, bytes.length), tentative);
                report.add(tentative);
                out.write(bytes, 0, json);
                out.write(masked);
                return;
            } catch (MaskingRefusedException e) {
                if (e.reason() != FallbackReason.INVALID_JSON) {
                    throw e;
                }
            }
        }
        if (masker.token().isOpen() || JwtAcrossValues.mayStart(bytes)) {
            // a JWT one part a line: after its first JSON part, its parts through the signature
            String text = new String(bytes, StandardCharsets.UTF_8);
            if (masker.token().continues(text)) {
                CellResult part = masker.text().maskWholeAs(text, EntityType.SECRET, report);
                if (part.value() != null) {
                    out.write(part.utf8());
                }
                return;
            }
        }
        if (masker.keyBlock().isOpen()) {
            String text = new String(bytes, StandardCharsets.UTF_8);
            if (masker.keyBlock().continuedBy(text)) {
                CellResult line = masker.text().maskKeyLine(text, report);
                if (line.value() != null) {
                    out.write(line.utf8());
                }
                return;
            }
        }
        CellResult result = masker.text().maskUtf8(bytes, 0, bytes.length, report);
        if (result.findings().containsKey(EntityType.SECRET.name())) {
            // a key's header is a secret find: the key's lines may follow it on the next lines
            masker.keyBlock().afterSecret(new String(bytes, StandardCharsets.UTF_8));
        } else if (!result.changed() && KeyBlockAcrossValues.mayBeKeyMaterial(bytes)) {
            // a line of a key's body whose header the body left out opens the block itself
            String text = new String(bytes, StandardCharsets.UTF_8);
            if (masker.keyBlock().startedByBody(text)) {
                CellResult line = masker.text().maskKeyLine(text, report);
                if (line.value() != null) {
                    out.write(line.utf8());
                }
                return;
            }
        }
        if (!result.changed()) {
            out.write(bytes);
        } else if (result.value() != null) {
            out.write(result.utf8());
        }
    }
}
