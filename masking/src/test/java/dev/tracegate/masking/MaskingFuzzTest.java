package dev.tracegate.masking;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracegate.masking.PersonalValues.Positive;
import dev.tracegate.masking.config.MaskingConfig;
import dev.tracegate.masking.config.StrategyConfig;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Coverage-guided fuzzing of the content detectors and the JSON masking ({@code ./fuzz MaskingFuzzTest}).
 *
 * <p>The property: a personal value that a profile masks when it stands alone with the words that
 * introduce it ({@code card 4111 ...}) is masked wherever it stands in fuzzed text, JSON (as a string,
 * part of a string, a key, a number) or NDJSON: the masked output never contains it. Values are built
 * valid (Luhn, issuer ranges, mod 97, issuable SSNs, ...) by {@link PersonalValues}, separated from
 * the fuzzed text by a space before and a semicolon after, and skipped when the fuzzed text itself holds them. Under three
 * profiles: defaults (redact), the demo's, and one that keeps the last four or pseudonymises.
 * {@code anyJson}: any bytes are masked or refused with {@link MaskingRefusedException}, and what
 * comes out is JSON again.
 */
class MaskingFuzzTest {

    private static final HashKey KEY = HashKey.of("a fuzzing key of enough bytes".getBytes(StandardCharsets.UTF_8));
    static final List<Masker> MASKERS = List.of(new Masker(MaskingProfile.defaults()),
            new Masker(MaskingProfile.demo(KEY)), new Masker(MaskingProfile.from(keepingShapes(), KEY)));
    /**
     * What follows a value: a space alone would let fuzzed digits continue a number written in
     * groups ({@code 873 50 4370 11}), which then is no longer the value, by design.
     */
    static final String END = " ; ";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonFactory FACTORY = new JsonFactory();

    private static MaskingConfig keepingShapes() {
        Map<String, StrategyConfig> strategies = Arrays.stream(EntityType.values()).collect(Collectors.toMap(
                type -> type.name().toLowerCase(), type -> type == EntityType.EMAIL ? StrategyConfig.hash(true)
                        : StrategyConfig.partial(4)));
        return new MaskingConfig(null, null, List.of(), strategies, null, null, null, null);
    }

    @FuzzTest
    void text(FuzzedDataProvider data) {
        Masker masker = data.pickValue(MASKERS);
        Positive positive = maskedAlone(masker, data);
        if (positive == null) {
            return;
        }
        ColumnMasker column = masker.forColumn(ColumnRef.expression("body"));
        String before = data.consumeString(300);
        String after = data.consumeRemainingAsString();
        if ((before + after).contains(positive.value())) {
            return;
        }
        CellResult result = column.mask(before + " " + positive.text() + END + after, new MaskingReport());

        assertThat(String.valueOf(result.value())).doesNotContain(positive.value());
    }

    @FuzzTest
    void jsonDocument(FuzzedDataProvider data) {
        Masker masker = data.pickValue(MASKERS);
        Positive positive = maskedAlone(masker, data);
        if (positive == null) {
            return;
        }
        Document document = Document.write(data, positive);
        if (document == null) {
            return;
        }
        String masked = masker.json("response.body").mask(document.json(), new MaskingReport());

        assertThat(masked).as("masked %s", document.json()).doesNotContain(positive.value());
    }

    @FuzzTest
    void ndjson(FuzzedDataProvider data) {
        Masker masker = data.pickValue(MASKERS);
        Positive positive = maskedAlone(masker, data);
        if (positive == null) {
            return;
        }
        int documents = data.consumeInt(1, 4);
        int carrier = data.consumeInt(0, documents - 1);
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < documents; i++) {
            Document document = Document.write(data, i == carrier ? positive : null);
            if (document == null) {
                return;
            }
            lines.add(document.json());
        }
        byte[] masked = masker.json("response.body").maskNdjson(String.join("\n", lines).getBytes(StandardCharsets.UTF_8),
                new MaskingReport());

        assertThat(new String(masked, StandardCharsets.UTF_8)).as("masked %s", lines).doesNotContain(positive.value());
    }

    @FuzzTest
    void anyJson(byte[] input) throws IOException {
        JsonMasking masking = MASKERS.get(input.length % MASKERS.size()).json("request.body");
        try {
            JSON.readTree(masking.mask(input, new MaskingReport()));
        } catch (MaskingRefusedException refused) {
            assertThat(refused.getMessage()).isNotBlank();
        }
        try {
            byte[] masked = masking.maskNdjson(input, new MaskingReport());
            for (String line : new String(masked, StandardCharsets.UTF_8).split("\n")) {
                if (!line.isEmpty()) {
                    JSON.readTree(line);
                }
            }
        } catch (MaskingRefusedException refused) {
            assertThat(refused.getMessage()).isNotBlank();
        }
    }

    /**
     * A personal value the profile masks when it stands alone (only then must it mask it everywhere),
     * or null.
     */
    static Positive maskedAlone(Masker masker, FuzzedDataProvider data) {
        Positive positive = PersonalValues.any(data);
        CellResult alone = masker.forColumn(ColumnRef.expression("body")).mask(positive.text(), new MaskingReport());
        return String.valueOf(alone.value()).contains(positive.value()) ? null : positive;
    }

    /**
     * A JSON document of fuzzed structure, keys and scalars, holding the positive once (as a string
     * value with fuzzed text around it, as a key, or as a number when it is digits only).
     *
     * @param json  the document
     */
    private record Document(String json) {

        /** @return null when the fuzzed text happens to hold the positive's value itself */
        static Document write(FuzzedDataProvider data, Positive positive) {
            StringWriter out = new StringWriter();
            StringBuilder fuzzed = new StringBuilder();
            Function<Integer, String> text = max -> {
                String s = data.consumeString(max);
                fuzzed.append(s).append('\n');
                return s;
            };
            try (JsonGenerator json = FACTORY.createGenerator(out)) {
                json.writeStartObject();
                int fields = data.consumeInt(0, 4);
                int at = data.consumeInt(0, fields);
                for (int i = 0; i <= fields; i++) {
                    if (i == at && positive != null) {
                        carrying(data, json, text, positive, data.consumeInt(0, 3));
                    } else {
                        json.writeFieldName(text.apply(12) + "#" + i);
                        value(data, json, text, 0);
                    }
                }
                json.writeEndObject();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return positive != null && fuzzed.toString().contains(positive.value()) ? null : new Document(out.toString());
        }

        /** A field of the enclosing object that holds the positive, {@code nesting} containers down. */
        private static void carrying(FuzzedDataProvider data, JsonGenerator json, Function<Integer, String> text,
                                     Positive positive, int nesting) throws IOException {
            if (nesting == 0 && data.consumeInt(0, 3) == 0) {
                json.writeFieldName(positive.text());
                value(data, json, text, 2);
                return;
            }
            json.writeFieldName(text.apply(12));
            for (int level = 0; level < nesting; level++) {
                if (data.consumeBoolean()) {
                    json.writeStartArray();
                    value(data, json, text, 3);
                } else {
                    json.writeStartObject();
                    json.writeFieldName(text.apply(12));
                }
            }
            if (positive.value().chars().allMatch(Character::isDigit) && data.consumeBoolean()) {
                json.writeNumber(positive.value());
            } else {
                json.writeString(text.apply(40) + " " + positive.text() + END + text.apply(40));
            }
            // Close what was opened, innermost first: the generator knows which kind each is.
            for (int level = 0; level < nesting; level++) {
                if (json.getOutputContext().inArray()) {
                    json.writeEndArray();
                } else {
                    json.writeEndObject();
                }
            }
        }

        /** A value without the positive: scalars, and containers until {@code depth} reaches 3. */
        private static void value(FuzzedDataProvider data, JsonGenerator json, Function<Integer, String> text, int depth)
                throws IOException {
            switch (depth >= 3 ? data.consumeInt(2, 6) : data.consumeInt(0, 6)) {
                case 0 -> {
                    json.writeStartObject();
                    for (int i = data.consumeInt(0, 3); i > 0; i--) {
                        json.writeFieldName(text.apply(12) + "#" + i);
                        value(data, json, text, depth + 1);
                    }
                    json.writeEndObject();
                }
                case 1 -> {
                    json.writeStartArray();
                    for (int i = data.consumeInt(0, 3); i > 0; i--) {
                        value(data, json, text, depth + 1);
                    }
                    json.writeEndArray();
                }
                case 2 -> json.writeString(text.apply(60));
                case 3 -> json.writeNumber(data.consumeLong());
                case 4 -> json.writeNumber(data.consumeDouble());
                case 5 -> json.writeBoolean(data.consumeBoolean());
                default -> json.writeNull();
            }
        }
    }
}
