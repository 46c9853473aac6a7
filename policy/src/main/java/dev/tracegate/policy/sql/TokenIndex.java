package dev.tracegate.policy.sql;

import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the rules look up about one token list, computed once on first use: which token closes
 * which (brackets, and CASE with END), and running counts of token properties. Every
 * {@link TokenSpan} cut from the list shares it, so the rules never walk a nested group again to
 * find its end or to ask what it contains: an attacker chooses the text, and walking forward from
 * every opening token of a deeply nested statement would take quadratic time.
 *
 * <p>Used by one classification at a time (not thread-safe).
 */
final class TokenIndex {

    /** A property of the token at {@code i}, which may look at its neighbours. */
    @FunctionalInterface
    interface TokenProperty {
        boolean holds(TokenSpan tokens, int i);
    }

    private static final int NONE = -1;

    private final List<SqlToken> tokens;
    private int[] brackets;
    private int[] caseEnds;
    /** Made on the first count: most statements ask none, and an empty IdentityHashMap already holds a 64-slot table. */
    private Map<TokenProperty, int[]> counts;

    TokenIndex(List<SqlToken> tokens) {
        this.tokens = tokens;
    }

    /**
     * The index of the bracket that closes the one at {@code open}, or -1 when none does. {@code (}
     * and {@code [} close with {@code )} or {@code ]}, the most recent open one first, as a depth
     * count pairs them.
     */
    int closingBracket(int open) {
        if (brackets == null) {
            brackets = pair(true);
        }
        return open >= 0 && open < brackets.length ? brackets[open] : NONE;
    }

    /** The index of the END that closes the CASE at {@code caseIndex}, or -1 when none does. */
    int caseEnd(int caseIndex) {
        if (caseEnds == null) {
            caseEnds = pair(false);
        }
        return caseIndex >= 0 && caseIndex < caseEnds.length ? caseEnds[caseIndex] : NONE;
    }

    /** How many tokens in {@code [start, end)} have {@code property}, judged in the whole list. */
    int count(TokenProperty property, TokenSpan whole, int start, int end) {
        if (counts == null) {
            counts = new IdentityHashMap<>(4);
        }
        int[] before = counts.computeIfAbsent(property, p -> runningCount(p, whole));
        return end > start ? before[end] - before[start] : 0;
    }

    private int[] runningCount(TokenProperty property, TokenSpan whole) {
        int[] before = new int[tokens.size() + 1];
        for (int i = 0; i < tokens.size(); i++) {
            before[i + 1] = before[i] + (property.holds(whole, i) ? 1 : 0);
        }
        return before;
    }

    /** A closer with nothing open is ignored; an opener never closed keeps -1. */
    private int[] pair(boolean bracketPairs) {
        int[] closer = new int[tokens.size()];
        Arrays.fill(closer, NONE);
        int[] open = new int[tokens.size()];
        int depth = 0;
        for (int i = 0; i < tokens.size(); i++) {
            SqlToken token = tokens.get(i);
            boolean opens = bracketPairs ? token.isSymbol("(") || token.isSymbol("[") : token.isWord("case");
            boolean closes = bracketPairs ? token.isSymbol(")") || token.isSymbol("]") : token.isWord("end");
            if (opens) {
                open[depth++] = i;
            } else if (closes && depth > 0) {
                closer[open[--depth]] = i;
            }
        }
        return closer;
    }
}
