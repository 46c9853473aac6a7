package dev.tracegate.gateway.http;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.tracegate.masking.FallbackReason;
import dev.tracegate.masking.JsonMasking;
import dev.tracegate.masking.MaskingRefusedException;
import dev.tracegate.masking.MaskingReport;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Masks an {@code application/x-www-form-urlencoded} body field by field, as the target will
 * read it: each {@code name=value} pair decoded ({@code +} and {@code %XX}) and masked as the JSON
 * field {@code {"name": "value"}}, so that field rules ({@code $.dob}), name hints and detectors
 * see what the target stores ({@code card=4111+1111+1111+1111} is a card number once decoded, and
 * {@code ada%40example%2Ecom} an e-mail address). A pair the masker leaves alone goes as it came; a
 * masked one is encoded again. The report's locations are {@code request.body:$.name}.
 */
final class FormMasking {

    /** A form is read whole before it is masked; a longer one is refused. */
    static final int MAX_FORM_BYTES = 1024 * 1024;

    private FormMasking() {
    }

    static void copy(JsonMasking masking, String location, InputStream in, OutputStream out, MaskingReport report)
            throws IOException {
        byte[] body = in.readNBytes(MAX_FORM_BYTES + 1);
        if (body.length > MAX_FORM_BYTES) {
            throw new MaskingRefusedException(FallbackReason.OVERSIZED, location, "a form longer than "
                    + MAX_FORM_BYTES / 1024 + " KiB cannot be masked");
        }
        out.write(mask(masking, location, utf8(body, location), report).getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /**
     * A whole form, masked.
     *
     * @throws MaskingRefusedException for a malformed percent-encoding or a value the profile refuses
     */
    static String mask(JsonMasking masking, String location, String form, MaskingReport report) {
        StringBuilder masked = new StringBuilder(form.length());
        int pair = 0;
        for (int i = 0; i <= form.length(); i++) {
            if (i == form.length() || form.charAt(i) == '&') {
                masked.append(pair == 0 ? "" : "&").append(pair(masking, location, form.substring(pair, i), report));
                pair = i + 1;
            }
        }
        return masked.toString();
    }

    /** One {@code name=value} pair, as it came or masked and encoded again. */
    private static String pair(JsonMasking masking, String location, String raw, MaskingReport report) {
        if (raw.isEmpty()) {
            return raw;
        }
        int equals = raw.indexOf('=');
        String name = decoded(equals < 0 ? raw : raw.substring(0, equals), location);
        String value = equals < 0 ? "" : decoded(raw.substring(equals + 1), location);
        String[] field = maskedField(masking, name, value, report);
        if (field[0].equals(name) && value.equals(field[1])) {
            return raw;
        }
        String maskedName = field[0].equals(name) && equals >= 0 ? raw.substring(0, equals) : encoded(field[0]);
        return field[1] == null ? maskedName + "=" : maskedName + "=" + encoded(field[1]);
    }

    /** The field {@code {"name": "value"}} through the JSON masker: its name and value after, the value null if nulled. */
    private static String[] maskedField(JsonMasking masking, String name, String value, MaskingReport report) {
        StringWriter document = new StringWriter(name.length() + value.length() + 8);
        try (JsonGenerator out = masking.factory().createGenerator(document)) {
            out.writeStartObject();
            out.writeStringField(name, value);
            out.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        String masked = masking.mask(document.toString(), report);
        try (JsonParser in = masking.factory().createParser(masked)) {
            in.nextToken(); // {
            in.nextToken(); // the name
            String maskedName = in.currentName();
            JsonToken token = in.nextToken();
            return new String[] {maskedName, token == JsonToken.VALUE_NULL ? null : in.getText()};
        } catch (IOException e) {
            throw new UncheckedIOException(e); // the masker's own output parses
        }
    }

    /** A name or value as the target decodes it; a malformed escape is refused (targets differ in what they make of it). */
    private static String decoded(String raw, String location) {
        return percentDecoded(raw, true, location, "the form");
    }

    /**
     * {@code %XX} escapes decoded as UTF-8, and {@code +} as a space in a form or query
     * ({@code plusIsSpace}) or as itself in a path; an escape that is malformed or not UTF-8 is
     * refused, naming {@code what} held it.
     */
    static String percentDecoded(String raw, boolean plusIsSpace, String location, String what) {
        if (raw.indexOf('%') < 0 && (!plusIsSpace || raw.indexOf('+') < 0)) {
            return raw;
        }
        try {
            String decoded = URLDecoder.decode(plusIsSpace ? raw : raw.replace("+", "%2B"), StandardCharsets.UTF_8);
            if (decoded.indexOf('\uFFFD') >= 0 && raw.indexOf('\uFFFD') < 0) {
                throw new IllegalArgumentException("not UTF-8 once decoded");
            }
            return decoded;
        } catch (IllegalArgumentException e) {
            throw new MaskingRefusedException(FallbackReason.UNMASKABLE, location,
                    what + " has a malformed percent-encoding, which cannot be masked");
        }
    }

    private static String encoded(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    private static String utf8(byte[] body, String location) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            throw new MaskingRefusedException(FallbackReason.INVALID_UTF8, location, "the form is not UTF-8");
        }
    }
}
