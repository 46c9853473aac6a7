package dev.tracegate.policy.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongFunction;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The parser-opinion cache keyed by statement shape never changes a classification: every
 * statement, attack or not, classifies exactly the same (text, class, command, tables, reasons,
 * prepares, executes) with a cache warmed by the same statement with other numbers, however the
 * numbers are spelled, as with no cache at all.
 */
class ShapeCacheTest {

    private static final Pattern NUMBER = Pattern.compile("(?<![\\w$.'])\\d+(?![\\w.'])");

    /** Numbers where JSqlParser's reading depends on the digits or on how they touch their neighbours. */
    private static final List<String> TRICKY = List.of(
            "SELECT CAST(a AS varchar(10)) FROM t",
            "SELECT * FROM t TABLESAMPLE SYSTEM (10)",
            "SELECT * FROM t FOR UPDATE WAIT 5",
            "CREATE SEQUENCE s START 5",
            "SELECT 1from t",
            "SELECT 1 from t",
            "SELECT 0x1F FROM t",
            "SELECT .5, 5., 1e5, 1.5, 00012 FROM t",
            "SELECT * FROM t WHERE a = 1..5",
            "SELECT a[1:2], 5::int FROM t",
            "SELECT $1 + 5 FROM t LIMIT 5 OFFSET 10",
            "DELETE FROM t WHERE 1 = 1",
            "DELETE FROM t WHERE 1 = 2",
            "UPDATE t SET a = 1 WHERE id = 7 OR 2 = 2",
            "SET statement_timeout = 5",
            "SET ROLE 5",
            "COPY t FROM PROGRAM 'sleep 5'",
            "SELECT dblink_exec('h', 'DELETE FROM t WHERE id = 5')",
            "PREPARE p AS DELETE FROM t WHERE id = 5; EXECUTE p(5)",
            "DO $$ BEGIN DELETE FROM t WHERE id = 5; END $$",
            "SELECT * FROM t WHERE id = 5 /* 5 */ -- 5",
            "UPDATE pgbench_accounts SET abalance = abalance + -4321 WHERE aid = 123;");

    /** What an attacker might prime the cache with: the same statement with its numbers respelled. */
    private static final List<UnaryOperator<String>> RESPELLINGS = List.of(
            sql -> replaceNumbers(sql, n -> Long.toString(n + 1)),
            sql -> replaceNumbers(sql, n -> "123456789"),
            sql -> replaceNumbers(sql, n -> "2147483648"),
            sql -> replaceNumbers(sql, n -> "99999999999999999999"),
            sql -> replaceNumbers(sql, n -> "1.5"),
            sql -> replaceNumbers(sql, n -> "1e5"),
            sql -> replaceNumbers(sql, n -> "0x1F"));

    @Test
    void aCacheWarmedWithOtherNumbersGivesTheSameClassificationsAsNone() throws IOException {
        List<String> statements = new ArrayList<>(TRICKY);
        EvasionCorpusTest.cases().forEach(c -> statements.add(c.sql()));
        int servedFromShape = 0;
        for (String sql : statements) {
            SqlClassification cold = new SqlClassifier(0).classify(sql);
            for (UnaryOperator<String> respelling : RESPELLINGS) {
                String primer = respelling.apply(sql);
                SqlClassifier warm = new SqlClassifier();
                warm.classify(primer);
                int shapesAfterPrimer = warm.cachedShapes();
                assertThat(warm.classify(sql)).as("%s after %s", sql, primer).isEqualTo(cold);
                if (!primer.equals(sql) && shapesAfterPrimer > 0 && warm.cachedShapes() == shapesAfterPrimer) {
                    servedFromShape++;
                }
            }
        }
        assertThat(servedFromShape).as("classifications served from a shape another text cached").isGreaterThan(50);
    }

    @Test
    void pgbenchTextsShareAShapeAndKeepTheirOwnText() {
        SqlClassifier classifier = new SqlClassifier();
        classifier.classify("UPDATE pgbench_accounts SET abalance = abalance + -17 WHERE aid = 4;");
        SqlClassification second = classifier.classify(
                "UPDATE pgbench_accounts SET abalance = abalance + -4999 WHERE aid = 90210;");
        ClassifiedStatement statement = second.statements().getFirst();
        assertThat(classifier.cachedShapes()).isEqualTo(1);
        assertThat(statement.text()).isEqualTo("UPDATE pgbench_accounts SET abalance = abalance + -4999 WHERE aid = 90210");
        assertThat(statement.statementClass()).isEqualTo(StatementClass.WRITE);
        assertThat(statement.tables()).containsExactly("pgbench_accounts");
        assertThat(statement.parsed()).isTrue();
        // A sign is an operator, not part of the number: a positive delta is a second shape.
        classifier.classify("UPDATE pgbench_accounts SET abalance = abalance + 17 WHERE aid = 4;");
        assertThat(classifier.cachedShapes()).isEqualTo(2);
        assertThat(shape("INSERT INTO h VALUES (1, 22, 333, -4, 12.50, CURRENT_TIMESTAMP)"))
                .isEqualTo(shape("INSERT INTO h VALUES (9, 8, 7, -6543, 1.25, CURRENT_TIMESTAMP)"));
    }

    @Test
    void textsThatDifferInAStringNeverShareAnEntry() {
        SqlClassifier classifier = new SqlClassifier();
        classifier.classify("SELECT dblink_exec('x', 'SELECT 1')");
        ClassifiedStatement dangerous = classifier.classify("SELECT dblink_exec('x', 'DROP TABLE t')")
                .statements().getFirst();
        assertThat(classifier.cachedShapes()).isEqualTo(2);
        assertThat(dangerous.text()).contains("DROP TABLE t");
        assertThat(dangerous.statementClass()).isEqualTo(StatementClass.DANGEROUS_ADMIN);

        assertThat(shape("SELECT dblink_exec('h', 'DELETE FROM t WHERE id = 5')"))
                .isNotEqualTo(shape("SELECT dblink_exec('h', 'DELETE FROM t WHERE id = 6')"));
        assertThat(shape("SELECT E'5'")).isNotEqualTo(shape("SELECT E'6'"));
        assertThat(shape("DO $$ BEGIN PERFORM 5; END $$")).isNotEqualTo(shape("DO $$ BEGIN PERFORM 6; END $$"));
        assertThat(shape("COPY t FROM PROGRAM 'sleep 5'")).isNotEqualTo(shape("COPY t FROM PROGRAM 'sleep 6'"));
    }

    @Test
    void namesCommentsParametersAndOperatorsAreNeverAbstracted() {
        assertThat(shape("SELECT 1 /* a */")).isNotEqualTo(shape("SELECT 1 /* b */"));
        assertThat(shape("SELECT 1 /* 5 */")).isNotEqualTo(shape("SELECT 1 /* 6 */"));
        assertThat(shape("SELECT * FROM t1")).isNotEqualTo(shape("SELECT * FROM t2"));
        assertThat(shape("SELECT * FROM \"t1\"")).isNotEqualTo(shape("SELECT * FROM \"t2\""));
        assertThat(shape("SELECT $1")).isNotEqualTo(shape("SELECT $2"));
        assertThat(shape("SELECT -5")).isNotEqualTo(shape("SELECT +5"));
        assertThat(shape("SELECT '?'")).isNotEqualTo(shape("SELECT 5"));
    }

    @Test
    void numbersAParserCouldReadByTheirDigitsOrNeighboursKeepTheirSpelling() {
        assertThat(shape("SELECT CAST(a AS varchar(2147483648)) FROM t"))
                .isNotEqualTo(shape("SELECT CAST(a AS varchar(10)) FROM t"));
        assertThat(shape("SELECT 0x1F FROM t")).isNotEqualTo(shape("SELECT 1x1F FROM t"));
        assertThat(shape("SELECT 1from t")).isNotEqualTo(shape("SELECT 2from t"));
        assertThat(shape("SELECT 1e5 FROM t")).isNotEqualTo(shape("SELECT 15 FROM t"));
        assertThat(shape("SELECT 1.5 FROM t")).isNotEqualTo(shape("SELECT 15 FROM t"));
        assertThat(shape("SELECT .5 FROM t")).isNotEqualTo(shape("SELECT 5 FROM t"));
        assertThat(shape("SELECT 5. FROM t")).isNotEqualTo(shape("SELECT 5 FROM t"));
        assertThat(shape("SELECT * FROM t WHERE a = 1..5")).isNotEqualTo(shape("SELECT * FROM t WHERE a = 1..6"));
    }

    @Test
    void anOverflowingNumberCannotSilenceTheParserForOtherNumbers() {
        SqlClassifier classifier = new SqlClassifier();
        assertThat(classifier.classify("SELECT CAST(a AS varchar(2147483648)) FROM t").statements().getFirst().parsed())
                .isFalse();
        assertThat(classifier.classify("SELECT CAST(a AS varchar(10)) FROM t").statements().getFirst().parsed())
                .isTrue();
    }

    @Test
    void aStatementTooLongToParseCannotSilenceTheParserForAShorterOneOfItsShape() {
        SqlClassifier classifier = new SqlClassifier(100, 1_000_000);
        String prefix = "DELETE FROM t WHERE a = 123456789 /*";
        String tooLong = prefix + "x".repeat(ParserCrossCheck.MAX_PARSED_LENGTH + 2 - prefix.length()) + "*/";
        String shorter = tooLong.replace("123456789", "1");
        assertThat(tooLong.length()).isGreaterThan(ParserCrossCheck.MAX_PARSED_LENGTH);
        assertThat(shorter.length()).isLessThanOrEqualTo(ParserCrossCheck.MAX_PARSED_LENGTH);
        assertThat(shape(tooLong)).isEqualTo(shape(shorter));

        assertThat(classifier.classify(tooLong).statements().getFirst().parsed()).isFalse();
        assertThat(classifier.classify(shorter).statements().getFirst().parsed()).isTrue();
    }

    @Test
    void aTextContainingTheMarkHasNoShape() {
        assertThat(StatementShape.of(SqlScriptSplitter.split("SELECT \u0000").getFirst())).isEmpty();
        SqlClassifier classifier = new SqlClassifier();
        classifier.classify("SELECT \u0000");
        assertThat(classifier.cachedShapes()).isZero();
    }

    @Test
    void aTautologyIsStillJudgedOnItsOwnNumbers() {
        SqlClassifier classifier = new SqlClassifier();
        assertThat(classifier.classify("DELETE FROM t WHERE 1 = 2").highestRisk()).isEqualTo(StatementClass.WRITE);
        assertThat(classifier.classify("DELETE FROM t WHERE 1 = 1").highestRisk()).isEqualTo(StatementClass.BULK_WRITE);
        assertThat(classifier.cachedShapes()).isEqualTo(1);
    }

    private static String shape(String sql) {
        return StatementShape.of(SqlScriptSplitter.split(sql).getFirst()).orElseThrow();
    }

    /** Every standalone integer literal replaced by {@code respell} of its value (first 17 digits). */
    private static String replaceNumbers(String sql, LongFunction<String> respell) {
        Matcher matcher = NUMBER.matcher(sql);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            String digits = matcher.group().length() > 17 ? matcher.group().substring(0, 17) : matcher.group();
            matcher.appendReplacement(out, respell.apply(Long.parseLong(digits)));
        }
        return matcher.appendTail(out).toString();
    }
}
