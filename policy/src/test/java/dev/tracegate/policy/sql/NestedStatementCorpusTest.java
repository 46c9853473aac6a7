package dev.tracegate.policy.sql;

import static dev.tracegate.policy.sql.StatementClass.BULK_WRITE;
import static dev.tracegate.policy.sql.StatementClass.DDL;
import static dev.tracegate.policy.sql.StatementClass.READ;
import static dev.tracegate.policy.sql.StatementClass.WRITE;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A generated corpus of data-modifying statements hidden inside other statements: the innermost
 * modification (DELETE/UPDATE without WHERE, a MERGE on a constant condition, INSERT, a selective
 * DELETE) is the main statement of a WITH of its own (plain, RECURSIVE, MATERIALIZED, NOT
 * MATERIALIZED, several CTEs, SEARCH and CYCLE clauses, including column names that are
 * keywords), nested 1 to 6 levels deep through CTE bodies, subqueries, EXISTS, IN, LATERAL, ARRAY,
 * scalar subqueries and doubled parentheses, then wrapped in EXPLAIN ANALYZE, PREPARE, CREATE
 * TABLE AS, DECLARE CURSOR, COPY or another statement, and spelt in different case, with comments
 * between the tokens, with other whitespace and with quoted identifiers.
 *
 * <p>Every variant must classify at least as risky as its innermost modification (and at least DDL
 * under CREATE TABLE AS). The same variants with a plain SELECT in place of the modification are
 * the control: they must keep exactly their class, so the corpus also shows that following the
 * nesting does not turn ordinary queries into writes.
 */
class NestedStatementCorpusTest {

    private static final SqlClassifier CLASSIFIER = new SqlClassifier();

    private record Modification(String sql, StatementClass statementClass) {
    }

    private static final List<Modification> MODIFICATIONS = List.of(
            new Modification("DELETE FROM orders RETURNING 1", BULK_WRITE),
            new Modification("UPDATE orders SET status = 1 RETURNING 1", BULK_WRITE),
            new Modification("DELETE FROM orders WHERE 1 = 1 RETURNING 1", BULK_WRITE),
            new Modification("MERGE INTO orders o USING src s ON true WHEN MATCHED THEN DELETE RETURNING 1", BULK_WRITE),
            new Modification("INSERT INTO orders SELECT * FROM src RETURNING 1", WRITE),
            new Modification("DELETE FROM orders WHERE id = 7 RETURNING 1", WRITE));

    private static final Modification CONTROL = new Modification("SELECT 1 FROM orders", READ);

    /** The modification as the main statement of a WITH of its own: the form of issue 15's finding. */
    private static final List<UnaryOperator<String>> OWN_WITH = List.of(
            m -> m,
            m -> "WITH x AS (SELECT 1) " + m,
            m -> "WITH RECURSIVE x(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM x WHERE n < 3) " + m,
            m -> "WITH x AS MATERIALIZED (SELECT 1) " + m,
            m -> "WITH x AS NOT MATERIALIZED (SELECT 1), y(a, b) AS (SELECT 1, 2) " + m,
            m -> "WITH RECURSIVE x(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM x WHERE n < 3)"
                    + " SEARCH DEPTH FIRST BY n SET ord " + m,
            m -> "WITH RECURSIVE x(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM x WHERE n < 3)"
                    + " CYCLE n SET is_cycle TO true DEFAULT false USING path " + m,
            // Column names that are keywords, where the main statement used to be looked for.
            m -> "WITH RECURSIVE x(values) AS (SELECT 1 UNION ALL SELECT values + 1 FROM x WHERE values < 3)"
                    + " SEARCH BREADTH FIRST BY values SET ord " + m,
            m -> "WITH RECURSIVE x(insert) AS (SELECT 1 UNION ALL SELECT insert + 1 FROM x WHERE insert < 3)"
                    + " CYCLE insert SET c USING p " + m);

    /** One level of nesting around a statement {@code s}. */
    private static final List<UnaryOperator<String>> LEVELS = List.of(
            s -> "WITH d AS (" + s + ") SELECT count(*) FROM d",
            s -> "SELECT * FROM (" + s + ") AS sub",
            s -> "SELECT 1 WHERE EXISTS (" + s + ")",
            s -> "SELECT id FROM orders WHERE id IN (" + s + ")",
            s -> "WITH d AS ((" + s + ")) SELECT 1",
            s -> "SELECT * FROM orders, LATERAL (" + s + ") AS l",
            s -> "SELECT ARRAY(" + s + ")",
            s -> "WITH a AS (SELECT 1), d AS MATERIALIZED (" + s + ") SELECT (SELECT count(*) FROM d)");

    private record Wrapper(String name, UnaryOperator<String> wrap, StatementClass atLeast) {
    }

    /** Statements that carry a query. */
    private static final List<Wrapper> WRAPPERS = List.of(
            new Wrapper("bare", s -> s, READ),
            new Wrapper("EXPLAIN ANALYZE", s -> "EXPLAIN ANALYZE " + s, READ),
            new Wrapper("EXPLAIN (ANALYZE)", s -> "EXPLAIN (ANALYZE, BUFFERS) " + s, READ),
            new Wrapper("PREPARE", s -> "PREPARE p AS " + s, READ),
            new Wrapper("PREPARE and EXECUTE", s -> "PREPARE p AS " + s + "; EXECUTE p", READ),
            new Wrapper("CREATE TABLE AS", s -> "CREATE TABLE copied AS " + s, DDL),
            new Wrapper("DECLARE CURSOR", s -> "DECLARE c CURSOR FOR " + s, READ),
            new Wrapper("COPY TO STDOUT", s -> "COPY (" + s + ") TO STDOUT", READ),
            new Wrapper("parenthesised", s -> "(" + s + ")", READ),
            new Wrapper("after another statement", s -> "SELECT 1; " + s, READ));

    private record Spelling(String name, UnaryOperator<String> spell) {
    }

    /** The templates hold no string literals, so these never change a value. */
    private static final List<Spelling> SPELLINGS = List.of(
            new Spelling("as written", s -> s),
            new Spelling("lower case", s -> s.toLowerCase(Locale.ROOT)),
            new Spelling("alternating case", NestedStatementCorpusTest::alternatingCase),
            new Spelling("block comments", s -> s.replace(" ", "/**/")),
            new Spelling("nested comments", s -> s.replace(" ", " /* a /* b */ c */ ")),
            new Spelling("line comments", s -> s.replace(" ", " -- ;\n")),
            new Spelling("tabs and newlines", s -> s.replace(" ", "\t\n\f")),
            new Spelling("quoted identifiers", s -> s.replace("orders", "\"orders\"").replace(" d ", " \"d\" ")
                    .replace(" x ", " \"x\" ").replace("(d)", "(\"d\")")));

    static Stream<Arguments> variants() {
        List<Arguments> variants = new ArrayList<>();
        int n = 0;
        for (Modification modification : withControl()) {
            for (int own = 0; own < OWN_WITH.size(); own++) {
                for (int depth = 1; depth <= 6; depth++) {
                    String nested = OWN_WITH.get(own).apply(modification.sql());
                    for (int level = 0; level < depth; level++) {
                        nested = LEVELS.get((own + depth + level) % LEVELS.size()).apply(nested);
                    }
                    Wrapper wrapper = WRAPPERS.get(n % WRAPPERS.size());
                    Spelling spelling = SPELLINGS.get((n / WRAPPERS.size() + depth) % SPELLINGS.size());
                    n++;
                    String sql = spelling.spell().apply(wrapper.wrap().apply(nested));
                    StatementClass expected = StatementClass.max(modification.statementClass(), wrapper.atLeast());
                    variants.add(Arguments.of(modification == CONTROL, expected,
                            modification.sql() + " / own WITH " + own + " / depth " + depth + " / " + wrapper.name()
                                    + " / " + spelling.name(), sql));
                }
            }
        }
        return variants.stream();
    }

    /** The statement of issue 15, finding 2, under every wrapper and in every spelling. */
    static Stream<Arguments> theReportedStatement() {
        String reported = "WITH d AS (WITH x AS (SELECT 1) DELETE FROM orders RETURNING 1) SELECT count(*) FROM d";
        List<Arguments> variants = new ArrayList<>();
        for (Wrapper wrapper : WRAPPERS) {
            for (Spelling spelling : SPELLINGS) {
                variants.add(Arguments.of(StatementClass.max(BULK_WRITE, wrapper.atLeast()),
                        wrapper.name() + " / " + spelling.name(), spelling.spell().apply(wrapper.wrap().apply(reported))));
            }
        }
        return variants.stream();
    }

    private static List<Modification> withControl() {
        List<Modification> all = new ArrayList<>(MODIFICATIONS);
        all.add(CONTROL);
        return all;
    }

    @ParameterizedTest(name = "{2}")
    @MethodSource("variants")
    void nestedModificationsAreFoundAndPlainQueriesKeepTheirClass(boolean control, StatementClass expected,
                                                                 String description, String sql) {
        SqlClassification result = CLASSIFIER.classify(sql);
        if (control) {
            assertThat(result.highestRisk()).as("%s%n%s%n-> %s", description, sql, result.statements())
                    .isEqualTo(expected);
        } else {
            assertThat(result.highestRisk()).as("%s%n%s%n-> %s", description, sql, result.statements())
                    .matches(got -> got.isAtLeast(expected), "at least " + expected);
        }
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("theReportedStatement")
    void theReportedStatementIsCaughtHoweverItIsWrappedOrSpelt(StatementClass expected, String description, String sql) {
        SqlClassification result = CLASSIFIER.classify(sql);
        assertThat(result.highestRisk()).as("%s%n%s%n-> %s", description, sql, result.statements())
                .matches(got -> got.isAtLeast(expected), "at least " + expected);
    }

    /** Where JSqlParser reads a nested modification, its opinion (which can only raise the class) finds it too. */
    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {
            "WITH d AS (DELETE FROM orders RETURNING 1) SELECT count(*) FROM d",
            "SELECT 1 WHERE EXISTS (WITH d AS (DELETE FROM orders RETURNING 1) SELECT 1)",
            "SELECT * FROM (WITH d AS (UPDATE orders SET a = 1 RETURNING 1) SELECT * FROM d) s",
            "CREATE TABLE x AS WITH d AS (DELETE FROM orders RETURNING 1) SELECT * FROM d",
            "WITH d AS (DELETE FROM orders RETURNING 1) INSERT INTO archive SELECT * FROM d"})
    void theParsersOpinionFollowsNestingToo(String sql) {
        SqlStatement statement = SqlScriptSplitter.split(sql).getFirst();
        ParserCrossCheck.Opinion opinion = ParserCrossCheck.of(statement);
        assertThat(opinion.parsed()).isTrue();
        assertThat(opinion.statementClass()).get().matches(c -> c.isAtLeast(BULK_WRITE), "at least BULK_WRITE");
    }

    private static String alternatingCase(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            out.append(i % 2 == 0 ? Character.toUpperCase(c) : Character.toLowerCase(c));
        }
        return out.toString();
    }
}
