package dev.tracegate.policy.sql;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Coverage-guided fuzzing of the SQL lexer, splitter and classifier ({@code ./fuzz SqlClassifierFuzzTest}).
 *
 * <p>Properties: the lexer's tokens and the splitter's statements lie in order inside the text and
 * each statement is the text between its offsets; text the lexer marks unterminated is classified
 * at the highest risk (UNKNOWN or DANGEROUS_ADMIN, the parse-failure fallback), and so is every
 * statement the splitter marks incomplete; and a classifier whose caches were filled by other
 * texts (the shape cache shares JSqlParser's opinion between statements that differ only in
 * numbers) classifies exactly as a fresh one; and the lexing cache, primed with the same text with
 * other digits, gives exactly the lexer's tokens.
 */
class SqlClassifierFuzzTest {

    /** Shared by every input, as the gateway shares one: its caches carry over from earlier texts. */
    private static final SqlClassifier SHARED = new SqlClassifier(1_000);
    /** Shared too: texts of one digit-abstracted shape must each get the lexer's own tokens. */
    private static final LexingCache LEXING = new LexingCache();

    /** Ways to leave a text open at its end. */
    private static final List<String> OPENERS = List.of("'", "E'", "\"", "U&\"", "/*", "/* /* */", "$$", "$a$", "-- x\n'",
            "B'", "X'", "U&'", "$tag$ $ta$");

    /**
     * The input is UTF-8 text after one byte that may pick a way to leave it open (bytes past the
     * list, such as the space that starts the kept seeds, leave it as it is).
     */
    @FuzzTest
    void classify(byte[] input) {
        if (input.length == 0) {
            return;
        }
        int choice = input[0] & 0xFF;
        String sql = new String(input, 1, input.length - 1, StandardCharsets.UTF_8)
                + (choice < OPENERS.size() ? OPENERS.get(choice) : "");

        LexedSql lexed = SqlLexer.lex(sql);
        LEXING.lex(sql.replaceAll("[0-9]+", "7"));
        assertThat(LEXING.lex(sql)).as("tokens from the lexing cache").isEqualTo(lexed);
        int previousEnd = 0;
        for (SqlToken token : lexed.tokens()) {
            assertThat(token.start()).as("token %s", token).isGreaterThanOrEqualTo(previousEnd);
            assertThat(token.end()).as("token %s", token).isGreaterThan(token.start()).isLessThanOrEqualTo(sql.length());
            previousEnd = token.end();
        }

        List<SqlStatement> statements = SqlScriptSplitter.split(sql);
        previousEnd = 0;
        for (SqlStatement statement : statements) {
            assertThat(statement.start()).isGreaterThanOrEqualTo(previousEnd);
            assertThat(statement.text()).isEqualTo(sql.substring(statement.start(), statement.end()));
            previousEnd = statement.end();
        }

        SqlClassification fresh = new SqlClassifier().classify(sql);
        if (lexed.unterminated().isPresent()) {
            assertThat(fresh.highestRisk().isHighestRisk())
                    .as("text the lexer marks unterminated (%s) is classified %s", lexed.unterminated().get(),
                            fresh.highestRisk())
                    .isTrue();
        }
        for (int i = 0; i < statements.size(); i++) {
            if (statements.get(i).incomplete()) {
                assertThat(fresh.statements().get(i).statementClass().isHighestRisk())
                        .as("incomplete statement %s", statements.get(i).text()).isTrue();
            }
        }
        assertThat(fresh.statements()).hasSameSizeAs(statements);
        assertThat(SHARED.classify(sql)).as("classification with caches filled by earlier texts").isEqualTo(fresh);
    }
}
