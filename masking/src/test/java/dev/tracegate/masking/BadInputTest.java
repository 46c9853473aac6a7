package dev.tracegate.masking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracegate.masking.config.LimitsConfig;
import dev.tracegate.masking.config.MaskingConfig;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Hostile and broken values: each gets a clear outcome in bounded time and memory. */
class BadInputTest {

    private static final ColumnRef NOTES = ColumnRef.of("public", "customers", "notes", "text");

    private static Masker masker(LimitsConfig limits) {
        return new Masker(MaskingProfile.from(new MaskingConfig(null, null, null, null, null, null, null, limits), null));
    }

    @Test
    void hundredMegabyteCellIsRedactedWholeWithoutBeingScanned() {
        byte[] huge = new byte[100 * 1024 * 1024];
        Arrays.fill(huge, (byte) 'a');
        huge[5] = '@';
        MaskingReport report = new MaskingReport();
        CellResult result = masker(null).forColumn(NOTES).maskUtf8(huge, 0, huge.length, report);
        assertThat(result.outcome()).isEqualTo(CellOutcome.FALLBACK);
        assertThat(result.value()).isEqualTo("[OVERSIZED]");
        assertThat(report.snapshot().fallbacks()).singleElement().isEqualTo(new MaskingSummary.Fallback(
                "public.customers.notes", FallbackReason.OVERSIZED, FallbackAction.REDACT, 1));
    }

    @Test
    void oversizedCellCanBeNullifiedOrRefused() {
        String big = "x".repeat(2_000);
        assertThat(masker(new LimitsConfig(1_000, null, FallbackAction.NULLIFY, null)).maskText(NOTES, big,
                new MaskingReport()).value()).isNull();
        MaskingReport report = new MaskingReport();
        assertThatThrownBy(() -> masker(new LimitsConfig(1_000, null, FallbackAction.REFUSE, null))
                .maskText(NOTES, big, report))
                .isInstanceOfSatisfying(MaskingRefusedException.class, e -> {
                    assertThat(e.reason()).isEqualTo(FallbackReason.OVERSIZED);
                    assertThat(e.location()).isEqualTo("public.customers.notes");
                });
        assertThat(report.snapshot().fallbacks()).singleElement()
                .extracting(MaskingSummary.Fallback::action).isEqualTo(FallbackAction.REFUSE);
    }

    @Test
    void tenMegabytesOfDigitsAreScannedInLinearTimeWhenTheCapAllows() {
        String digits = "7".repeat(10 * 1024 * 1024);
        Masker masker = masker(new LimitsConfig(16 * 1024 * 1024, null, null, null));
        CellResult result = masker.maskText(NOTES, digits, new MaskingReport());
        assertThat(result.outcome()).isEqualTo(CellOutcome.UNCHANGED);
    }

    @Test
    void digitsSpacedLikeCandidatesEverywhereHitTheBudgetNotTheClock() {
        String crafted = "(202) 555-01 ".repeat(70_000); // ~900 KB, a phone-shaped candidate every 13 chars
        MaskingReport report = new MaskingReport();
        CellResult result = masker(null).maskText(NOTES, crafted, report);
        assertThat(result.outcome()).isEqualTo(CellOutcome.FALLBACK);
        assertThat(result.fallback()).isEqualTo(FallbackReason.SCAN_BUDGET);
        assertThat(result.value()).isEqualTo("[SCAN_BUDGET]");
    }

    @Test
    void aJsonKeyThatExhaustsTheBudgetUnderNullifyBecomesThePlaceholderNotAnError() {
        Masker masker = masker(new LimitsConfig(null, null, FallbackAction.NULLIFY, null));
        String key = "(202) 555-01 ".repeat(2_000);
        MaskingReport report = new MaskingReport();
        String out = masker.json("b").mask("{\"" + key + "\":1,\"next\":\"ok\"}", report);
        assertThat(out).isEqualTo("{\"[SCAN_BUDGET]\":1,\"next\":\"ok\"}");
        assertThat(report.snapshot().fallbacks()).singleElement()
                .satisfies(fallback -> assertThat(fallback.reason()).isEqualTo(FallbackReason.SCAN_BUDGET));
    }

    @Test
    void invalidUtf8IsNeverDecodedAndMasked() {
        byte[] bytes = "alice@example.com \u00e9".getBytes(StandardCharsets.UTF_8);
        bytes[bytes.length - 1] = (byte) 0x28; // breaks the two-byte é
        MaskingReport report = new MaskingReport();
        CellResult redacted = masker(null).forColumn(NOTES).maskUtf8(bytes, 0, bytes.length, report);
        assertThat(redacted.value()).isEqualTo("[INVALID_UTF8]");
        assertThat(redacted.fallback()).isEqualTo(FallbackReason.INVALID_UTF8);

        CellResult passed = masker(new LimitsConfig(null, null, null, FallbackAction.PASS)).forColumn(NOTES)
                .maskUtf8(bytes, 0, bytes.length, report);
        assertThat(passed.outcome()).isEqualTo(CellOutcome.PASSED_UNSCANNED);
        assertThat(passed.changed()).isFalse();

        assertThatThrownBy(() -> masker(new LimitsConfig(null, null, null, FallbackAction.REFUSE)).forColumn(NOTES)
                .maskUtf8(bytes, 0, bytes.length, new MaskingReport()))
                .isInstanceOfSatisfying(MaskingRefusedException.class,
                        e -> assertThat(e.reason()).isEqualTo(FallbackReason.INVALID_UTF8));
        assertThat(report.snapshot().fallbacks()).extracting(MaskingSummary.Fallback::action)
                .containsExactlyInAnyOrder(FallbackAction.REDACT, FallbackAction.PASS);
    }

    /** Valid UTF-8 that holds U+FFFD, the character a decoder puts for bad bytes, is scanned as any text. */
    @Test
    void aReplacementCharacterTheClientWroteIsText() {
        byte[] bytes = "alice@example.com \uFFFD ok".getBytes(StandardCharsets.UTF_8);
        CellResult masked = masker(null).forColumn(NOTES).maskUtf8(bytes, 0, bytes.length, new MaskingReport());
        assertThat(masked.value()).isEqualTo("[EMAIL] \uFFFD ok");
        assertThat(masked.fallback()).isNull();
        byte[] broken = "alice@example.com \uFFFD \u00e9".getBytes(StandardCharsets.UTF_8);
        broken[broken.length - 1] = (byte) 0x28;
        assertThat(masker(null).forColumn(NOTES).maskUtf8(broken, 0, broken.length, new MaskingReport()).fallback())
                .isEqualTo(FallbackReason.INVALID_UTF8);
    }

    @Test
    void utf8ValidationRejectsEveryMalformedForm() {
        byte[][] bad = {
            {(byte) 0x80}, {(byte) 0xc0, (byte) 0xaf}, {(byte) 0xe0, (byte) 0x80, (byte) 0xaf},
            {(byte) 0xed, (byte) 0xa0, (byte) 0x80}, {(byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80},
            {(byte) 0xe2, (byte) 0x82}, {(byte) 0xff}};
        for (byte[] b : bad) {
            assertThat(Utf8.isValid(b, 0, b.length)).as(Arrays.toString(b)).isFalse();
        }
        byte[] good = "aé€😀".getBytes(StandardCharsets.UTF_8);
        assertThat(Utf8.isValid(good, 0, good.length)).isTrue();
    }

    @Test
    void validUtf8CellsUseTheBufferSlice() {
        byte[] frame = "XXalice@example.comYY".getBytes(StandardCharsets.UTF_8);
        MaskingReport report = new MaskingReport();
        CellResult result = masker(null).forColumn(NOTES).maskUtf8(frame, 2, 17, report);
        assertThat(new String(result.utf8(), StandardCharsets.UTF_8)).isEqualTo("[EMAIL]");
        CellResult clean = masker(null).forColumn(NOTES).maskUtf8(frame, 0, 2, report);
        assertThat(clean.changed()).isFalse();
    }

    @Test
    void jsonTenThousandDeepInACellFallsBack() {
        String deep = "[".repeat(10_000) + "]".repeat(10_000);
        MaskingReport report = new MaskingReport();
        CellResult result = masker(null).maskText(ColumnRef.of(null, "t", "doc", "jsonb"), deep, report);
        assertThat(result.fallback()).isEqualTo(FallbackReason.TOO_DEEP);
        assertThat(result.value()).isEqualTo("\"[TOO_DEEP]\"");
    }

    @Test
    void oversizedJsonStringValueIsReplacedInsideTheDocument() {
        Masker masker = masker(new LimitsConfig(1_000, null, null, null));
        String doc = "{\"big\":\"" + "y".repeat(5_000) + "\",\"e\":\"alice@example.com\"}";
        MaskingReport report = new MaskingReport();
        assertThat(masker.json("body").mask(doc, report)).isEqualTo("{\"big\":\"[OVERSIZED]\",\"e\":\"[EMAIL]\"}");
        assertThat(report.snapshot().fallbacks()).singleElement()
                .extracting(MaskingSummary.Fallback::location).isEqualTo("body:$.big");
    }
}
