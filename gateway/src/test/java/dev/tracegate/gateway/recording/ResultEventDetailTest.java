package dev.tracegate.gateway.recording;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracegate.ledger.jcs.Jcs;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A statement's {@code command.result} detail is written as canonical text without a JSON tree;
 * the text must be, byte for byte, what canonicalising the tree it replaces gives, for every
 * combination of members and for values that need escaping, in every width of UTF-8. A number
 * beyond 2^53, or a text canonical JSON cannot hold, goes the tree's way (no text).
 */
class ResultEventDetailTest {

    private static final String ESCAPED = "\"\\\b\f\n\r\t\u0000\u001f\u007f \u00e9\u20ac\ud83d\ude00\u2028/<>";
    private static final long[] EXACT = {0, 1, -1, 42, 9_007_199_254_740_992L, -9_007_199_254_740_992L};

    @Test
    void theTextIsTheCanonicalFormOfTheTreeForEveryShape() {
        int compared = 0;
        for (ResultRecord result : results()) {
            for (ResultEvidence evidence : evidences()) {
                for (boolean requestKept : new boolean[] {false, true}) {
                    String dataBlob = evidence != null && evidence.data() != null ? "sha256:" + "d".repeat(64) : null;
                    String requestBlob = requestKept && evidence != null && evidence.requestData() != null
                            ? "sha256:" + "e".repeat(64) : null;
                    ResultEventDetail detail = new ResultEventDetail(result, evidence, dataBlob, requestBlob);
                    String text = java.util.Objects.toString(detail.canonical(), null);
                    assertThat(text).as("%s %s", result, evidence).isNotNull();
                    assertThat(text.getBytes(StandardCharsets.UTF_8)).as("%s %s", result, evidence)
                            .isEqualTo(Jcs.canonicalize(detail.tree()));
                    assertThat(Jcs.isCanonical(text.getBytes(StandardCharsets.UTF_8))).isTrue();
                    compared++;
                }
            }
        }
        assertThat(compared).isGreaterThan(1_000);
    }

    @Test
    void aNumberBeyondTwoToThe53IsLeftToTheTree() {
        long beyond = 9_007_199_254_740_993L;
        ResultEvidence kept = new ResultEvidence(new byte[3], beyond, false, null, null);
        for (ResultEventDetail detail : List.of(
                new ResultEventDetail(new ResultRecord(beyond, "ok", List.of(), 0, 0, null, null), null, null, null),
                new ResultEventDetail(new ResultRecord(1, "ok", List.of(), -beyond, 0, null, null), null, null, null),
                new ResultEventDetail(new ResultRecord(1, "ok", List.of(), 0, Long.MAX_VALUE, null, null), null, null, null),
                new ResultEventDetail(new ResultRecord(1, "ok", List.of(), 0, 0, null, null), kept, "sha256:x", null))) {
            assertThat(detail.canonical()).isNull();
        }
    }

    @Test
    void aTextCanonicalJsonCannotHoldIsLeftToTheTree() {
        ResultRecord unpaired = new ResultRecord(1, "ok", List.of("SELECT \ud800"), 1, 1, null, null);
        assertThat(new ResultEventDetail(unpaired, null, null, null).canonical()).isNull();
    }

    private static List<ResultRecord> results() {
        List<ResultRecord> results = new ArrayList<>();
        List<List<String>> tags = List.of(List.of(), List.of("SELECT 1"), Arrays.asList("BEGIN", null, ESCAPED),
                List.of("UPDATE 10", "INSERT 0 1", "COMMIT"));
        String[][] errors = {{null, null}, {"23505", null}, {"42P01", ESCAPED}, {"57014", "canceling statement"}};
        for (long number : EXACT) {
            for (String status : Arrays.asList("ok", "error", null, ESCAPED)) {
                for (int i = 0; i < tags.size(); i++) {
                    String[] error = errors[i];
                    results.add(new ResultRecord(number, status, tags.get(i), Math.abs(number) % 1000, number,
                            error[0], error[1]));
                }
            }
        }
        return results;
    }

    private static List<ResultEvidence> evidences() {
        List<ResultEvidence> evidences = new ArrayList<>();
        evidences.add(null);
        evidences.add(new ResultEvidence(null, 0, false, null, null));
        evidences.add(new ResultEvidence(null, 0, false, null, null, new byte[5], null));
        for (String format : Arrays.asList("jsonl", null, "application/json; charset=\"utf-8\"" + ESCAPED)) {
            evidences.add(new ResultEvidence(new byte[0], 0, false, null, null, null, format));
            evidences.add(new ResultEvidence(new byte[65_536], 9_007_199_254_740_992L, true, null, null, new byte[17], format));
        }
        return evidences;
    }
}
