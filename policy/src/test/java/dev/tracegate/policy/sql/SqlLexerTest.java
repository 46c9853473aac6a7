package dev.tracegate.policy.sql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracegate.policy.sql.SqlToken.Kind;
import java.util.List;
import org.junit.jupiter.api.Test;

class SqlLexerTest {

    private static List<String> texts(String sql) {
        return SqlLexer.lex(sql).tokens().stream().filter(t -> t.kind() != Kind.COMMENT).map(SqlToken::text).toList();
    }

    private static SqlToken only(String sql, Kind kind) {
        List<SqlToken> tokens = SqlLexer.lex(sql).tokens().stream().filter(t -> t.kind() == kind).toList();
        assertThat(tokens).hasSize(1);
        return tokens.getFirst();
    }

    @Test
    void unquotedWordsAreFoldedQuotedIdentifiersKept() {
        assertThat(texts("SeLeCt \"MiXed\"\"Q\" FROM Tab")).containsExactly("select", "MiXed\"Q", "from", "tab");
    }

    @Test
    void foldingIsAsciiOnlyLikePostgres() {
        // The Kelvin sign lower-cases to 'k' in Java but PostgreSQL leaves it alone.
        assertThat(texts("\u212AEY")).containsExactly("\u212Aey");
    }

    @Test
    void standardStringsTreatBackslashAsOrdinary() {
        assertThat(only("SELECT 'a\\'", Kind.STRING).text()).isEqualTo("a\\");
        assertThat(only("SELECT 'it''s'", Kind.STRING).text()).isEqualTo("it's");
    }

    @Test
    void escapeStringsHonourBackslashEscapes() {
        assertThat(only("SELECT E'it\\'s'", Kind.STRING).text()).isEqualTo("it's");
        assertThat(only("SELECT e'r\\x6fle\\n\\101\\u0041'", Kind.STRING).text()).isEqualTo("role\nAA");
        assertThat(SqlLexer.lex("SELECT E'abc\\'").unterminated()).isPresent();
    }

    @Test
    void prefixOnlyCountsAtTheStartOfAWord() {
        // "thee'x'" is the word thee followed by a standard string, not an E string.
        assertThat(texts("SELECT thee'x\\'")).containsExactly("select", "thee", "x\\");
    }

    @Test
    void unicodeStringsAndIdentifiersAreDecodedWithUescape() {
        assertThat(only("SELECT U&'d\\0061t\\+000061'", Kind.STRING).text()).isEqualTo("data");
        assertThat(only("SELECT U&\"pg\\005fread\"", Kind.QUOTED_IDENTIFIER).text()).isEqualTo("pg_read");
        assertThat(texts("SELECT U&'d!0061ta' UESCAPE '!' FROM t")).containsExactly("select", "data", "from", "t");
    }

    @Test
    void dollarQuotesWithAndWithoutTags() {
        assertThat(only("SELECT $$a;'b$$", Kind.DOLLAR_STRING).text()).isEqualTo("a;'b");
        assertThat(only("SELECT $fn$ $$ $x$ $fn$", Kind.DOLLAR_STRING).text()).isEqualTo(" $$ $x$ ");
        assertThat(SqlLexer.lex("SELECT $a$ x $A$").unterminated()).isPresent();
    }

    @Test
    void parameterIsNotADollarQuoteAndDollarInsideIdentifierIsNeither() {
        assertThat(SqlLexer.lex("SELECT $1, $12").tokens()).extracting(SqlToken::kind)
                .containsExactly(Kind.WORD, Kind.PARAMETER, Kind.PUNCTUATION, Kind.PARAMETER);
        assertThat(texts("SELECT a$$b; x")).containsExactly("select", "a$$b", ";", "x");
    }

    @Test
    void blockCommentsNest() {
        LexedSql lexed = SqlLexer.lex("SELECT 1 /* a /* b */ ; DROP */ ;");
        assertThat(lexed.unterminated()).isEmpty();
        assertThat(lexed.tokens()).extracting(SqlToken::kind)
                .containsExactly(Kind.WORD, Kind.NUMBER, Kind.COMMENT, Kind.SEMICOLON);
        assertThat(SqlLexer.lex("SELECT /* a /* b */").unterminated()).contains("unterminated block comment");
    }

    @Test
    void lineCommentsEndAtNewline() {
        assertThat(texts("SELECT 1 -- ; DROP\n; x")).containsExactly("select", "1", ";", "x");
    }

    @Test
    void operatorsStopBeforeCommentsAndLoseTrailingSigns() {
        assertThat(texts("SELECT 1+/*c*/2")).containsExactly("select", "1", "+", "2");
        assertThat(texts("a=-1")).containsExactly("a", "=", "-", "1");
        assertThat(texts("a @- b")).containsExactly("a", "@-", "b");
        // The trimmed signs are operators of their own, one character each, as PostgreSQL rescans them.
        assertThat(texts("a =-+-1")).containsExactly("a", "=", "-", "+", "-", "1");
        assertThat(texts("a *+-- c\n1")).containsExactly("a", "*", "+", "1");
        assertThat(texts("a <>+-b")).containsExactly("a", "<>", "+", "-", "b");
    }

    @Test
    void lettersAfterANumberStartANewWord() {
        assertThat(texts("SELECT 1into t")).containsExactly("select", "1", "into", "t");
        assertThat(texts("SELECT 1.5e3, .5")).containsExactly("select", "1.5e3", ",", ".5");
    }

    @Test
    void allPostgresWhitespaceSeparatesTokens() {
        assertThat(texts("DROP\tTABLE\nt\fx\u000By\rz")).containsExactly("drop", "table", "t", "x", "y", "z");
    }

    @Test
    void tokenPositionsPointIntoTheSource() {
        String sql = "SELECT  'x'";
        SqlToken string = only(sql, Kind.STRING);
        assertThat(sql.substring(string.start(), string.end())).isEqualTo("'x'");
    }
}
