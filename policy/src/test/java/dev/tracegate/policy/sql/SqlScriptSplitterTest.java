package dev.tracegate.policy.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SqlScriptSplitterTest {

    private static List<String> texts(String sql) {
        return SqlScriptSplitter.split(sql).stream().map(SqlStatement::text).toList();
    }

    @Test
    void splitsAtTopLevelSemicolonsOnly() {
        assertThat(texts("SELECT 'a;b'; SELECT \"c;d\"; SELECT $$e;f$$; SELECT 1 /* ; */; SELECT 2 -- ;\n"))
                .containsExactly("SELECT 'a;b'", "SELECT \"c;d\"", "SELECT $$e;f$$", "SELECT 1 /* ; */", "SELECT 2 -- ;");
    }

    @Test
    void dropsEmptyStatements() {
        assertThat(texts(" ;;  /* only a comment */ ; -- line\n ; SELECT 1 ;;")).containsExactly("SELECT 1");
        assertThat(SqlScriptSplitter.split("  ")).isEmpty();
    }

    @Test
    void statementOffsetsAndCommentsAreKept() {
        String sql = "SELECT 1; SELECT 2 /*traceparent='x'*/";
        List<SqlStatement> statements = SqlScriptSplitter.split(sql);
        SqlStatement second = statements.get(1);
        assertThat(sql.substring(second.start(), second.end())).isEqualTo(second.text());
        assertThat(second.comments()).extracting(SqlToken::text).containsExactly("/*traceparent='x'*/");
        assertThat(second.tokens()).extracting(SqlToken::text).containsExactly("select", "2");
    }

    @Test
    void unterminatedConstructsMarkTheLastStatementIncomplete() {
        List<SqlStatement> statements = SqlScriptSplitter.split("SELECT 1; SELECT 'abc; DROP TABLE t");
        assertThat(statements).hasSize(2);
        assertThat(statements.get(0).incomplete()).isFalse();
        assertThat(statements.get(1).incomplete()).isTrue();
        assertThat(SqlScriptSplitter.split("SELECT 1; /* never closed").getLast().incomplete()).isTrue();
    }

    @Test
    void beginAtomicBodyKeepsItsSemicolons() {
        String sql = "CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT CASE WHEN true THEN 1 END; "
                + "SELECT 2; END; SELECT 3";
        List<SqlStatement> statements = SqlScriptSplitter.split(sql);
        assertThat(statements).extracting(SqlStatement::text).containsExactly(
                "CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT CASE WHEN true THEN 1 END; SELECT 2; END",
                "SELECT 3");
    }

    @Test
    void aFunctionNamedBeginDoesNotSwallowTheNextStatement() {
        assertThat(texts("CREATE FUNCTION begin() RETURNS int LANGUAGE sql AS 'select 1'; GRANT ALL ON t TO u"))
                .hasSize(2);
    }

    @Test
    void unclosedBeginAtomicIsIncomplete() {
        assertThat(SqlScriptSplitter.split("CREATE PROCEDURE p() BEGIN ATOMIC SELECT 1; GRANT ALL ON t TO u")
                .getFirst().incomplete()).isTrue();
    }
}
