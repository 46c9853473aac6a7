package dev.tracegate.policy.lineage;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A MySQL body read as the code-text check reads code: where ANSI_QUOTES is off, {@code "Ada
 * Lovelace"} is a string (read as PostgreSQL text, it was an identifier and quoted nothing); a
 * body the servers could read two ways (with or without backslash escapes) is checked in both.
 */
class MySqlCodeTextTest {

    private static final Set<String> NAME = Set.of("name");
    private static final Set<String> OTHERS = Set.of("id", "status");

    @Test
    void aDoubleQuotedStringIsALiteral() {
        String body = "SELECT id FROM `shop`.`people` WHERE name = \"Ada Lovelace\"";
        assertThat(BoundLiterals.mayQuote(body.replace('`', '"'), NAME, OTHERS)).as("read as PostgreSQL").isFalse();
        assertThat(BoundLiterals.mayQuote(MySqlCodeText.asCode(body), NAME, OTHERS)).isTrue();
    }

    @Test
    void everyReadingOfABodyIsChecked() {
        assertThat(BoundLiterals.mayQuote(MySqlCodeText.asCode(
                "BEGIN UPDATE people SET status = 'new' WHERE id = 1; END"), NAME, OTHERS)).isFalse();
        assertThat(BoundLiterals.mayQuote(MySqlCodeText.asCode(
                "BEGIN UPDATE people SET status = 'x' WHERE name = 'O\\'Brien'; END"), NAME, OTHERS)).isTrue();
        // With NO_BACKSLASH_ESCAPES the string ends at the backslash and the rest is read otherwise.
        assertThat(BoundLiterals.mayQuote(MySqlCodeText.asCode(
                "BEGIN UPDATE people SET status = 'it\\'s' WHERE id = 1; END"), NAME, OTHERS)).isTrue();
    }
}
