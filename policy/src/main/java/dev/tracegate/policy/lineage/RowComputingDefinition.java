package dev.tracegate.policy.lineage;

import dev.tracegate.policy.sql.SqlToken;
import java.util.List;
import java.util.Set;

/**
 * Whether a {@code CREATE INDEX} or {@code CREATE STATISTICS} computes on its table's stored rows:
 * an index key that is an expression ({@code (name::int)}, {@code lower(email)}), a partial index's
 * {@code WHERE}, an operator class, a statistics object on an expression. The server evaluates it on
 * every row while it builds the index (or, for statistics, on every sampled row at the next {@code
 * ANALYZE}), and an expression that fails quotes the value it failed on: {@code CREATE INDEX ON
 * customers ((name::int))} answered {@code invalid input syntax for type integer: "Ada Lovelace"}, a
 * statement whose result masking never sees a row. Plain column keys compute nothing. What cannot be
 * read is taken to compute.
 */
final class RowComputingDefinition {

    private static final Set<String> ORDER_WORDS = Set.of("asc", "desc", "nulls", "first", "last");

    private RowComputingDefinition() {
    }

    /** {@code what} is the word after CREATE's modifiers: {@code index} or {@code statistics}. */
    static boolean computes(List<SqlToken> tokens, String what) {
        int on = LineageCheck.indexOfWord(tokens, "on", 1);
        if (on < 0) {
            return true;
        }
        return what.equals("statistics") ? statisticsComputes(tokens, on) : indexComputes(tokens, on);
    }

    /** {@code CREATE STATISTICS s [(kinds)] ON a, b | (expression), ... FROM t}: an expression is in brackets. */
    private static boolean statisticsComputes(List<SqlToken> tokens, int on) {
        for (int i = on + 1; i < tokens.size() && !tokens.get(i).isWord("from"); i++) {
            SqlToken token = tokens.get(i);
            if (!token.isIdentifier() && !token.isSymbol(",")) {
                return true;
            }
        }
        return false;
    }

    /**
     * {@code ON [ONLY] table [USING method] (element, ...) [INCLUDE (...)] ... [WHERE predicate]}: each
     * element must be a column name (or MySQL's prefix of one) with a collation and an order after it; a
     * bracket or any other token inside is an expression, and another word an operator class, whose
     * support functions (a comparison, which the database may define) run on every stored value.
     */
    private static boolean indexComputes(List<SqlToken> tokens, int on) {
        int open = -1;
        for (int i = on + 1; i < tokens.size(); i++) {
            if (tokens.get(i).isSymbol("(")) {
                open = i;
                break;
            }
        }
        if (open < 0) {
            return true;
        }
        int i = open + 1;
        boolean column = true;
        for (; i < tokens.size() && !tokens.get(i).isSymbol(")"); i++) {
            SqlToken token = tokens.get(i);
            if (token.isSymbol(",")) {
                column = true;
            } else if (prefixLength(tokens, i)) {
                i += 2;
            } else if (column && token.isIdentifier()) {
                column = false;
            } else if (token.isWord("collate") && i + 1 < tokens.size() && tokens.get(i + 1).isIdentifier()) {
                i++;
            } else if (!ORDER_WORDS.contains(token.word())) {
                // An expression, or an operator class: its support functions run on every stored value.
                return true;
            }
        }
        return i >= tokens.size() || LineageCheck.indexOfWord(tokens, "where", i + 1) >= 0;
    }

    /** MySQL's key prefix, {@code name(10)}: the first ten characters of the column, as stored. */
    private static boolean prefixLength(List<SqlToken> tokens, int i) {
        return i > 0 && tokens.get(i - 1).isIdentifier() && tokens.get(i).isSymbol("(") && i + 2 < tokens.size()
                && tokens.get(i + 1).kind() == SqlToken.Kind.NUMBER && tokens.get(i + 2).isSymbol(")");
    }
}
