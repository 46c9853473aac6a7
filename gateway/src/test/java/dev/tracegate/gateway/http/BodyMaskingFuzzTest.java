package dev.tracegate.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import dev.tracegate.masking.HashKey;
import dev.tracegate.masking.Masker;
import dev.tracegate.masking.MaskingProfile;
import dev.tracegate.masking.MaskingRefusedException;
import dev.tracegate.masking.MaskingReport;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Coverage-guided fuzzing of the HTTP gateway's streaming body masking ({@code ./fuzz BodyMaskingFuzzTest}):
 * text line by line, JSON, NDJSON, with the body arriving in pieces of any size as from a socket.
 *
 * <p>{@code personalDataInABody}: a personal value the demo's profile masks in a body of its own
 * is masked wherever it sits in a fuzzed text, JSON or NDJSON body (the fuzzed text never holds the
 * value itself): the client never receives it. {@code anyBody}: any bytes under any content type
 * are masked or refused with {@link MaskingRefusedException}, never another exception.
 */
class BodyMaskingFuzzTest {

    private static final Masker DEMO = new Masker(MaskingProfile.demo(
            HashKey.of("a fuzzing key of enough bytes".getBytes(StandardCharsets.UTF_8))));
    /** Personal values, each after the words that introduce it. */
    private static final List<List<String>> PERSONAL = List.of(List.of("card", "4111 1111 1111 1111"),
            List.of("card", "5500-0000-0000-0004"), List.of("ssn", "123-45-6789"), List.of("", "jane.doe@example.com"),
            List.of("host addr", "192.168.12.34"), List.of("iban", "DE89370400440532013000"),
            List.of("phone", "+1 415 555 2671"), List.of("", "AKIAIOSFODNN7EXAMPLE"));
    private static final List<String> CONTENT_TYPES = List.of("text/plain", "text/event-stream; charset=utf-8",
            "application/x-www-form-urlencoded", "application/json", "application/problem+json", "application/x-ndjson",
            "application/jsonl", "application/octet-stream", "TEXT/PLAIN");

    @FuzzTest
    void personalDataInABody(FuzzedDataProvider data) throws IOException {
        List<String> chosen = data.pickValue(PERSONAL);
        String value = chosen.get(1);
        String personal = (chosen.get(0) + " " + value).strip();
        BodyMasking.Kind kind = data.pickValue(List.of(BodyMasking.Kind.TEXT, BodyMasking.Kind.JSON, BodyMasking.Kind.NDJSON,
                BodyMasking.Kind.FORM));
        boolean eventData = data.consumeBoolean();
        int piece = data.consumeInt(1, 64);
        String before = data.consumeString(200);
        String after = data.consumeRemainingAsString();
        assertThat(maskedAlone(personal, value)).as("%s is masked in a body of its own", personal).isTrue();
        if ((before + after).contains(value)) {
            return;
        }
        String text = before + " " + personal + " ; " + after;
        String body = switch (kind) {
            case TEXT -> eventData ? "event: x\ndata: {\"note\": " + quoted(text) + "}\n\n" : text;
            case JSON -> "{\"note\": " + quoted(text) + "}";
            case FORM -> "a=1&note=" + URLEncoder.encode(text, StandardCharsets.UTF_8) + "&b=2";
            default -> "{\"a\": 1}\n[" + quoted(text) + "]\n";
        };

        String masked;
        try {
            masked = new String(mask(kind, body.getBytes(StandardCharsets.UTF_8), piece), StandardCharsets.UTF_8);
        } catch (MaskingRefusedException refused) {
            return; // refused whole: nothing of it reaches anyone
        }
        // As a reader reads it: a form decoded; JSON's \\u escapes as the characters they stand for (the last
        // hex digit of an escaped surrogate is not a digit of the text).
        masked = kind == BodyMasking.Kind.FORM ? URLDecoder.decode(masked, StandardCharsets.UTF_8) : unescaped(masked);

        assertThat(masked).as("masked %s body", kind).doesNotContain(value);
    }

    @FuzzTest
    void anyBody(FuzzedDataProvider data) throws IOException {
        BodyMasking.Kind kind = BodyMasking.Kind.of(data.pickValue(CONTENT_TYPES));
        int piece = data.consumeInt(1, 4096);
        try {
            mask(kind, data.consumeRemainingAsBytes(), piece);
        } catch (MaskingRefusedException refused) {
            assertThat(refused.getMessage()).isNotBlank();
        }
    }

    /** Whether the profile masks the value in a body of its own: every listed value must be, or none is tested. */
    private static boolean maskedAlone(String personal, String value) throws IOException {
        byte[] alone = mask(BodyMasking.Kind.TEXT, personal.getBytes(StandardCharsets.UTF_8), 64);
        return !new String(alone, StandardCharsets.UTF_8).contains(value);
    }

    private static byte[] mask(BodyMasking.Kind kind, byte[] body, int piece) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BodyMasking.copy(kind, DEMO, "response.body", new Pieces(body, piece), out, new MaskingReport());
        return out.toByteArray();
    }

    private static String unescaped(String json) {
        return Pattern.compile("\\\\u([0-9A-Fa-f]{4})").matcher(json)
                .replaceAll(m -> Matcher.quoteReplacement(String.valueOf((char) Integer.parseInt(m.group(1), 16))));
    }

    private static String quoted(String text) {
        return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(text)) + "\"";
    }

    /** A body that arrives {@code piece} bytes at a time, saying how much of the current piece is left. */
    private static final class Pieces extends InputStream {
        private final byte[] bytes;
        private final int piece;
        private int position;

        Pieces(byte[] bytes, int piece) {
            this.bytes = bytes;
            this.piece = piece;
        }

        @Override
        public int read() {
            return position < bytes.length ? bytes[position++] & 0xFF : -1;
        }

        @Override
        public int read(byte[] target, int offset, int length) {
            if (position >= bytes.length) {
                return -1;
            }
            int n = Math.min(Math.min(length, available() == 0 ? piece : available()), bytes.length - position);
            System.arraycopy(bytes, position, target, offset, n);
            position += n;
            return n;
        }

        @Override
        public int available() {
            int inPiece = piece - position % piece;
            return Math.min(inPiece == piece ? 0 : inPiece, bytes.length - position);
        }
    }
}
