package dev.tracegate.masking;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What a JSON rewriter remembers between values and documents (clean field names, each name's
 * hint, each path's report location, the values a walk found clean, the name last met at each
 * field's place in a path's objects) must never mask or count anything less than a rewriter that
 * remembers nothing: names that hold personal data are masked and counted every time, a hint
 * follows the parent name it was judged under, and every location stays the path of its own value,
 * also past the memories' bounds.
 */
class JsonMaskingMemoryTest {

    private final Masker masker = new Masker(MaskingProfile.defaults());

    @Test
    void aNameThatHoldsPersonalDataIsMaskedAndCountedEveryTimeItRepeats() {
        JsonMasking json = masker.json("b");
        String document = "[{\"alice@example.com\":1,\"id\":2},{\"alice@example.com\":3,\"id\":4}]";
        for (int round = 0; round < 3; round++) {
            MaskingReport report = new MaskingReport();
            assertThat(json.mask(document, report)).isEqualTo("[{\"[EMAIL]\":1,\"id\":2},{\"[EMAIL]\":3,\"id\":4}]");
            assertThat(report.snapshot().found()).isEqualTo(Map.of("b:$[*]['[EMAIL]']", Map.of("EMAIL", 2L)));
        }
    }

    @Test
    void aCleanNameIsWrittenAsItIsAndItsValuesAreStillScanned() {
        JsonMasking json = masker.json("b");
        json.mask("{\"note\":\"nothing here\"}", new MaskingReport());
        MaskingReport report = new MaskingReport();
        assertThat(json.mask("{\"note\":\"mail bob@example.com\",\"x y\":{\"note\":\"4111 1111 1111 1111\"}}", report))
                .isEqualTo("{\"note\":\"mail [EMAIL]\",\"x y\":{\"note\":\"[CARD]\"}}");
        assertThat(report.snapshot().found()).isEqualTo(Map.of("b:$.note", Map.of("EMAIL", 1L),
                "b:$['x y'].note", Map.of("CARD", 1L)));
    }

    @Test
    void pastTheBoundOfRememberedNamesNamesAreScannedAsBefore() {
        JsonMasking json = masker.json("b");
        StringBuilder many = new StringBuilder("{");
        for (int i = 0; i < 5_000; i++) {
            many.append(i == 0 ? "" : ",").append("\"field").append(i).append("\":").append(i);
        }
        json.mask(many.append('}').toString(), new MaskingReport());
        MaskingReport report = new MaskingReport();
        assertThat(json.mask("{\"field4999\":1,\"carol@example.com\":2,\"fresh\":\"dave@example.com\"}", report))
                .isEqualTo("{\"field4999\":1,\"[EMAIL]\":2,\"fresh\":\"[EMAIL]\"}");
        assertThat(report.snapshot().found()).containsOnlyKeys("b:$['[EMAIL]']", "b:$.fresh");
    }

    @Test
    void aNamesHintFollowsTheParentItStandsUnder() {
        String out = masker.json("b").mask("[{\"product\":{\"name\":\"Tea\"}},{\"customer\":{\"name\":\"Ada\"}},"
                + "{\"product\":{\"name\":\"Tea\"}},{\"customer\":{\"name\":\"Bob\"}}]", new MaskingReport());
        assertThat(out).isEqualTo("[{\"product\":{\"name\":\"Tea\"}},{\"customer\":{\"name\":\"[PERSON_NAME]\"}},"
                + "{\"product\":{\"name\":\"Tea\"}},{\"customer\":{\"name\":\"[PERSON_NAME]\"}}]");
    }

    /**
     * The walk takes a field's name facts from the place it had in the previous object of the same
     * path: a name that differs there (one that holds personal data, a Kubernetes kind, the same
     * name at another place) is judged as itself, every time.
     */
    @Test
    void aFieldAtThePlaceOfAnotherNameIsJudgedAsItself() {
        JsonMasking json = masker.json("b");
        String document = "[{\"id\":1,\"email\":\"a@example.com\"},{\"alice@example.com\":2,\"email\":\"b@example.com\"},"
                + "{\"id\":3,\"email\":\"c@example.com\"},{\"email\":\"d@example.com\",\"id\":4},"
                + "{\"alice@example.com\":5,\"id\":6}]";
        for (int round = 0; round < 2; round++) {
            MaskingReport report = new MaskingReport();
            assertThat(json.mask(document, report)).isEqualTo("[{\"id\":1,\"email\":\"[EMAIL]\"},"
                    + "{\"[EMAIL]\":2,\"email\":\"[EMAIL]\"},{\"id\":3,\"email\":\"[EMAIL]\"},{\"email\":\"[EMAIL]\",\"id\":4},"
                    + "{\"[EMAIL]\":5,\"id\":6}]");
            assertThat(report.snapshot().found()).isEqualTo(Map.of("b:$[*].email", Map.of("EMAIL", 4L),
                    "b:$[*]['[EMAIL]']", Map.of("EMAIL", 2L)));
        }
    }

    @Test
    void aKubernetesKindCountsOnlyUnderItsOwnName() {
        String secret = "{\"kind\":\"Secret\",\"data\":{\"k\":\"dmFsdWU=\"}}";
        String noted = "{\"note\":\"Secret\",\"data\":{\"k\":\"dmFsdWU=\"}}";
        String out = masker.json("b").mask("[" + secret + "," + noted + "," + secret + "]", new MaskingReport());
        assertThat(out).isEqualTo("[{\"kind\":\"Secret\",\"data\":{\"k\":\"[SECRET]\"}}," + noted
                + ",{\"kind\":\"Secret\",\"data\":{\"k\":\"[SECRET]\"}}]");
    }

    @Test
    void deepPathsKeepTheirFirstAndLastSegmentsInEveryDocument() {
        JsonMasking json = masker.json("b");
        String document = "{\"a\":".repeat(15) + "{\"e\":\"x@example.com\"}" + "}".repeat(15);
        String location = "b:$" + ".a".repeat(5) + "..." + ".a".repeat(6) + ".e";
        for (int round = 0; round < 2; round++) {
            MaskingReport report = new MaskingReport();
            json.mask(document, report);
            assertThat(report.snapshot().found()).isEqualTo(Map.of(location, Map.of("EMAIL", 1L)));
        }
    }

    @Test
    void pastTheBoundOfRememberedPathsEveryValueStillHasItsOwnLocation() {
        StringBuilder document = new StringBuilder("{");
        for (int i = 0; i < 1_100; i++) {
            document.append("\"k").append(i).append("\":{},");
        }
        document.append("\"late\":{\"e\":\"x@example.com\"},\"k5\":{\"e\":\"y@example.com\",\"f\":[\"z@example.com\"]}}");
        MaskingReport report = new MaskingReport();
        masker.json("b").mask(document.toString(), report);
        assertThat(report.snapshot().found()).isEqualTo(Map.of("b:$.late.e", Map.of("EMAIL", 1L),
                "b:$.k5.e", Map.of("EMAIL", 1L), "b:$.k5.f[*]", Map.of("EMAIL", 1L)));
    }

    @Test
    void aValueThatHoldsPersonalDataIsMaskedAndCountedEveryTimeItRepeats() {
        JsonMasking json = masker.json("b");
        String record = "{\"status\":\"paid\",\"note\":\"call 4111 1111 1111 1111\",\"id\":4111111111111111}";
        String document = "[" + record + "," + record + "," + record + "]";
        String masked = "{\"status\":\"paid\",\"note\":\"call [CARD]\",\"id\":\"[CARD]\"}";
        for (int round = 0; round < 2; round++) {
            MaskingReport report = new MaskingReport();
            assertThat(json.mask(document, report)).isEqualTo("[" + masked + "," + masked + "," + masked + "]");
            assertThat(report.snapshot().found()).isEqualTo(Map.of("b:$[*].note", Map.of("CARD", 3L),
                    "b:$[*].id", Map.of("CARD", 3L)));
        }
    }

    @Test
    void pastTheBoundOfRememberedValuesValuesAreScannedAsBefore() {
        StringBuilder document = new StringBuilder("[");
        for (int i = 0; i < 2_000; i++) {
            document.append("\"clean ").append(i).append(" ").append("x".repeat(i % 90)).append("\",");
        }
        String late = "mail erin@example.com";
        document.append('"').append(late).append("\",\"").append(late).append("\",\"clean 7 xxxxxxx\"]");
        MaskingReport report = new MaskingReport();
        String masked = masker.json("b").mask(document.toString(), report);
        assertThat(masked).endsWith("\"mail [EMAIL]\",\"mail [EMAIL]\",\"clean 7 xxxxxxx\"]");
        assertThat(report.snapshot().found()).isEqualTo(Map.of("b:$[*]", Map.of("EMAIL", 2L)));
    }

    /**
     * A value the detectors found clean costs its parse and its copy, not another scan: a body of
     * records that repeat a status and a note allocates clearly less than one whose every value is
     * new (before, both cost the same). Allocated bytes, unlike time, do not depend on the load.
     */
    @Test
    void aRepeatedCleanValueIsNotScannedAgain() {
        JsonMasking json = masker.json("b");
        StringBuilder repeated = new StringBuilder("[");
        StringBuilder distinct = new StringBuilder("[");
        for (int i = 0; i < 2_000; i++) {
            repeated.append(i == 0 ? "" : ",").append("{\"status\":\"paid\",\"note\":\"deliver to the back door, ring twice\"}");
            distinct.append(i == 0 ? "" : ",").append(String.format(Locale.ROOT,
                    "{\"status\":\"p%03d\",\"note\":\"deliver to the back door, ring %04d\"}", i % 1000, i));
        }
        String repeatedDocument = repeated.append(']').toString();
        String distinctDocument = distinct.append(']').toString();
        long repeatedBytes = 0;
        long distinctBytes = 0;
        for (int round = 0; round < 6; round++) { // the first rounds run interpreted, allocating more
            repeatedBytes = allocatedMasking(json, repeatedDocument);
            distinctBytes = allocatedMasking(json, distinctDocument);
        }
        assertThat(repeatedBytes).as("bytes allocated for repeated values against distinct ones (%d)", distinctBytes)
                .isLessThan(distinctBytes * 85 / 100);
    }

    private static long allocatedMasking(JsonMasking json, String document) {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        json.mask(document, new MaskingReport());
        return threads.getCurrentThreadAllocatedBytes() - before;
    }
}
