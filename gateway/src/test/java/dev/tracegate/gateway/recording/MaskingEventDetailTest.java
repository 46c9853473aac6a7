package dev.tracegate.gateway.recording;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracegate.ledger.jcs.Jcs;
import dev.tracegate.masking.FallbackAction;
import dev.tracegate.masking.FallbackReason;
import dev.tracegate.masking.MaskingSummary;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.Test;

/**
 * A {@code masking.applied} detail is written as canonical text without a JSON tree; the text must
 * be, byte for byte, what canonicalising the tree it replaces gives, for every combination of
 * members (a statement's or a server message's, for the caller or the record, with and without
 * findings and fallbacks), for names that need escaping in every width of UTF-8 and that sort
 * differently by UTF-16 units than by code points, and for maps handed over in any order. A count
 * beyond 2^53, or a text canonical JSON cannot hold, goes the tree's way (no text).
 */
class MaskingEventDetailTest {

    private static final String ESCAPED = "\"\\\b\f\n\r\t\u0000\u001f\u007f \u00e9\u20ac\ud83d\ude00\u2028/<>";
    /** Counts up to 2^52, so that a summary added to itself stays within 2^53, the last exact one (sequences reach it). */
    private static final long[] EXACT = {0, 1, 42, 4_503_599_627_370_496L};

    @Test
    void theTextIsTheCanonicalFormOfTheTreeForEveryShape() {
        int compared = 0;
        for (MaskingSummary summary : summaries()) {
            for (Long sequence : Arrays.asList(null, 0L, 7L, 9_007_199_254_740_992L)) {
                for (String appliedTo : List.of("client", "record", ESCAPED)) {
                    for (String[] named : new String[][] {{null, null}, {"mask-personal-data", "personal-data"},
                            {ESCAPED, "\ud83d\ude00 \uff21"}}) {
                        for (String source : Arrays.asList(null, "server messages")) {
                            MaskingEventDetail detail = new MaskingEventDetail(sequence, appliedTo, named[0], named[1],
                                    summary, source);
                            String text = Objects.toString(detail.canonical(), null);
                            assertThat(text).as("%s", detail).isNotNull();
                            assertThat(text.getBytes(StandardCharsets.UTF_8)).as("%s", detail)
                                    .isEqualTo(Jcs.canonicalize(detail.tree()));
                            compared++;
                        }
                    }
                }
            }
        }
        assertThat(compared).isGreaterThan(1_000);
    }

    @Test
    void aCountBeyondTwoToThe53IsLeftToTheTree() {
        long beyond = 9_007_199_254_740_993L;
        List<MaskingEventDetail> details = List.of(
                new MaskingEventDetail(beyond, "client", null, null, summary(Map.of(), List.of(), 1), null),
                new MaskingEventDetail(1L, "record", null, null, summary(Map.of(), List.of(), beyond), null),
                new MaskingEventDetail(1L, "record", null, null,
                        summary(Map.of("response.body", Map.of("EMAIL", beyond)), List.of(), 1), null),
                new MaskingEventDetail(1L, "record", null, null, summary(Map.of(), List.of(new MaskingSummary.Fallback(
                        "request.body", FallbackReason.UNMASKABLE, FallbackAction.PASS, beyond)), 1), null));
        for (MaskingEventDetail detail : details) {
            assertThat(detail.canonical()).as("%s", detail).isNull();
        }
    }

    @Test
    void aTextCanonicalJsonCannotHoldIsLeftToTheTree() {
        MaskingSummary unpaired = summary(Map.of("response.body:$.\ud800", Map.of("EMAIL", 1L)), List.of(), 1);
        assertThat(new MaskingEventDetail(1L, "record", null, null, unpaired, null).canonical()).isNull();
    }

    private static List<MaskingSummary> summaries() {
        List<MaskingSummary> summaries = new ArrayList<>();
        // Names whose UTF-16 order differs from their code points' (a surrogate pair before U+FF21).
        List<String> locations = List.of("response.body:$.items[*].card", "request.body", "response.header:set-cookie",
                ESCAPED, "\uff21", "\ud83d\ude00", "col\u00e9");
        List<MaskingSummary.Fallback> fallbacks = List.of(
                new MaskingSummary.Fallback("request.body", FallbackReason.UNMASKABLE, FallbackAction.PASS, 1),
                new MaskingSummary.Fallback(ESCAPED, FallbackReason.UNMASKABLE, FallbackAction.REDACT, 3));
        for (long count : EXACT) {
            summaries.add(summary(Map.of(), List.of(), count));
            summaries.add(summary(Map.of(), fallbacks, count));
            for (int size = 1; size <= locations.size(); size += 3) {
                // A HashMap inside, in no order; and one handed over in reverse order.
                Map<String, Map<String, Long>> found = new LinkedHashMap<>();
                for (String location : locations.subList(0, size).reversed()) {
                    Map<String, Long> entities = new HashMap<>();
                    entities.put("EMAIL", count);
                    entities.put("CARD", 2L);
                    entities.put("\ud83d\ude00" + location.length(), 0L);
                    found.put(location, entities);
                }
                summaries.add(summary(found, List.of(), count));
                summaries.add(summary(found, fallbacks.subList(0, 1), count));
                summaries.add(summary(found, fallbacks, count).plus(summary(found, List.of(), 1)));
            }
        }
        return summaries;
    }

    private static MaskingSummary summary(Map<String, Map<String, Long>> found, List<MaskingSummary.Fallback> fallbacks,
                                          long valuesMasked) {
        return new MaskingSummary(found, fallbacks, valuesMasked);
    }
}
