package dev.tracegate.policy.lineage;

import dev.tracegate.policy.sql.SqlDialect;
import dev.tracegate.policy.sql.SqlScriptSplitter;
import dev.tracegate.policy.sql.SqlStatement;
import dev.tracegate.policy.sql.SqlToken;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * A MySQL or MariaDB trigger's or stored routine's body as {@link DatabaseCode} reads code: the
 * names it uses in every way its servers could read it (backticks, executable comments,
 * ANSI_QUOTES), each written as a PostgreSQL quoted identifier, and, since MySQL folds an unquoted
 * name's case where PostgreSQL's lexer does not, also as every relation spelled the same in
 * another case. A body the gateway cannot read (the server shows it only to its definer), or one
 * that prepares a statement from a text built at run time, names {@link DatabaseCode#ANYTHING}.
 */
public final class MySqlCodeText {

    /** Words of a body that writes a table, or may: a routine called, or a statement built at run time. */
    private static final Set<String> WRITES = Set.of("insert", "update", "replace", "delete", "call", "prepare",
            "execute", "load", "truncate");
    private static final String ANYTHING = "\"" + DatabaseCode.ANYTHING + "\"";

    private MySqlCodeText() {
    }

    /**
     * @param relationsByLowerCase the database's relation names, by their lower-case spelling
     */
    public static String names(String body, Map<String, List<String>> relationsByLowerCase) {
        Optional<Set<String>> words = words(body);
        // PREPARE ... FROM @text and EXECUTE IMMEDIATE run a statement built at run time: no word of it need be in the body.
        if (words.isEmpty() || words.get().contains("prepare") || words.get().contains("execute")) {
            return ANYTHING;
        }
        Set<String> names = new TreeSet<>();
        for (String word : words.get()) {
            names.add(word);
            names.addAll(relationsByLowerCase.getOrDefault(word.toLowerCase(Locale.ROOT), List.of()));
        }
        StringBuilder text = new StringBuilder();
        for (String name : names) {
            text.append('"').append(name.replace("\"", "\"\"")).append("\" ");
        }
        return text.toString();
    }

    /**
     * A view's query, a default, a check, or a trigger's, routine's or event's body as the code-text
     * check reads code ({@link BoundLiterals}): each of its statements in every reading its servers
     * could give it, rendered as PostgreSQL text, so that a string in double quotes ({@code WHERE
     * name = "Ada Lovelace"}, a string where ANSI_QUOTES is off) or with backslash escapes reads as
     * the literal it is. A text that cannot be read keeps an unbound literal: it may quote anything.
     */
    public static String asCode(String text) {
        StringBuilder code = new StringBuilder();
        for (SqlDialect dialect : List.of(SqlDialect.MYSQL, SqlDialect.MYSQL_NO_BACKSLASH_ESCAPES)) {
            Optional<List<List<SqlStatement>>> readings = SqlScriptSplitter.splitEveryReading(text, dialect);
            if (readings.isEmpty()) {
                return text.replace('`', '"') + " ; 'unreadable'";
            }
            for (List<SqlStatement> statements : readings.get()) {
                for (SqlStatement statement : statements) {
                    code.append(MySqlLineage.render(statement.tokens())).append(statement.incomplete() ? " ; 'unreadable' ; " : " ; ");
                }
            }
        }
        return code.toString();
    }

    /**
     * Whether a trigger's body may write a table: its other channels (a {@code SIGNAL}'s text, a user
     * variable it sets) are closed where they surface ({@link TriggeredWrite}, {@link TriggerVariables}).
     * A body that cannot be read may.
     */
    public static boolean mayWrite(String body, Collection<String> routines) {
        Optional<Set<String>> words = words(body);
        return words.isEmpty() || words.get().stream().anyMatch(word -> WRITES.contains(word)
                || routines.contains(word.toLowerCase(Locale.ROOT))) || assignsTheRow(body);
    }

    /** {@code SET NEW.v = ...} or {@code SELECT ... INTO NEW.v}: a BEFORE trigger changes the row it stores. */
    private static boolean assignsTheRow(String body) {
        for (SqlDialect dialect : List.of(SqlDialect.MYSQL, SqlDialect.MYSQL_NO_BACKSLASH_ESCAPES)) {
            for (List<SqlStatement> statements : SqlScriptSplitter.splitEveryReading(body, dialect).orElse(List.of())) {
                for (SqlStatement statement : statements) {
                    List<SqlToken> tokens = statement.tokens();
                    for (int i = 0; i + 1 < tokens.size(); i++) {
                        boolean assigning = tokens.get(i).isWord("set") || tokens.get(i).isWord("into")
                                || tokens.get(i).isSymbol(",");
                        if (assigning && tokens.get(i + 1).isWord("new")) {
                            return true;
                        }
                    }
                }
            }
        }
        return false;
    }

    private static Optional<Set<String>> words(String body) {
        if (body == null || body.isBlank()) {
            return Optional.empty();
        }
        Set<String> words = new TreeSet<>();
        for (SqlDialect dialect : List.of(SqlDialect.MYSQL, SqlDialect.MYSQL_NO_BACKSLASH_ESCAPES)) {
            Optional<List<List<SqlStatement>>> readings = SqlScriptSplitter.splitEveryReading(body, dialect);
            if (readings.isEmpty()) {
                return Optional.empty();
            }
            for (List<SqlStatement> statements : readings.get()) {
                for (SqlStatement statement : statements) {
                    if (statement.incomplete()) {
                        return Optional.empty();
                    }
                    for (SqlToken token : statement.tokens()) {
                        if (token.isIdentifier()) {
                            words.add(token.text());
                        }
                    }
                }
            }
        }
        return Optional.of(words);
    }
}
