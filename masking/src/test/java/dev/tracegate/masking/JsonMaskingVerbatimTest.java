package dev.tracegate.masking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracegate.masking.config.FieldRuleConfig;
import dev.tracegate.masking.config.LimitsConfig;
import dev.tracegate.masking.config.MaskingConfig;
import dev.tracegate.masking.config.StrategyConfig;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A document held whole (a string, UTF-8 bytes, a jsonb cell) comes back with the upstream's own
 * bytes (whitespace, escapes, number spellings) but for the names and values masked, each replaced
 * where it stood and written as JSON.
 */
class JsonMaskingVerbatimTest {

    private static final JsonMasking JSON = new Masker(MaskingProfile.defaults()).json("b");

    /** Both forms of a document held whole give the same bytes. */
    private static String masked(String json, MaskingReport report) {
        String text = JSON.mask(json, report);
        byte[] bytes = JSON.mask(json.getBytes(StandardCharsets.UTF_8), new MaskingReport());
        assertThat(new String(bytes, StandardCharsets.UTF_8)).isEqualTo(text);
        return text;
    }

    @Test
    void aCleanDocumentComesBackByteForByteWithItsWhitespaceAndEscapes() {
        String clean = " {\n\t\"a\" :\r\n [ 1 , 2.50e+3, -0.0, \"caf\\u00e9 \\/ \\\"q\\\"\" , true,null ] ,\"\\u006eame\":{} }\n ";
        assertThat(JSON.mask(clean, new MaskingReport())).isSameAs(clean);
        byte[] bytes = clean.getBytes(StandardCharsets.UTF_8);
        assertThat(JSON.mask(bytes, new MaskingReport())).isEqualTo(bytes);
    }

    @Test
    void aValueWrittenWithEscapesIsFoundAndItsReplacementIsWrittenAsJson() {
        MaskingReport report = new MaskingReport();
        String out = masked("""
                { "note" : "say \\"hi\\" to ada\\u0040example\\u002eorg\\n" , "ada\\u0040example.org" :1,\t"ok": "caf\\u00e9" }""",
                report);
        assertThat(out).isEqualTo("""
                { "note" : "say \\"hi\\" to [EMAIL]\\n" , "[EMAIL]" :1,\t"ok": "caf\\u00e9" }""");
        assertThat(report.snapshot().found()).containsEntry("b:$.note", Map.of("EMAIL", 1L))
                .containsEntry("b:$['[EMAIL]']", Map.of("EMAIL", 1L));
    }

    @Test
    void aMaskedValueInsideNestedArraysIsReplacedWhereItStands() {
        MaskingReport report = new MaskingReport();
        String out = masked("""
                [ [1, [ "ada@example.com" , [ "x" ] ] ],
                  {"a": [[ 4111111111111111 ], [ "\u00fcber" ]]} ]""", report);
        assertThat(out).isEqualTo("""
                [ [1, [ "[EMAIL]" , [ "x" ] ] ],
                  {"a": [[ "[CARD]" ], [ "\u00fcber" ]]} ]""");
        assertThat(report.snapshot().found()).containsEntry("b:$[*][*][*]", Map.of("EMAIL", 1L))
                .containsEntry("b:$[*].a[*][*]", Map.of("CARD", 1L));
    }

    @Test
    void aContainerARuleNullifiesIsReplacedByNullAndTheRestKept() {
        Masker masker = new Masker(MaskingProfile.from(new MaskingConfig(null, null, null, null, null,
                List.of(new FieldRuleConfig("$.secret", EntityType.CUSTOM, StrategyConfig.nullify())), null, null),
                MaskStrategyTest.KEY));
        String out = masker.json("b").mask("{ \"secret\" : { \"a\" : [ 1, {\"b\": \"}\"} ] } ,\n \"kept\" : 1.0 }",
                new MaskingReport());
        assertThat(out).isEqualTo("{ \"secret\" : null ,\n \"kept\" : 1.0 }");
    }

    @Test
    void aJsonbCellKeepsItsSpacingAroundWhatIsMasked() {
        ColumnMasker column = new Masker(MaskingProfile.defaults())
                .forColumn(ColumnRef.of("public", "events", "payload", "jsonb"));
        CellResult masked = column.mask("{\"tags\": [\"a\", \"b\"], \"who\": {\"mail\": \"ada@example.com\"}}",
                new MaskingReport());
        assertThat(masked.value()).isEqualTo("{\"tags\": [\"a\", \"b\"], \"who\": {\"mail\": \"[EMAIL]\"}}");
    }

    /** Jackson reads UTF-16 and UTF-32 too, by their first bytes: such a document is masked and written as UTF-8. */
    @Test
    void aDocumentInUtf16IsMaskedAndWrittenAsUtf8() {
        byte[] utf16 = "{ \"note\" : \"ada@example.com\" }".getBytes(StandardCharsets.UTF_16BE);
        assertThat(new String(JSON.mask(utf16, new MaskingReport()), StandardCharsets.UTF_8))
                .isEqualTo("{\"note\":\"[EMAIL]\"}");
    }

    /** A UTF-8 byte order mark is kept with the rest. */
    @Test
    void aByteOrderMarkIsKept() {
        byte[] body = "\ufeff{ \"note\" : \"ada@example.com\" }".getBytes(StandardCharsets.UTF_8);
        assertThat(JSON.mask(body, new MaskingReport()))
                .isEqualTo("\ufeff{ \"note\" : \"[EMAIL]\" }".getBytes(StandardCharsets.UTF_8));
    }

    /** A kept share cut at the evidence budget is no JSON document: refused whole, never half copied. */
    @Test
    void aDocumentCutAtTheBudgetIsRefusedWhole() {
        String cut = "{\"a\": \"ada@example.com\", \"b\": [1, 2], \"c\": \"bob@exam";
        assertThatThrownBy(() -> JSON.mask(cut, new MaskingReport()))
                .isInstanceOfSatisfying(MaskingRefusedException.class,
                        e -> assertThat(e.reason()).isEqualTo(FallbackReason.INVALID_JSON));
        byte[] cutInACharacter = Arrays.copyOf("{\"a\": \"ada@example.com\", \"b\": \"\u00fc".getBytes(StandardCharsets.UTF_8),
                33);
        assertThatThrownBy(() -> JSON.mask(cutInACharacter, new MaskingReport()))
                .isInstanceOfSatisfying(MaskingRefusedException.class,
                        e -> assertThat(e.reason()).isEqualTo(FallbackReason.INVALID_JSON));
    }

    @Test
    void anOversizedValueIsReplacedByItsPlaceholder() {
        JsonMasking json = new Masker(MaskingProfile.from(new MaskingConfig(null, null, null, null, null, null, null,
                new LimitsConfig(8, null, FallbackAction.REDACT, null)), null)).json("b");
        assertThat(json.mask("{ \"long\" : \"0123456789\" , \"n\" : 1 }", new MaskingReport()))
                .isEqualTo("{ \"long\" : \"[OVERSIZED]\" , \"n\" : 1 }");
    }
}
