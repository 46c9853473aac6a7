package dev.tracegate.policy.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/**
 * What the classifier allocates per statement that could be per shape: a statement of the rules
 * that counts nothing makes no count table, and a statement with no number to abstract is its own
 * shape, not a copy of its text; the function rules' look at each identifier makes no stream. Allocated
 * bytes, not time: the machine's load does not change them.
 */
class ClassifierAllocationTest {

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private static final int SPANS = 1_000;

    @Test
    void aTokenListTheRulesCountNothingInCostsOnlyItsSpanAndIndex() {
        var tokens = SqlLexer.lex("SELECT abalance FROM pgbench_accounts WHERE aid = 1").tokens();
        TokenSpan[] spans = new TokenSpan[SPANS];
        long before = THREADS.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < SPANS; i++) {
            spans[i] = new TokenSpan(tokens);
        }
        long perSpan = (THREADS.getCurrentThreadAllocatedBytes() - before) / SPANS;
        assertThat(spans[SPANS - 1].closing(0)).isEqualTo(spans[SPANS - 1].size());
        assertThat(perSpan).isLessThanOrEqualTo(128);
    }

    @Test
    void theFunctionRulesPassOverAStatementThatCallsNothingNotableAllocatesNothing() {
        TokenSpan span = new TokenSpan(SqlLexer.lex("SELECT abalance FROM pgbench_accounts WHERE aid = 1").tokens());
        ClassFinding read = ClassFinding.of(StatementClass.READ, "SELECT");
        for (int i = 0; i < SPANS; i++) {
            FunctionCallRules.apply(read, span, 0); // compiled before it is measured
        }
        long before = THREADS.getCurrentThreadAllocatedBytes();
        ClassFinding verdict = read;
        for (int i = 0; i < SPANS; i++) {
            verdict = FunctionCallRules.apply(read, span, 0);
        }
        long perPass = (THREADS.getCurrentThreadAllocatedBytes() - before) / SPANS;
        assertThat(verdict).isSameAs(read);
        assertThat(perPass).as("bytes per pass (a stream per identifier was about 150 each)").isLessThanOrEqualTo(16);
    }

    @Test
    void aStatementThatNamesNoTableInTextMakesNoSetForIt() {
        TokenSpan span = new TokenSpan(SqlLexer.lex("SELECT abalance FROM pgbench_accounts WHERE aid = 1").tokens());
        long before = THREADS.getCurrentThreadAllocatedBytes();
        int found = 0;
        for (int i = 0; i < SPANS; i++) {
            found += FunctionCallRules.tablesNamedInText(span, 0).size();
        }
        long perCall = (THREADS.getCurrentThreadAllocatedBytes() - before) / SPANS;
        assertThat(found).isZero();
        assertThat(perCall).as("bytes per call (115 with an empty LinkedHashSet per call)").isLessThanOrEqualTo(16);
        assertThat(FunctionCallRules.tablesNamedInText(new TokenSpan(SqlLexer.lex(
                "SELECT table_to_xml('salaries', true, false, ''), query_to_xml('SELECT * FROM bonus', true, false, '')")
                .tokens()), 0)).containsExactly("salaries", "bonus");
    }

    @Test
    void aStatementWithOnlyParametersIsItsOwnShape() {
        String sql = "SELECT abalance FROM pgbench_accounts WHERE aid = $1";
        SqlStatement statement = SqlScriptSplitter.split(sql, SqlLexer.lex(sql)).getFirst();

        assertThat(StatementShape.of(statement)).get().isSameAs(statement.text());
    }
}
