package dev.tracegate.masking;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a report's summary holds, in its stable order, whatever order the report counted in. */
class MaskingSummaryTest {

    @Test
    void locationsEntitiesAndFallbacksComeSortedWhateverTheOrderCounted() {
        MaskingReport report = new MaskingReport();
        report.count("response.body:$.orders[*].phone", "PHONE", 2);
        report.count("response.body:$.orders[*].email", "EMAIL", 1);
        report.count("response.body:$.orders[*].email", "CUSTOM", 3);
        report.fallback("response.body:$.z", FallbackReason.SCAN_BUDGET, FallbackAction.REDACT);
        report.fallback("response.body:$.a", FallbackReason.UNMASKABLE, FallbackAction.PASS);
        report.fallback("response.body:$.a", FallbackReason.SCAN_BUDGET, FallbackAction.REDACT);

        MaskingSummary summary = report.snapshot();

        assertThat(summary.found().keySet()).containsExactly("response.body:$.orders[*].email",
                "response.body:$.orders[*].phone");
        assertThat(summary.found().get("response.body:$.orders[*].email").keySet()).containsExactly("CUSTOM", "EMAIL");
        assertThat(summary.fallbacks()).extracting(MaskingSummary.Fallback::location, MaskingSummary.Fallback::reason)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("response.body:$.a", FallbackReason.SCAN_BUDGET),
                        org.assertj.core.groups.Tuple.tuple("response.body:$.a", FallbackReason.UNMASKABLE),
                        org.assertj.core.groups.Tuple.tuple("response.body:$.z", FallbackReason.SCAN_BUDGET));
        assertThat(summary.toEventData()).containsEntry("valuesMasked", 0L);
    }

    @Test
    void twoSummariesAddUpSortedAndAnEmptyOneAddsNothing() {
        MaskingReport request = new MaskingReport();
        request.count("request.body:$.email", "EMAIL", 1);
        MaskingReport response = new MaskingReport();
        response.count("response.body:$.email", "EMAIL", 2);
        response.count("request.body:$.email", "EMAIL", 4);
        MaskingSummary empty = new MaskingReport().snapshot();

        MaskingSummary both = response.snapshot().plus(request.snapshot());

        assertThat(both.found()).isEqualTo(Map.of("request.body:$.email", Map.of("EMAIL", 5L),
                "response.body:$.email", Map.of("EMAIL", 2L)));
        assertThat(both.found().keySet()).containsExactly("request.body:$.email", "response.body:$.email");
        assertThat(both.plus(empty)).isEqualTo(both);
        assertThat(empty.plus(both)).isEqualTo(both);
        assertThat(empty).isEqualTo(new MaskingSummary(Map.of(), List.of(), 0)).matches(MaskingSummary::isEmpty);
    }

    @Test
    void anEmptyReportsSummaryIsSharedNotMadePerReport() {
        assertThat(new MaskingReport().snapshot()).isSameAs(new MaskingReport().snapshot());
    }
}
