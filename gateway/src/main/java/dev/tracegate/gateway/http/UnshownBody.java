package dev.tracegate.gateway.http;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Why approvers could not read a held request's body as the target will: they are shown its text,
 * decoded as UTF-8 and masked as the evidence keeps it, so a body they would see only the start of,
 * or read as other characters than the target does (compressed, UTF-16, a charset whose bytes are
 * other letters), would have them approve what they did not read. Such a request is refused from
 * approval, as a PostgreSQL bind value approvers would not see whole is ({@code UnshownValue}); a
 * grant still lets it run. A digest is no way out: approvers cannot read one.
 */
final class UnshownBody {

    /** The most of a body approvers are shown, whole: as much as of one PostgreSQL bind value. */
    static final int SHOWN_BYTES = 4096;
    /** Charsets that read bytes as UTF-8 does; others read bytes over 0x7F, or every byte, as other characters. */
    private static final Set<String> UTF8_READINGS = Set.of("utf-8", "utf8");
    private static final Set<String> ASCII_READINGS = Set.of("us-ascii", "ascii");
    private static final String WAY_OUT = ", so they cannot approve this request; send ";

    private UnshownBody() {
    }

    /**
     * Why approvers could not read {@code body} whole as the target will, or empty when they can.
     *
     * @param contentType      the request's {@code Content-Type}, or null
     * @param contentEncodings every {@code Content-Encoding} header's value
     */
    static Optional<String> why(byte[] body, String contentType, List<String> contentEncodings) {
        if (body.length == 0) {
            return Optional.empty();
        }
        String coding = BodyForm.contentCoding(contentEncodings);
        if (coding != null) {
            return Optional.of("the body is sent with Content-Encoding " + coding + ", which the target decodes and approvers"
                    + " would read encoded" + WAY_OUT + "it unencoded or ask an approver for a grant");
        }
        if (body.length > SHOWN_BYTES) {
            return Optional.of("the body is " + body.length + " bytes, more than approvers are shown (" + SHOWN_BYTES + " bytes)"
                    + WAY_OUT + "a shorter body or ask an approver for a grant");
        }
        String charset = contentType == null ? null : BodyForm.charset(contentType);
        boolean otherReading = charset != null && !UTF8_READINGS.contains(charset)
                && (!ASCII_READINGS.contains(charset) || !ascii(body));
        if (otherReading || !utf8Text(body)) {
            return Optional.of("the body is not UTF-8 text" + (charset == null ? "" : " (charset " + charset + ")")
                    + ", and approvers would read other characters than the target" + WAY_OUT
                    + "it as UTF-8 or ask an approver for a grant");
        }
        return Optional.empty();
    }

    private static boolean ascii(byte[] body) {
        for (byte b : body) {
            if (b < 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * Well-formed UTF-8 without a zero byte: JSON readers (Jackson among them) take a body whose
     * first bytes hold zeros for UTF-16 or UTF-32, and read {@code {"a":1}} where approvers read
     * {@code {<U+0000>"<U+0000>a...}.
     */
    private static boolean utf8Text(byte[] body) {
        for (byte b : body) {
            if (b == 0) {
                return false;
            }
        }
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }
}
