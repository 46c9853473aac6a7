package dev.tracegate.policy.lineage;

import dev.tracegate.policy.sql.SqlLexer;
import dev.tracegate.policy.sql.SqlToken;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Whether a text of the database's code binds a string literal to a column: {@code (name =
 * 'Ada Lovelace'::text)}, {@code name DEFAULT 'Alan Turing'}, {@code name IN ('a', 'b')}, within
 * one condition (no {@code AND}, {@code OR}, {@code WHERE}, ... between them). A literal elsewhere
 * in the same view ({@code status = 'active'}) quotes nothing of the column. Function bodies in
 * dollar quotes are read as code too.
 */
final class BoundLiterals {

    /** Words that end a condition: a literal beyond one is bound to something else. */
    private static final Set<String> BOUNDARIES = Set.of("and", "or", "where", "select", "from", "on", "when", "then",
            "else", "case", "end", "set", "having", "returning", "using", "join", "group", "order", "limit", "begin",
            "return", "if", "loop", "values", "into", "check", "raise");
    /** How many tokens a condition spans at most either side of its literal ({@code IN} lists, casts). */
    private static final int REACH = 16;

    private BoundLiterals() {
    }

    /** Whether a literal of {@code text} is bound to one of {@code columns}. */
    static boolean bindsTo(String text, Set<String> columns) {
        List<SqlToken> tokens = SqlLexer.lex(text).tokens();
        for (int i = 0; i < tokens.size(); i++) {
            SqlToken token = tokens.get(i);
            if (token.kind() == SqlToken.Kind.DOLLAR_STRING && bindsTo(token.text(), columns)) {
                return true;
            }
            if (token.kind() == SqlToken.Kind.STRING && (reaches(tokens, i, -1, columns) || reaches(tokens, i, 1, columns))) {
                return true;
            }
        }
        return false;
    }

    /** The identifiers of {@code text}, those of its dollar-quoted bodies included. */
    static Set<String> identifiers(String text) {
        Set<String> words = new HashSet<>();
        for (SqlToken token : SqlLexer.lex(text).tokens()) {
            if (token.isIdentifier()) {
                words.add(token.text());
            } else if (token.kind() == SqlToken.Kind.DOLLAR_STRING) {
                words.addAll(identifiers(token.text()));
            }
        }
        return words;
    }

    private static boolean reaches(List<SqlToken> tokens, int from, int step, Set<String> columns) {
        for (int i = from + step, seen = 0; i >= 0 && i < tokens.size() && seen < REACH; i += step, seen++) {
            SqlToken token = tokens.get(i);
            if (BOUNDARIES.contains(token.word()) || token.isSymbol(";")) {
                return false;
            }
            if (token.isIdentifier() && columns.contains(token.text())) {
                return true;
            }
        }
        return false;
    }
}
