package dev.tracegate.policy.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The lexing cache keyed by digit-abstracted shape gives exactly the tokens the lexer gives, for
 * every text, whatever text of the same shape primed it: the attack on a shape cache is a primer
 * whose tokens (a literal's value, a comment, a token boundary) would be served for another text.
 */
class LexingCacheTest {

    private static final Pattern DIGITS = Pattern.compile("[0-9]+");

    /** Places where digits are not a number of their own, or where a number touches its neighbours. */
    private static final List<String> TRICKY = List.of(
            "SELECT abalance FROM pgbench_accounts WHERE aid = 12345;",
            "UPDATE pgbench_accounts SET abalance = abalance + -4321 WHERE aid = 123;",
            "SELECT * FROM t1 WHERE c2 = $1 AND d = 5",
            "SELECT 1from t, 1e5, 1e+5, 1E-5x, 1.5, .5, 5., 1..5, 00012, 0x1F, 0b101, 1_000",
            "SELECT a[1:2], 5::int, -5, +5, 5-5, 5--5\n, 5/*5*/5",
            "SELECT '5', E'\\0415', U&'\\0041' UESCAPE '5', U&'d\\0061t\\+000061', B'101', X'1F', N'5'",
            "SELECT \"c5\", U&\"\\0041\", $5$ 5 $5$, $a5$ 6 $a5$, $$ 7 $$, $a$ 5 $a$ 6 $a$",
            "SELECT 5 /* 5 /* 5 */ 5 */ -- 5",
            "SELECT 5 UESCAPE '5', 5 uescape 55",
            "SELECT * FROM t WHERE card = 4111111111111111 AND ssn = '123-45-6789' LIMIT 10 OFFSET 20",
            "SELECT 5 '5",
            "SELECT $5$ 5",
            "SELECT 5 /* 5",
            "INSERT INTO h VALUES (1, 22, 333, -4, 12.50, CURRENT_TIMESTAMP)");

    /** Primers: the same text with its digit runs respelled, all or some of them. */
    private static final List<UnaryOperator<String>> RESPELLINGS = List.of(
            sql -> replaceRuns(sql, (k, run) -> "0"),
            sql -> replaceRuns(sql, (k, run) -> "9"),
            sql -> replaceRuns(sql, (k, run) -> "123456789012"),
            sql -> replaceRuns(sql, (k, run) -> run + "7"),
            sql -> replaceRuns(sql, (k, run) -> k % 2 == 0 ? run : "00"),
            sql -> replaceRuns(sql, (k, run) -> k % 2 == 1 ? run : "41"));

    private interface RunSpelling {
        String respell(int index, String run);
    }

    @Test
    void aCachePrimedWithTheSameShapeGivesTheLexersTokens() throws IOException {
        List<String> texts = new ArrayList<>(TRICKY);
        EvasionCorpusTest.cases().forEach(c -> texts.add(c.sql()));
        int derived = 0;
        for (String sql : texts) {
            LexedSql expected = SqlLexer.lex(sql);
            for (UnaryOperator<String> respelling : RESPELLINGS) {
                String primer = respelling.apply(sql);
                LexingCache cache = new LexingCache();
                cache.lex(primer);
                assertThat(cache.lex(sql)).as("%s after %s", sql, primer).isEqualTo(expected);
                assertThat(cache.lex(primer)).as("%s after %s", primer, sql).isEqualTo(SqlLexer.lex(primer));
                if (!primer.equals(sql) && cache.cachedShapes() == 1) {
                    derived++;
                }
            }
        }
        assertThat(derived).as("texts lexed from a shape another text cached").isGreaterThan(100);
    }

    /**
     * What the record's redaction plans once per template (where each literal goes) must hold for
     * every text served from that template: where values go is read from words, symbols and token
     * kinds, never from a number's digits, nor from the positions they move.
     */
    @Test
    void textsOfOneTemplateSendTheirValuesToTheSamePlaces() throws IOException {
        List<String> texts = new ArrayList<>(TRICKY);
        texts.add("INSERT INTO customers (id, national_id, notes) VALUES (1, 22, 'x'), (333, 4444, $1) RETURNING id");
        texts.add("UPDATE customers c SET national_id = 5, phone = $2 WHERE c.id IN (1, 22) AND c.card = 4111111111111111");
        texts.add("ALTER ROLE r1 PASSWORD 'p4ss'; UPDATE t SET a = 5 WHERE (b, c) = (1, 22) AND d BETWEEN 3 AND 44");
        EvasionCorpusTest.cases().forEach(c -> texts.add(c.sql()));
        int compared = 0;
        for (String sql : texts) {
            LiteralTargets expected = LiteralTargets.of(SqlLexer.lex(sql).tokens());
            for (UnaryOperator<String> respelling : RESPELLINGS) {
                String primer = respelling.apply(sql);
                LexingCache cache = new LexingCache();
                String template = cache.lexing(primer).template();
                LexingCache.Lexing lexing = cache.lexing(sql);
                if (template == null || lexing.template() == null || primer.equals(sql)) {
                    continue;
                }
                assertThat(template).isEqualTo(primer);
                assertThat(lexing.template()).isEqualTo(primer);
                LiteralTargets primed = LiteralTargets.of(SqlLexer.lex(primer).tokens());
                assertThat(primed.complete()).as("%s after %s", sql, primer).isEqualTo(expected.complete());
                for (int i = 0; i < lexing.lexed().tokens().size(); i++) {
                    assertThat(primed.forToken(i)).as("token %d of %s after %s", i, sql, primer).isEqualTo(expected.forToken(i));
                }
                for (int n = 1; n <= 12; n++) {
                    assertThat(primed.forParameter(n)).as("$%d of %s after %s", n, sql, primer).isEqualTo(expected.forParameter(n));
                }
                compared++;
            }
        }
        assertThat(compared).as("texts served from another text's template").isGreaterThan(100);
    }

    /**
     * A session's thread asks for a statement's tokens twice in a row (the classifier, then the
     * record's redaction): the second question is answered with the first answer, not derived
     * again. Any other question in between, or from another thread, gets its own text's tokens.
     */
    @Test
    void theSameTextAskedAgainOnTheSameThreadIsAnsweredAsBefore() throws Exception {
        LexingCache cache = new LexingCache();
        cache.lex("SELECT abalance FROM pgbench_accounts WHERE aid = 7;");
        String sql = "SELECT abalance FROM pgbench_accounts WHERE aid = 90210;";
        String other = "SELECT abalance FROM pgbench_accounts WHERE aid = 90211;";

        LexingCache.Lexing first = cache.lexing(sql);
        assertThat(cache.lexing(new String(sql))).as("asked again").isSameAs(first);
        assertThat(first.lexed()).isEqualTo(SqlLexer.lex(sql));

        assertThat(cache.lexing(sql)).as("a third time: derived again").isNotSameAs(first).isEqualTo(first);
        assertThat(cache.lexing(other).lexed()).as("another text of the same length").isEqualTo(SqlLexer.lex(other));
        LexingCache.Lexing[] onAnotherThread = new LexingCache.Lexing[1];
        Thread thread = Thread.ofVirtual().start(() -> onAnotherThread[0] = cache.lexing(other));
        thread.join();
        LexingCache.Lexing here = cache.lexing(other);
        assertThat(onAnotherThread[0]).isNotSameAs(here).isEqualTo(here);
        assertThat(onAnotherThread[0].lexed()).isEqualTo(SqlLexer.lex(other));
    }

    @Test
    void aLongTextIsNotKeptForTheNextQuestion() {
        LexingCache cache = new LexingCache();
        String sql = "SELECT " + "1, ".repeat(LexingCache.MAX_REMEMBERED_LENGTH / 3) + "1";

        assertThat(cache.lexing(sql)).isNotSameAs(cache.lexing(sql));
    }

    @Test
    void aTextOfNoTemplateSaysSo() {
        LexingCache cache = new LexingCache();
        cache.lexing("SELECT '1' FROM t WHERE a = 1");
        assertThat(cache.lexing("SELECT '2' FROM t WHERE a = 1").template()).isNull();
        assertThat(cache.lexing("SELECT '1' FROM t WHERE a = 22").template()).isEqualTo("SELECT '1' FROM t WHERE a = 1");
        assertThat(cache.lexing("SELECT 1 \u0000 2").template()).isNull();
    }

    @Test
    void numbersTakeTheirOwnDigitsAndPositions() {
        LexingCache cache = new LexingCache();
        cache.lex("SELECT abalance FROM pgbench_accounts WHERE aid = 7 AND bid = 1");
        String sql = "SELECT abalance FROM pgbench_accounts WHERE aid = 90210 AND bid = 22";
        LexedSql lexed = cache.lex(sql);
        assertThat(cache.cachedShapes()).isEqualTo(1);
        assertThat(lexed).isEqualTo(SqlLexer.lex(sql));
        assertThat(lexed.tokens().getLast()).isEqualTo(new SqlToken(SqlToken.Kind.NUMBER, "22", sql.length() - 2,
                sql.length()));
    }

    @Test
    void digitsInsideStringsCommentsNamesAndParametersAreNeverTakenFromAnotherText() {
        LexingCache cache = new LexingCache();
        cache.lex("SELECT * FROM t1 WHERE card = '4111111111111111' /* 1 */ AND a = $1");
        String other = "SELECT * FROM t2 WHERE card = '5500000000000004' /* 2 */ AND a = $2";
        LexedSql lexed = cache.lex(other);
        assertThat(lexed).isEqualTo(SqlLexer.lex(other));
        assertThat(lexed.tokens()).extracting(SqlToken::text)
                .contains("t2", "5500000000000004", "/* 2 */", "$2")
                .doesNotContain("t1", "4111111111111111", "/* 1 */", "$1");
    }

    @Test
    void aRunOfOtherLengthInAFixedPlaceIsAnotherText() {
        LexingCache cache = new LexingCache();
        cache.lex("SELECT '12' FROM t");
        assertThat(cache.lex("SELECT '1' FROM t")).isEqualTo(SqlLexer.lex("SELECT '1' FROM t"));
        assertThat(cache.lex("SELECT '123' FROM t")).isEqualTo(SqlLexer.lex("SELECT '123' FROM t"));
    }

    @Test
    void textsBeyondTheBoundsOrHoldingTheMarkAreLexedButNotCached() {
        LexingCache cache = new LexingCache();
        String longText = "SELECT " + "a, ".repeat(LexingCache.MAX_TEXT_LENGTH / 3) + "1";
        String manyTokens = "SELECT " + "a,".repeat(LexingCache.MAX_TOKENS) + "1";
        String mark = "SELECT 1 \u0000 2";
        for (String sql : List.of(longText, manyTokens, mark)) {
            assertThat(cache.lex(sql)).isEqualTo(SqlLexer.lex(sql));
        }
        assertThat(cache.cachedShapes()).isZero();
    }

    @Test
    void theCacheHoldsAtMostItsCapacity() {
        LexingCache cache = new LexingCache();
        for (int i = 0; i < LexingCache.CAPACITY + 100; i++) {
            cache.lex("SELECT * FROM t WHERE c = '" + "x".repeat(i % 40) + "' AND d = '" + "y".repeat(i / 40) + "'");
        }
        assertThat(cache.cachedShapes()).isLessThanOrEqualTo(LexingCache.CAPACITY);
    }

    private static String replaceRuns(String sql, RunSpelling spelling) {
        Matcher m = DIGITS.matcher(sql);
        StringBuilder out = new StringBuilder();
        int k = 0;
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(spelling.respell(k++, m.group())));
        }
        m.appendTail(out);
        return out.toString();
    }
}
