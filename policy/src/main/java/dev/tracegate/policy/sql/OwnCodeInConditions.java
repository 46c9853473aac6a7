package dev.tracegate.policy.sql;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A write's WHERE or ON that runs the database's own code, judged as far as the gateway can read that
 * code's result, which is not at all. The classifier trusts what it knows of the server's own
 * functions ({@code lower(email) = 'a'} tells rows apart) and reads a call with constants as one value
 * for every row; a routine the database's users made may return anything: a {@code public.lower} that
 * returns {@code 'a'}, a volatile {@code next_id()} that counts up with the scan. So before the
 * classifier reads the condition, each call of such a routine is renamed to what the classifier trusts
 * nothing of: a volatile one (or one whose volatility is not known) to {@code random}, a value drawn
 * for each row; a stable one to a name the classifier does not know, whose tests of the row count as
 * no condition and which with constants is one value. An operator the database's users made runs a
 * function of theirs in every test it makes, with no spelling left to read: the write is
 * {@code bulk_write}. Server and extension code keeps its reading (docs/policy.md, "What the
 * database's own code does").
 */
final class OwnCodeInConditions {

    /** What a stable routine is renamed to: a function the classifier knows nothing of. */
    private static final String UNKNOWN_STABLE = "tracegate_own_routine";
    /** What a volatile routine is renamed to: a value drawn for each row. */
    private static final String DRAWN = "random";
    private static final Set<String> CHANGES = Set.of("update", "delete", "merge");
    /** A classifier of its own: the rewritten texts are not the client's, and are not worth the shared cache. */
    private static final SqlClassifier CLASSIFIER = new SqlClassifier(256);

    private OwnCodeInConditions() {
    }

    /**
     * The statement, {@code bulk_write} when its condition read with the database's own code as above
     * may hold for every row; else the same statement.
     */
    static ClassifiedStatement judged(ClassifiedStatement statement, List<SqlToken> tokens, DatabaseRoutines answer,
                                      SqlDialect dialect) {
        return judged(statement, statement.text(), tokens, answer, dialect);
    }

    /**
     * The same for a statement whose condition is in {@code text} (of which {@code tokens} are the
     * tokens): for {@code EXECUTE p}, the text {@code p} was prepared with, whose routines may have
     * been made volatile since the PREPARE was judged.
     */
    static ClassifiedStatement judged(ClassifiedStatement statement, String text, List<SqlToken> tokens,
                                      DatabaseRoutines answer, SqlDialect dialect) {
        if (statement.statementClass() != StatementClass.WRITE || !changesRows(tokens)) {
            return statement;
        }
        Set<String> castColumns = castColumns(statement, answer);
        if (!namesAnyCode(tokens, answer, castColumns, dialect)) {
            return statement; // nearly every write: no text rebuilt, nothing classified again
        }
        Set<String> operators = new LinkedHashSet<>();
        Set<String> calls = new LinkedHashSet<>();
        String rewritten = rewritten(text, tokens, answer, dialect, castColumns, calls, operators);
        if (!operators.isEmpty()) {
            return bulk(statement, "its condition uses " + String.join(", ", operators) + ", an operator of the"
                    + " database's own whose result the gateway does not compute, so it may hold for every row");
        }
        if (calls.isEmpty()) {
            return statement;
        }
        SqlClassification again = CLASSIFIER.classify(rewritten, dialect, name -> Optional.empty());
        if (again.highestRisk() != StatementClass.BULK_WRITE && !again.highestRisk().isHighestRisk()) {
            return statement;
        }
        return bulk(statement, "its condition runs " + String.join(", ", calls) + ", the database's own code,"
                + " whose result the gateway does not compute; read so the statement may change every row");
    }

    private static boolean changesRows(List<SqlToken> tokens) {
        for (SqlToken token : tokens) {
            if (token.kind() == SqlToken.Kind.WORD && CHANGES.contains(token.word())) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether a token may be one {@link #rewritten} renames or notes: a column an implicit cast of the database's
     * own converts, an operator or a name the answer holds any code for. A superset of what it renames (the
     * answer's routines by name, an extension's too), read by lookups alone, so that a write naming none of the
     * database's code (pgbench's, and most) costs no copy of its text.
     */
    private static boolean namesAnyCode(List<SqlToken> tokens, DatabaseRoutines answer, Set<String> castColumns,
                                        SqlDialect dialect) {
        if (castColumns.isEmpty() && answer.routines().isEmpty()) {
            return false;
        }
        for (SqlToken token : tokens) {
            if (token.kind() == SqlToken.Kind.OPERATOR ? answer.implicit().containsKey(token.text())
                    : token.isIdentifier() && (castColumns.contains(token.text())
                    || answer.routines().containsKey(key(token.text(), dialect)))) {
                return true;
            }
        }
        return false;
    }

    /** The text with each call of an own routine renamed; own operators and called names noted. */
    private static String rewritten(String text, List<SqlToken> tokens, DatabaseRoutines answer, SqlDialect dialect,
                                    Set<String> castColumns, Set<String> calls, Set<String> operators) {
        StringBuilder out = new StringBuilder();
        int copied = 0;
        boolean inCondition = false;
        for (int i = 0; i < tokens.size(); i++) {
            SqlToken token = tokens.get(i);
            inCondition |= token.isWord("where") || token.isWord("on");
            if (inCondition && castColumns.contains(token.text()) && token.isIdentifier()
                    && !(i + 1 < tokens.size() && (tokens.get(i + 1).isSymbol("(") || tokens.get(i + 1).isSymbol(".")))) {
                // A column an implicit cast of the database's own may convert: a computation of it, as far as known.
                int first = qualifiedStart(tokens, i);
                out.append(text, copied, tokens.get(first).start()).append(UNKNOWN_STABLE).append('(')
                        .append(text, tokens.get(first).start(), token.end()).append(')');
                copied = token.end();
                calls.add("an implicit cast of " + token.text());
                continue;
            }
            if (token.kind() == SqlToken.Kind.OPERATOR && ownCode(answer.implicit().get(token.text()), answer)) {
                operators.add(token.text());
            }
            boolean call = token.isIdentifier() && i + 1 < tokens.size() && tokens.get(i + 1).isSymbol("(");
            boolean attribute = !call && dialect == SqlDialect.POSTGRESQL && attribute(tokens, i);
            List<DatabaseRoutines.Routine> routines = call || attribute ? own(answer, key(token.text(), dialect)) : List.of();
            if (routines.isEmpty()) {
                continue;
            }
            int first = qualifiedStart(tokens, i);
            boolean stable = routines.stream().allMatch(DatabaseRoutines.Routine::stable);
            out.append(text, copied, tokens.get(first).start()).append(stable ? UNKNOWN_STABLE : DRAWN);
            if (attribute) {
                // o.f is f(o): the row it is given, as an argument.
                out.append('(').append(text, tokens.get(i - 2).start(), tokens.get(i - 2).end()).append(')');
            }
            copied = token.end();
            calls.add(token.text() + "()");
        }
        return out.append(text, copied, text.length()).toString();
    }

    /**
     * Whether the name at {@code i} is PostgreSQL's attribute notation, {@code o.f} for {@code f(o)}: a
     * qualified name that is not itself a qualifier or a call. A column of that name wins on the server;
     * read as the call, it is read stricter.
     */
    private static boolean attribute(List<SqlToken> tokens, int i) {
        return i >= 2 && tokens.get(i).isIdentifier() && tokens.get(i - 1).isSymbol(".")
                && tokens.get(i - 2).isIdentifier() && (i + 1 >= tokens.size() || !tokens.get(i + 1).isSymbol("."));
    }

    /** Where the qualified name ending at {@code i} begins. */
    private static int qualifiedStart(List<SqlToken> tokens, int i) {
        int first = i;
        while (first >= 2 && tokens.get(first - 1).isSymbol(".") && tokens.get(first - 2).isIdentifier()) {
            first -= 2;
        }
        return first;
    }

    /** The columns of the statement's tables that an implicit cast of the database's own converts. */
    private static Set<String> castColumns(ClassifiedStatement statement, DatabaseRoutines answer) {
        Set<String> columns = new LinkedHashSet<>();
        for (String table : statement.tables()) {
            String name = table.substring(table.lastIndexOf('.') + 1);
            columns.addAll(answer.castColumns().getOrDefault(name.replace("\"", ""), List.of()));
        }
        return columns;
    }

    /** The routines of that name the database's users made (not an extension's); empty for the server's. */
    private static List<DatabaseRoutines.Routine> own(DatabaseRoutines answer, String name) {
        List<DatabaseRoutines.Routine> own = new ArrayList<>();
        for (DatabaseRoutines.Routine routine : answer.routines().getOrDefault(name, List.of())) {
            if (!routine.extension()) {
                own.add(routine);
            }
        }
        return own;
    }

    private static boolean ownCode(List<String> routineNames, DatabaseRoutines answer) {
        if (routineNames == null) {
            return false;
        }
        for (String name : routineNames) {
            if (!own(answer, name).isEmpty()) {
                return true;
            }
        }
        return false;
    }

    /** A routine's name as the answer keys it (the lexers hand quoted names unquoted; MySQL's compare caselessly). */
    private static String key(String name, SqlDialect dialect) {
        return dialect == SqlDialect.POSTGRESQL ? name : name.toLowerCase(java.util.Locale.ROOT);
    }

    private static ClassifiedStatement bulk(ClassifiedStatement statement, String reason) {
        return statement.reclassified(StatementClass.BULK_WRITE, reason);
    }
}
