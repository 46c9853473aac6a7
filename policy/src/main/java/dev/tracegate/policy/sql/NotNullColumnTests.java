package dev.tracegate.policy.sql;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * A write's tests of columns the schema declares NOT NULL, read as what they are for every row:
 * {@code DELETE FROM orders WHERE id IS NOT NULL} on a NOT NULL {@code id} changes every row, as
 * {@code WHERE true} does, which the classifier cannot see from the text alone. Each such test
 * ({@code IS [NOT] NULL}, {@code ISNULL}, {@code NOTNULL}, {@code IS [NOT] DISTINCT FROM NULL}) is
 * replaced by its constant and the statement classified again; a write it then finds bulk is
 * {@code bulk_write}. A column name is counted NOT NULL when it is so in any table the statement
 * names, whichever that name reads: a wrong guess makes the statement only stricter. MySQL and
 * MariaDB text is read with their own lexer and its names compared as they compare them, without
 * regard to case. A schema that cannot answer fails closed: every column the write tests for null
 * is then taken as NOT NULL. docs/policy.md, "What a WHERE promises".
 */
public final class NotNullColumnTests {

    /** The schema's answer: the NOT NULL columns of the tables named so (as written, maybe schema-qualified). */
    @FunctionalInterface
    public interface NotNullColumns {
        /**
         * Column names as the server stores them; empty when none or the table is not known; null when
         * the schema could not be read, so that every column tested for null counts as NOT NULL.
         */
        Set<String> of(List<String> tables);
    }

    /** Statements whose strings are the values they write, never text they run. */
    private static final Set<String> VALUE_STRINGS = Set.of("insert", "update", "delete", "merge", "replace", "copy",
            "load", "with");

    private static final String UNREAD = "the upstream's catalog could not be read, so every column the write tests"
            + " for null is taken as NOT NULL";

    private NotNullColumnTests() {
    }

    /** The statement, made {@code bulk_write} when its tests of NOT NULL columns leave it true for every row. */
    public static ClassifiedStatement judged(ClassifiedStatement statement, NotNullColumns schema,
                                             SqlClassifier classifier, SqlDialect dialect) {
        if (statement.statementClass() != StatementClass.WRITE || !mentionsNull(statement.text())) {
            return statement;
        }
        List<SqlToken> tokens = tokens(statement.text(), dialect);
        // The schema is asked only for a write that tests a column for null: SET x = NULL tests none.
        if (!testsNull(tokens)) {
            return judgedRunText(statement, tokens, schema, classifier, dialect);
        }
        Set<String> notNull = schema.of(statement.tables());
        ColumnNames names = notNull == null ? name -> true
                : dialect == SqlDialect.POSTGRESQL ? notNull::contains : caseless(notNull);
        List<String> read = new ArrayList<>();
        String constant = withConstants(statement.text(), tokens, names, read);
        if (read.isEmpty()) {
            return judgedRunText(statement, tokens, schema, classifier, dialect);
        }
        SqlClassification again = classifier.classify(constant, dialect, name -> Optional.empty());
        if (again.statements().size() != 1 || again.highestRisk() != StatementClass.BULK_WRITE) {
            return judgedRunText(statement, tokens, schema, classifier, dialect);
        }
        String bulk = again.statements().getFirst().reasons().stream().findFirst().orElse("a bulk write");
        return bulk(statement, (notNull == null ? UNREAD + " (" + String.join(", ", new LinkedHashSet<>(read)) + ")"
                : "the schema declares " + String.join(", ", new LinkedHashSet<>(read)) + " NOT NULL")
                + ", and read so the statement is " + bulk);
    }

    /**
     * A statement that runs SQL it holds in a string (MySQL's {@code PREPARE s FROM '...'} and
     * {@code EXECUTE IMMEDIATE '...'}, PostgreSQL's {@code query_to_xml('...')}), judged by that text
     * as the text would be: {@code PREPARE s FROM 'DELETE FROM orders WHERE id IS NOT NULL'} prepares
     * a bulk write, and each EXECUTE of it runs one. A data-modifying statement's own strings are
     * values, not statements, and are not read so.
     */
    private static ClassifiedStatement judgedRunText(ClassifiedStatement statement, List<SqlToken> tokens,
                                                     NotNullColumns schema, SqlClassifier classifier, SqlDialect dialect) {
        if (tokens.isEmpty() || VALUE_STRINGS.contains(tokens.getFirst().word())) {
            return statement;
        }
        for (SqlToken token : tokens) {
            if (!token.isStringLiteral() || !mentionsNull(token.text())) {
                continue;
            }
            for (ClassifiedStatement ran : classifier.classify(token.text(), dialect, name -> Optional.empty()).statements()) {
                ClassifiedStatement judged = judged(ran, schema, classifier, dialect);
                if (judged != ran && judged.statementClass() == StatementClass.BULK_WRITE) {
                    return bulk(statement, "the text it runs is a bulk write: " + judged.reasons().getFirst());
                }
            }
        }
        return statement;
    }

    private static ClassifiedStatement bulk(ClassifiedStatement statement, String reason) {
        return statement.reclassified(StatementClass.BULK_WRITE, reason);
    }

    /** A look that allocates nothing, for every write (INSERTs are writes): most name no null at all. */
    private static boolean mentionsNull(String text) {
        for (int i = text.length() - 4; i >= 0; i--) {
            if (text.regionMatches(true, i, "null", 0, 4)) {
                return true;
            }
        }
        return false;
    }

    /** Which names are of NOT NULL columns. */
    @FunctionalInterface
    private interface ColumnNames {
        boolean notNull(String name);
    }

    /** MySQL compares column names without regard to case. */
    private static ColumnNames caseless(Set<String> names) {
        Set<String> lower = new HashSet<>();
        for (String name : names) {
            lower.add(name.toLowerCase(Locale.ROOT));
        }
        return name -> lower.contains(name.toLowerCase(Locale.ROOT));
    }

    private static List<SqlToken> tokens(String text, SqlDialect dialect) {
        List<SqlToken> tokens = new ArrayList<>();
        LexedSql lexed = switch (dialect) {
            case POSTGRESQL -> SqlLexer.lex(text);
            case MYSQL, MYSQL_NO_BACKSLASH_ESCAPES ->
                    MySqlLexer.lex(text, MySqlReading.first(dialect == SqlDialect.MYSQL)).lexed();
        };
        for (SqlToken token : lexed.tokens()) {
            if (token.kind() != SqlToken.Kind.COMMENT) {
                tokens.add(token);
            }
        }
        return tokens;
    }

    private static boolean testsNull(List<SqlToken> tokens) {
        for (int i = 0; i < tokens.size(); i++) {
            if (tokens.get(i).isIdentifier() && nullTestEnd(tokens, i + 1) >= 0) {
                return true;
            }
        }
        return false;
    }

    /** The text with each null test of a NOT NULL column (its qualifiers with it) replaced by its constant. */
    private static String withConstants(String text, List<SqlToken> tokens, ColumnNames notNull, List<String> read) {
        StringBuilder out = new StringBuilder();
        int copied = 0;
        for (int i = 0; i < tokens.size(); i++) {
            SqlToken column = tokens.get(i);
            if (!column.isIdentifier() || !notNull.notNull(column.text()) || isSymbol(tokens, i + 1, ".")) {
                continue;
            }
            int end = nullTestEnd(tokens, i + 1);
            if (end < 0) {
                continue;
            }
            int first = i;
            while (first >= 2 && isSymbol(tokens, first - 1, ".") && tokens.get(first - 2).isIdentifier()) {
                first -= 2;
            }
            out.append(text, copied, tokens.get(first).start()).append(' ')
                    .append(holds(tokens, i + 1) ? "true" : "false").append(' ');
            copied = tokens.get(end).end();
            read.add(column.text());
            i = end;
        }
        return out.append(text, copied, text.length()).toString();
    }

    /** The last token of a null test starting at {@code i}, or -1 when none starts there. */
    private static int nullTestEnd(List<SqlToken> tokens, int i) {
        if (isWord(tokens, i, "isnull") || isWord(tokens, i, "notnull")) {
            return i;
        }
        if (!isWord(tokens, i, "is")) {
            return -1;
        }
        int j = isWord(tokens, i + 1, "not") ? i + 2 : i + 1;
        if (isWord(tokens, j, "null")) {
            return j;
        }
        return isWord(tokens, j, "distinct") && isWord(tokens, j + 1, "from") && isWord(tokens, j + 2, "null")
                ? j + 2 : -1;
    }

    /** Whether the test at {@code i} holds for a value that is never null. */
    private static boolean holds(List<SqlToken> tokens, int i) {
        if (isWord(tokens, i, "isnull") || isWord(tokens, i, "notnull")) {
            return isWord(tokens, i, "notnull");
        }
        boolean not = isWord(tokens, i + 1, "not");
        boolean distinct = isWord(tokens, not ? i + 2 : i + 1, "distinct");
        return not != distinct;
    }

    private static boolean isWord(List<SqlToken> tokens, int i, String word) {
        return i < tokens.size() && tokens.get(i).isWord(word);
    }

    private static boolean isSymbol(List<SqlToken> tokens, int i, String symbol) {
        return i < tokens.size() && tokens.get(i).isSymbol(symbol);
    }
}
