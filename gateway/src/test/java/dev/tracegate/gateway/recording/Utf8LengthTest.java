package dev.tracegate.gateway.recording;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Whether a command's text stays in its leaf or goes into a blob is decided by its UTF-8 length,
 * counted without encoding it: the count must be what the JDK's encoding gives for every text, or
 * a text just over the limit could stay in a leaf (or one under it leave).
 */
class Utf8LengthTest {

    @Test
    void countsWhatTheEncodingGivesForEveryWidthAndForBrokenSurrogates() {
        List<String> texts = List.of("", "SELECT 1", "caf\u00e9", "\u20ac", "\ud83d\ude00", "a\ud83d", "\ude00b",
                "\ude00\ud83d", "\ud83d\ud83d\ude00", "\u07ff\u0800\uffff\u0080\u007f");
        for (String text : texts) {
            assertThat(Utf8Length.of(text)).as(text).isEqualTo(text.getBytes(StandardCharsets.UTF_8).length);
        }
    }

    @Test
    void countsRandomTextsOfEveryCharacter() {
        Random random = new Random(16);
        for (int n = 0; n < 2_000; n++) {
            char[] chars = new char[random.nextInt(40)];
            for (int i = 0; i < chars.length; i++) {
                // Half the time near the width boundaries and among the surrogates, where a count goes wrong.
                chars[i] = random.nextBoolean() ? (char) random.nextInt(0x10000)
                        : (char) (List.of(0x7f, 0x80, 0x7ff, 0x800, 0xd800, 0xdbff, 0xdc00, 0xdfff, 0xffff)
                        .get(random.nextInt(9)) + random.nextInt(3) - 1);
            }
            String text = new String(chars);
            assertThat(Utf8Length.of(text)).isEqualTo(text.getBytes(StandardCharsets.UTF_8).length);
        }
    }
}
