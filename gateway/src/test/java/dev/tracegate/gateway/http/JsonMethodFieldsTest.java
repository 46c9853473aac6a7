package dev.tracegate.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracegate.gateway.AllocatedBytes;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The {@code _method} values a JSON body names ({@link JsonMethodFields}), read as the body streams
 * to the target in writes of any size, and what reading one that names none costs.
 */
class JsonMethodFieldsTest {

    @Test
    void aBodyNamesTheSameMethodsWhereverItsWritesSplitIt() throws Exception {
        String longKey = " ".repeat(JsonMethodFields.LONGEST_TOKEN) + "_method"; // too long to be read as one
        String body = "{\"note\":\"a \\\"_method\\\"\",\"" + longKey + "\":\"PUT\",\"\\u005fmethod\":\"DEL\\u0045TE\","
                + "\"n\":[{\"_method\":\"GET\"}],\" _Method\":\"PATCH\",\"_method\":\"" + "é".repeat(200) + "\"}";
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        List<String> whole = JsonMethodFields.of(bytes);
        assertThat(whole).hasSize(3).startsWith("DELETE", "PATCH");
        assertThat(whole.get(2).getBytes(StandardCharsets.UTF_8)).hasSizeLessThanOrEqualTo(JsonMethodFields.LONGEST_TOKEN + 3);

        for (int split = 0; split <= bytes.length; split++) {
            ByteArrayOutputStream target = new ByteArrayOutputStream();
            JsonMethodFields streamed = new JsonMethodFields(target, bytes.length);
            streamed.write(bytes, 0, split);
            for (int i = split; i < bytes.length; i += 7) { // the rest in small writes
                streamed.write(bytes, i, Math.min(7, bytes.length - i));
            }
            assertThat(streamed.methods()).as("split at %d", split).isEqualTo(whole);
            assertThat(target.size()).as("the last byte held back").isEqualTo(bytes.length - 1);
            streamed.release();
            assertThat(target.toByteArray()).isEqualTo(bytes);
        }
    }

    @Test
    void theStringsOfAMethodFieldsListAreMethodsAndNothingDeeperIs() {
        // Express's method-override takes a list's first element; until 2026-12-06 a list named none.
        assertThat(JsonMethodFields.of(bytes("{\"_method\": [\"DELETE\"]}"))).containsExactly("DELETE");
        assertThat(JsonMethodFields.of(bytes("{\"_method\":[{\"a\":\"x\"},[\"GET\"],\"PUT\"],\"n\":[\"PATCH\"]}")))
                .containsExactly("PUT");
        assertThat(JsonMethodFields.of(bytes("{\"n\":[\"DELETE\"],\"_method\":{\"0\":\"DELETE\"}}"))).isEmpty();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aBodyNamingNoMethodIsReadWithoutAnAllocationPerKey() throws Exception {
        StringBuilder body = new StringBuilder("{");
        for (int i = 0; i < 2000; i++) {
            body.append("\"step").append(i).append("\":\"find the orders of customer").append(i).append("\",");
        }
        byte[] bytes = body.append("\"pad\":\"\"}").toString().getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < 20; i++) {
            JsonMethodFields.of(bytes);
        }

        long allocated = AllocatedBytes.by(() -> JsonMethodFields.of(bytes));

        // A buffer, a copy and a String or two for each key cost about 250 bytes a key: 500 KB here.
        assertThat(allocated).as("bytes allocated reading 2,001 keys, none a method's").isLessThan(4 * 1024);
    }
}
