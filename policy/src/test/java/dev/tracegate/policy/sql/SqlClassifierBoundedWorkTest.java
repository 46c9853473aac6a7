package dev.tracegate.policy.sql;

import static dev.tracegate.policy.sql.StatementClass.BULK_WRITE;
import static dev.tracegate.policy.sql.StatementClass.DANGEROUS_ADMIN;
import static dev.tracegate.policy.sql.StatementClass.DDL;
import static dev.tracegate.policy.sql.StatementClass.READ;
import static dev.tracegate.policy.sql.StatementClass.UNKNOWN;
import static dev.tracegate.policy.sql.StatementClass.WRITE;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Attacker-sized statements (hundreds of thousands of tokens; the MERGE is close to
 * {@link SqlClassifier#MAX_ANALYSED_LENGTH}) are classified correctly, and in time linear in their
 * length. Nothing here measures time: each case was quadratic or worse before (minutes to hours at
 * these sizes, or a StackOverflowError out of classify), so a path that became super-linear again
 * would keep this test from finishing rather than fail an assertion. The sizes are chosen so that
 * the whole class runs in seconds when the paths are linear.
 */
class SqlClassifierBoundedWorkTest {

    private final SqlClassifier classifier = new SqlClassifier();

    private SqlClassification classify(String sql) {
        assertThat(sql.length()).isLessThanOrEqualTo(SqlClassifier.MAX_ANALYSED_LENGTH);
        return classifier.classify(sql);
    }

    private static String repeat(int times, java.util.function.IntFunction<String> item, String separator) {
        return IntStream.range(0, times).mapToObj(item).collect(Collectors.joining(separator));
    }

    @Test
    void mergeWithTwentyThousandWhenClausesIsReadClauseByClause() {
        String clauses = repeat(20_000, i -> "WHEN MATCHED AND v = " + i + " THEN DELETE", " ");
        String merge = "MERGE INTO t USING s ON t.id = s.id " + clauses;
        assertThat(classify(merge).highestRisk()).isEqualTo(WRITE);
        // The last of them decides: every clause is read, none skipped.
        assertThat(classify(merge + " WHEN NOT MATCHED BY SOURCE THEN DELETE").highestRisk()).isEqualTo(BULK_WRITE);
        // Twenty thousand WHENs waiting for one THEN (each WHEN used to search to the end for it).
        String oneThen = "MERGE INTO t USING s ON t.id = s.id " + "WHEN MATCHED ".repeat(20_000) + "THEN DELETE";
        ClassifiedStatement malformed = classify(oneThen).statements().getFirst();
        assertThat(malformed.statementClass()).isEqualTo(UNKNOWN);
        assertThat(malformed.reasons()).contains("unrecognised MERGE");
    }

    @Test
    void bracketsNestedBeyondTheLimitAreUnknownAndWithinItAreFollowed() {
        int limit = CommandRules.MAX_NESTING;
        assertThat(classify("SELECT " + "(".repeat(limit) + "1" + ")".repeat(limit)).highestRisk()).isEqualTo(READ);
        ClassifiedStatement deeper = classify("SELECT " + "(".repeat(limit + 1) + "1" + ")".repeat(limit + 1))
                .statements().getFirst();
        assertThat(deeper.statementClass()).isEqualTo(UNKNOWN);
        assertThat(deeper.reasons()).anyMatch(r -> r.contains("nested more than " + limit));
        assertThat(classify("SELECT " + "(".repeat(150_000) + "1" + ")".repeat(150_000)).highestRisk())
                .isEqualTo(UNKNOWN);
        assertThat(classify("DELETE FROM t WHERE " + "(".repeat(150_000) + "id = 1" + ")".repeat(150_000))
                .highestRisk()).isEqualTo(UNKNOWN);
        // Within the limit a WHERE is analysed through every level.
        String where = "(".repeat(limit - 1) + "id = id" + ")".repeat(limit - 1);
        assertThat(classify("DELETE FROM t WHERE " + where).highestRisk()).isEqualTo(BULK_WRITE);
    }

    @Test
    void unbalancedBracketsAreUnknown() {
        assertThat(classify("DELETE FROM t ) WHERE id = 1").highestRisk()).isEqualTo(UNKNOWN);
        assertThat(classify("SELECT (1").highestRisk()).isEqualTo(UNKNOWN);
        assertThat(classify("SELECT " + ")".repeat(300_000)).highestRisk()).isEqualTo(UNKNOWN);
    }

    @Test
    void longInListsAreFollowedToTheEnd() {
        String numbers = repeat(50_000, Integer::toString, ",");
        assertThat(classify("DELETE FROM t WHERE id IN (" + numbers + ")").highestRisk()).isEqualTo(WRITE);
        assertThat(classify("DELETE FROM t WHERE 1 IN (" + numbers + ")").highestRisk()).isEqualTo(BULK_WRITE);
    }

    @Test
    void longChainsOfOrAreFollowedToTheEnd() {
        String chain = repeat(25_000, i -> "id = " + i, " OR ");
        assertThat(classify("DELETE FROM t WHERE " + chain).highestRisk()).isEqualTo(WRITE);
        assertThat(classify("DELETE FROM t WHERE " + chain + " OR 1 = 1").highestRisk()).isEqualTo(BULK_WRITE);
        String ands = repeat(25_000, i -> "id <> " + i, " AND ");
        assertThat(classify("UPDATE t SET a = 1 WHERE " + ands + " AND 2 > 1").highestRisk()).isEqualTo(WRITE);
    }

    @Test
    void longRunsOfPrefixOperatorsNotsAndComparisonsAreFollowed() {
        // Each was a level of recursion (a StackOverflowError) or a re-read of the growing left operand.
        assertThat(classify("DELETE FROM t WHERE " + "NOT ".repeat(75_001) + "false").highestRisk())
                .isEqualTo(BULK_WRITE);
        assertThat(classify("DELETE FROM t WHERE " + "NOT ".repeat(75_000) + "false").highestRisk())
                .isEqualTo(WRITE);
        assertThat(classify("DELETE FROM t WHERE a = " + "- ".repeat(150_000) + "a").highestRisk()).isEqualTo(WRITE);
        assertThat(classify("DELETE FROM t WHERE " + "a = ".repeat(75_000) + "a").highestRisk()).isEqualTo(WRITE);
        String cases = "CASE WHEN x THEN ".repeat(15_000) + "1" + " END".repeat(15_000);
        assertThat(classify("DELETE FROM t WHERE " + cases + " = 1").highestRisk()).isEqualTo(WRITE);
    }

    @Test
    void aLongRunOfOperatorCharactersIsLexedOnce() {
        // PostgreSQL reads "=+-+-..." as "=" and then one operator per sign.
        String run = "+-".repeat(150_000);
        List<SqlToken> tokens = SqlLexer.lex("SELECT 1 =" + run + " 1").tokens();
        assertThat(tokens).hasSize(2 + 1 + run.length() + 1);
        assertThat(tokens.get(2).text()).isEqualTo("=");
        assertThat(tokens.get(3).text()).isEqualTo("+");
        assertThat(tokens.get(4).text()).isEqualTo("-");
        assertThat(classify("SELECT 1 =" + run + " 1").highestRisk()).isEqualTo(READ);
    }

    @Test
    void statementsNestedInStatementsBeyondTheLimitAreUnknown() {
        // Each level used to be a level of recursion: a StackOverflowError out of classify.
        assertThat(classify("EXPLAIN ".repeat(40_000) + "SELECT 1").highestRisk()).isEqualTo(UNKNOWN);
        assertThat(classify("DECLARE c CURSOR FOR ".repeat(15_000) + "SELECT 1").highestRisk()).isEqualTo(UNKNOWN);
        assertThat(classify("WITH x AS (SELECT 1) ".repeat(15_000) + "SELECT 1").highestRisk()).isEqualTo(UNKNOWN);
        assertThat(classify("EXPLAIN ANALYZE ".repeat(CommandRules.MAX_NESTING - 1) + "DELETE FROM t").highestRisk())
                .isEqualTo(BULK_WRITE);
    }

    @Test
    void cteInCteNestingIsFollowedToTheLimit() {
        int depth = CommandRules.MAX_NESTING / 2 - 1;
        String nested = "WITH d0 AS (SELECT 1) DELETE FROM orders RETURNING 1";
        for (int level = 1; level <= depth; level++) {
            nested = "WITH d" + level + " AS (" + nested + ") SELECT * FROM d" + level;
        }
        assertThat(classify(nested).highestRisk()).isEqualTo(BULK_WRITE);
    }

    @Test
    void manyStatementsInOneStringAreEachClassified() {
        String selects = "SELECT 1;".repeat(40_000);
        SqlClassification result = classify(selects + "DROP TABLE t");
        assertThat(result.statements()).hasSize(40_001);
        assertThat(result.highestRisk()).isEqualTo(DDL);
        // Every statement different (no cache helps), and the bulk delete last.
        String distinct = repeat(12_000, i -> "SELECT 'v" + i + "' FROM t" + i, ";");
        SqlClassification distinctResult = classify(distinct + ";DELETE FROM orders");
        assertThat(distinctResult.statements()).hasSize(12_001);
        assertThat(distinctResult.highestRisk()).isEqualTo(BULK_WRITE);
        assertThat(distinctResult.statements().getLast().tables()).containsExactly("orders");
        // The parser read as many as its budget allows; the project's own rules read every one.
        assertThat(distinctResult.statements().stream().filter(ClassifiedStatement::parsed).count())
                .isLessThanOrEqualTo(SqlClassifier.MAX_PARSED_STATEMENTS);
    }

    @Test
    void manySubStatementsAndCallsKeepTheirReasonsBounded() {
        String deletes = repeat(6_000, i -> "(WITH x AS (SELECT 1) DELETE FROM t" + i + " RETURNING 1)", ", ");
        ClassifiedStatement many = classify("SELECT " + deletes).statements().getFirst();
        assertThat(many.statementClass()).isEqualTo(BULK_WRITE);
        assertThat(many.reasons().size()).isLessThanOrEqualTo(ClassFinding.MAX_REASONS + StatementClass.values().length);
        String calls = repeat(15_000, i -> "pg_read_file('/f" + i + "')", ", ");
        ClassifiedStatement reads = classify("SELECT " + calls).statements().getFirst();
        assertThat(reads.statementClass()).isEqualTo(DANGEROUS_ADMIN);
        assertThat(reads.reasons().size()).isLessThanOrEqualTo(ClassFinding.MAX_REASONS + StatementClass.values().length);
    }

    @Test
    void longNamesAndNameListsAreReadOnce() {
        assertThat(classify("SET " + "a.".repeat(150_000) + "b = 1").highestRisk()).isEqualTo(UNKNOWN);
        assertThat(classify("RESET " + "a.".repeat(150_000) + "b").highestRisk()).isEqualTo(UNKNOWN);
        // Every "on" after FROM also introduces names; the list was read again from each of them.
        String list = "on, ".repeat(75_000) + "x";
        assertThat(classify("SELECT * FROM " + list).highestRisk()).isEqualTo(READ);
    }

    @Test
    void hugeProceduralBodiesStayBounded() {
        String thens = "DO $$ BEGIN " + "IF x THEN ".repeat(20_000) + "DELETE FROM t; END $$";
        assertThat(classify(thens).highestRisk()).isEqualTo(UNKNOWN);
        String strings = "DO $$ BEGIN " + "PERFORM 'SELECT 1 FROM t WHERE a = 1', 'x'; ".repeat(6_000) + " END $$";
        assertThat(classify(strings).highestRisk()).isEqualTo(UNKNOWN);
    }
}
