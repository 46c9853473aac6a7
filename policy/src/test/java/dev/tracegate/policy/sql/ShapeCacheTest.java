package dev.tracegate.policy.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The parser-opinion cache keyed by statement shape never changes a classification: every corpus
 * statement, attack or not, classifies the same with a cache warmed by the same statement with
 * other numbers as with no cache at all.
 */
class ShapeCacheTest {

    private static final Pattern NUMBER = Pattern.compile("(?<![\\w$.'])\\d+(?![\\w.'])");

    @Test
    void aWarmShapeCacheGivesTheSameClassificationsAsNone() throws IOException {
        int varied = 0;
        for (EvasionCorpusTest.Case c : EvasionCorpusTest.cases()) {
            String variant = otherNumbers(c.sql());
            SqlClassifier warm = new SqlClassifier();
            warm.classify(c.sql());
            SqlClassification fromWarm = warm.classify(variant);
            SqlClassification fromCold = new SqlClassifier(0).classify(variant);
            assertThat(describe(fromWarm)).as("line %d: %s", c.line(), variant).isEqualTo(describe(fromCold));
            if (!variant.equals(c.sql())) {
                varied++;
            }
        }
        assertThat(varied).as("corpus statements with numbers to vary").isGreaterThan(20);
    }

    @Test
    void pgbenchTextsShareAShapeAndKeepTheirOwnText() {
        SqlClassifier classifier = new SqlClassifier();
        classifier.classify("SELECT abalance FROM pgbench_accounts WHERE aid = 17;");
        SqlClassification second = classifier.classify("SELECT abalance FROM pgbench_accounts WHERE aid = 90210;");
        assertThat(second.statements().getFirst().text()).contains("90210");
        assertThat(second.statements().getFirst().tables()).containsExactly("pgbench_accounts");
        assertThat(SqlClassifier.shape(SqlScriptSplitter.split("SELECT * FROM t WHERE id = 17").getFirst()))
                .isEqualTo(SqlClassifier.shape(SqlScriptSplitter.split("SELECT * FROM t WHERE id = 90210").getFirst()));
    }

    @Test
    void stringsCommentsAndNamesAreNeverAbstracted() {
        assertThat(shape("SELECT dblink_exec('h', 'DROP TABLE t')")).isNotEqualTo(shape("SELECT dblink_exec('h', 'SELECT 1')"));
        assertThat(shape("SELECT 1 /* a */")).isNotEqualTo(shape("SELECT 1 /* b */"));
        assertThat(shape("SELECT * FROM t1")).isNotEqualTo(shape("SELECT * FROM t2"));
        assertThat(shape("SELECT $1")).isNotEqualTo(shape("SELECT $2"));
        assertThat(shape("SELECT '?'")).isNotEqualTo(shape("SELECT 5"));
    }

    @Test
    void aTautologyIsStillJudgedOnItsOwnNumbers() {
        SqlClassifier classifier = new SqlClassifier();
        assertThat(classifier.classify("DELETE FROM t WHERE 1 = 2").highestRisk()).isEqualTo(StatementClass.WRITE);
        assertThat(classifier.classify("DELETE FROM t WHERE 1 = 1").highestRisk()).isEqualTo(StatementClass.BULK_WRITE);
    }

    private static String shape(String sql) {
        return SqlClassifier.shape(SqlScriptSplitter.split(sql).getFirst());
    }

    /** Every standalone integer literal replaced by another: 7 -> 8, 42 -> 43. */
    private static String otherNumbers(String sql) {
        Matcher matcher = NUMBER.matcher(sql);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            matcher.appendReplacement(out, Long.toString(Long.parseLong(matcher.group().length() > 17
                    ? matcher.group().substring(0, 17) : matcher.group()) + 1));
        }
        return matcher.appendTail(out).toString();
    }

    private static List<String> describe(SqlClassification classification) {
        return classification.statements().stream().map(s -> s.statementClass() + " " + s.command() + " "
                + s.tables() + " " + s.parsed() + " " + s.reasons()).toList();
    }
}
