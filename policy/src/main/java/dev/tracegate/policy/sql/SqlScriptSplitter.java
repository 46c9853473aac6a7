package dev.tracegate.policy.sql;

import dev.tracegate.policy.sql.SqlToken.Kind;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a script into statements at the semicolons PostgreSQL itself would split at, using
 * {@link SqlLexer}, so a semicolon inside a string, identifier, dollar quote or comment never splits.
 *
 * <p>One grammar rule matters for splitting: a SQL-standard function body
 * ({@code CREATE FUNCTION ... BEGIN ATOMIC ...; ...; END}) contains semicolons that do not end the
 * statement. Like psql, the splitter tracks BEGIN ATOMIC / CASE / END at parenthesis depth zero in
 * CREATE [OR REPLACE] FUNCTION|PROCEDURE statements; those inner semicolons stay in the token list.
 *
 * <p>Statements holding nothing but whitespace and comments are dropped, unless they end in an
 * unterminated construct: such a statement is kept and marked incomplete.
 */
public final class SqlScriptSplitter {

    private SqlScriptSplitter() {
    }

    public static List<SqlStatement> split(String sql) {
        return split(sql, SqlLexer.lex(sql));
    }

    /**
     * The statements of {@code sql} in every way the dialect's servers could read it: one list for
     * PostgreSQL; for MySQL one per reading of {@code sql_mode} and server version that gives other
     * tokens (see {@link MySqlReading}). Empty when MySQL servers would read the text differently in
     * a way no reading covers: such text is refused.
     */
    public static java.util.Optional<List<List<SqlStatement>>> splitEveryReading(String sql, SqlDialect dialect) {
        return switch (dialect) {
            case POSTGRESQL -> java.util.Optional.of(List.of(split(sql)));
            case MYSQL, MYSQL_NO_BACKSLASH_ESCAPES -> {
                MySqlTextClassifier.Readings readings =
                        MySqlTextClassifier.readings(sql, dialect == SqlDialect.MYSQL);
                yield readings.refusal().isPresent() ? java.util.Optional.empty()
                        : java.util.Optional.of(readings.statements());
            }
        };
    }

    /** Splits tokens another dialect's lexer made of {@code sql} (see {@link MySqlLexer}). */
    static List<SqlStatement> split(String sql, LexedSql lexed) {
        List<SqlStatement> statements = new ArrayList<>();
        StatementBuilder current = new StatementBuilder();
        for (SqlToken token : lexed.tokens()) {
            if (token.kind() == Kind.SEMICOLON && !current.insideAtomicBody()) {
                current.addTo(sql, false, statements);
                current = new StatementBuilder();
            } else {
                current.add(token);
            }
        }
        current.addTo(sql, lexed.unterminated().isPresent() || current.insideAtomicBody(), statements);
        return List.copyOf(statements);
    }

    /** Collects one statement's tokens and tracks BEGIN ATOMIC bodies. */
    private static final class StatementBuilder {
        private final List<SqlToken> tokens = new ArrayList<>();
        private final List<SqlToken> comments = new ArrayList<>();
        private int parenDepth;
        private int blockDepth;

        void add(SqlToken token) {
            if (token.kind() == Kind.COMMENT) {
                comments.add(token);
                return;
            }
            if (token.isSymbol("(")) {
                parenDepth++;
            } else if (token.isSymbol(")")) {
                parenDepth--;
            } else if (parenDepth == 0 && isRoutineDefinition()) {
                if (token.isWord("atomic") && !tokens.isEmpty() && tokens.getLast().isWord("begin")) {
                    blockDepth++;
                } else if (token.isWord("case") && blockDepth > 0) {
                    blockDepth++;
                } else if (token.isWord("end") && blockDepth > 0) {
                    blockDepth--;
                }
            }
            tokens.add(token);
        }

        boolean insideAtomicBody() {
            return blockDepth > 0;
        }

        private boolean isRoutineDefinition() {
            if (tokens.size() < 2 || !tokens.getFirst().isWord("create")) {
                return false;
            }
            int i = tokens.get(1).isWord("or") && tokens.size() > 3 && tokens.get(2).isWord("replace") ? 3 : 1;
            return tokens.get(i).isWord("function") || tokens.get(i).isWord("procedure");
        }

        void addTo(String sql, boolean incomplete, List<SqlStatement> out) {
            if (tokens.isEmpty() && !incomplete) {
                return;
            }
            if (tokens.isEmpty() && comments.isEmpty()) {
                // Open at the end with nothing after the last semicolon: a MySQL executable comment
                // that holds the semicolon ends there (found by MySqlClassifierFuzzTest).
                out.add(new SqlStatement("", sql.length(), sql.length(), tokens, comments, true));
                return;
            }
            int start = Integer.MAX_VALUE;
            int end = 0;
            for (List<SqlToken> list : List.of(tokens, comments)) {
                if (!list.isEmpty()) {
                    start = Math.min(start, list.getFirst().start());
                    end = Math.max(end, list.getLast().end());
                }
            }
            out.add(new SqlStatement(sql.substring(start, end), start, end, tokens, comments, incomplete));
        }
    }
}
