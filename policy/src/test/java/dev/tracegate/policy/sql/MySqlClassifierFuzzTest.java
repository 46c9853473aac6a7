package dev.tracegate.policy.sql;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * Coverage-guided fuzzing of the MySQL lexer, splitter and classifier
 * ({@code ./fuzz MySqlClassifierFuzzTest}).
 *
 * <p>Properties: under every reading, the lexer's tokens and the splitter's statements lie in order
 * inside the text; text the lexer marks unterminated in the session's reading, and text it finds
 * ambiguous, is classified at the highest risk (UNKNOWN or DANGEROUS_ADMIN, the parse-failure
 * fallback), and so is every text with a statement the splitter marks incomplete; a classifier
 * whose caches were filled by other texts classifies exactly as a fresh one.
 */
class MySqlClassifierFuzzTest {

    private static final SqlClassifier SHARED = new SqlClassifier(1_000);

    /** Ways to leave a text open at its end. */
    private static final List<String> OPENERS = List.of("'", "\"", "`", "/*", "/*!", "/*!50000 ", "/*M!", "X'", "N'",
            "'\\", "/*! '", "_utf8mb4'", "/*!50000 `");

    private static final List<MySqlReading> READINGS = List.of(
            new MySqlReading(true, false, true, Integer.MAX_VALUE), new MySqlReading(false, true, false, 0),
            new MySqlReading(true, true, true, 50_000), new MySqlReading(false, false, false, 80_000));

    /**
     * The input is UTF-8 text after one byte that may pick a way to leave it open (bytes past the
     * list leave it as it is); the byte's lowest bit picks the session's string mode.
     */
    @FuzzTest
    void classify(byte[] input) {
        if (input.length == 0) {
            return;
        }
        int choice = input[0] & 0xFF;
        String sql = new String(input, 1, input.length - 1, StandardCharsets.UTF_8)
                + (choice < OPENERS.size() ? OPENERS.get(choice) : "");
        SqlDialect dialect = (choice & 1) == 0 ? SqlDialect.MYSQL : SqlDialect.MYSQL_NO_BACKSLASH_ESCAPES;

        for (MySqlReading reading : READINGS) {
            LexedSql lexed = MySqlLexer.lex(sql, reading).lexed();
            int previousEnd = 0;
            for (SqlToken token : lexed.tokens()) {
                assertThat(token.start()).as("token %s", token).isGreaterThanOrEqualTo(previousEnd);
                assertThat(token.end()).as("token %s", token).isGreaterThan(token.start()).isLessThanOrEqualTo(sql.length());
                previousEnd = token.end();
            }
            previousEnd = 0;
            for (SqlStatement statement : SqlScriptSplitter.split(sql, lexed)) {
                assertThat(statement.start()).isGreaterThanOrEqualTo(previousEnd);
                assertThat(statement.text()).isEqualTo(sql.substring(statement.start(), statement.end()));
                previousEnd = statement.end();
            }
        }

        SqlClassification fresh = new SqlClassifier().classify(sql, dialect, name -> Optional.empty());
        MySqlLexer.Result session = MySqlLexer.lex(sql, MySqlReading.first(dialect == SqlDialect.MYSQL));
        boolean incomplete = SqlScriptSplitter.split(sql, session.lexed()).stream().anyMatch(SqlStatement::incomplete);
        if (session.lexed().unterminated().isPresent() || session.ambiguous().isPresent() || incomplete) {
            assertThat(fresh.highestRisk().isHighestRisk())
                    .as("text the lexer marks unterminated or ambiguous (%s) is classified %s",
                            session.lexed().unterminated().or(session::ambiguous).orElse("incomplete"),
                            fresh.highestRisk())
                    .isTrue();
        }
        assertThat(SHARED.classify(sql, dialect, name -> Optional.empty()))
                .as("classification with caches filled by earlier texts").isEqualTo(fresh);
    }
}
