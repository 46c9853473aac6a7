package dev.tracegate.policy.trace;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class TraceContextExtractorTest {

    private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String SPAN = "00f067aa0ba902b7";

    @Test
    void readsSqlcommenterTraceparent() {
        Optional<TraceContext> context = TraceContextExtractor.extract(
                "SELECT * FROM orders /*traceparent='00-" + TRACE + "-" + SPAN + "-01'*/");
        assertThat(context).contains(new TraceContext(TRACE, SPAN, "01"));
        assertThat(context.orElseThrow().sampled()).isTrue();
    }

    @Test
    void readsUrlEncodedValuesAmongOtherPairs() {
        String sql = "UPDATE t SET a = 1 WHERE id = 2 /*action='%2Fcheckout',controller='cart',"
                + "framework='spring%3A6',traceparent='00%2D" + TRACE + "%2D" + SPAN + "%2D00'*/";
        Optional<TraceContext> context = TraceContextExtractor.extract(sql);
        assertThat(context).contains(new TraceContext(TRACE, SPAN, "00"));
        assertThat(context.orElseThrow().sampled()).isFalse();
    }

    @Test
    void theLastCommentWinsAndStringsAreNotComments() {
        String other = "0af7651916cd43dd8448eb211c80319c";
        String sql = "SELECT '/*traceparent=''00-" + other + "-" + SPAN + "-01''*/' /*traceparent='00-" + other + "-"
                + SPAN + "-01'*/ /*traceparent='00-" + TRACE + "-" + SPAN + "-01'*/";
        assertThat(TraceContextExtractor.extract(sql).map(TraceContext::traceId)).contains(TRACE);
        String onlyInString = "SELECT '/*traceparent=''00-" + TRACE + "-" + SPAN + "-01''*/'";
        assertThat(TraceContextExtractor.extract(onlyInString)).isEmpty();
    }

    @Test
    void rejectsMalformedAndAllZeroIds() {
        assertThat(TraceContextExtractor.parse("00-" + "0".repeat(32) + "-" + SPAN + "-01")).isEmpty();
        assertThat(TraceContextExtractor.parse("00-" + TRACE + "-" + "0".repeat(16) + "-01")).isEmpty();
        assertThat(TraceContextExtractor.parse("00-" + TRACE.toUpperCase() + "-" + SPAN + "-01")).isEmpty();
        assertThat(TraceContextExtractor.parse("00-" + TRACE + "-" + SPAN + "-01-extra")).isEmpty();
        assertThat(TraceContextExtractor.parse("ff-" + TRACE + "-" + SPAN + "-01")).isEmpty();
        assertThat(TraceContextExtractor.parse("00-" + TRACE.substring(1) + "-" + SPAN + "-01")).isEmpty();
        assertThat(TraceContextExtractor.parse("00_" + TRACE + "-" + SPAN + "-01")).isEmpty();
        assertThat(TraceContextExtractor.parse("01-" + TRACE + "-" + SPAN + "-01-future")).isPresent();
    }

    @Test
    void ignoresCommentsThatAreNotKeyValuePairs() {
        assertThat(TraceContextExtractor.extract("SELECT 1 /* traceparent=00-" + TRACE + "-" + SPAN + "-01 */")).isEmpty();
        assertThat(TraceContextExtractor.extract("SELECT 1 /*traceparent='00-" + TRACE + "-" + SPAN + "-01'")).isEmpty();
        assertThat(TraceContextExtractor.extract("SELECT 1 /*traceparent='%zz'*/")).isEmpty();
        assertThat(TraceContextExtractor.extract("SELECT 1 -- traceparent='00-" + TRACE + "-" + SPAN + "-01'")).isEmpty();
        assertThat(TraceContextExtractor.extract("SELECT 1")).isEmpty();
    }
}
