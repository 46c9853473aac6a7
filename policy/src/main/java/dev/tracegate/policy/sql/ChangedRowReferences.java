package dev.tracegate.policy.sql;

import java.util.Set;

/**
 * Which tokens of a WHERE or ON condition may read a column of the row being changed, counted
 * once over the condition so that any part of it is answered in O(1) however it nests.
 *
 * <p>Outside subqueries, a name counts when it is qualified with the changed table's qualifier
 * ({@code o.id}, {@code public.orders.id}), or unqualified while no other table is in scope.
 * Inside a subquery an unqualified name is first the subquery's own column, so only a name
 * qualified with the changed table's qualifier counts there, and only while no subquery of the
 * condition names a table or alias the same way (which would take the name over):
 * {@code WHERE EXISTS (SELECT 1 FROM orders WHERE orders.id > 0)} reads no row of the outer
 * {@code orders}. Where it is unsure, a name does not count, and a condition without a counted
 * name is one that may select every row. A SELECT that reads no table ({@code (SELECT id)}, {@code
 * (SELECT id WHERE id > 0)}) has no columns of its own: its names are the enclosing query's, read as
 * outside it, so {@code id = (SELECT id)} compares the row's {@code id} with itself.
 */
final class ChangedRowReferences {

    private static final Set<String> QUERY_STARTS = Set.of("select", "with", "values", "table");
    /** Words that may follow a table's name in a FROM and are no alias of it. */
    private static final Set<String> NOT_ALIASES = Set.of(
            "where", "join", "inner", "left", "right", "full", "cross", "natural", "on", "using", "group", "order",
            "limit", "offset", "fetch", "for", "union", "intersect", "except", "having", "window", "tablesample",
            "lateral", "straight_join", "partition", "force", "use", "ignore", "returning", "set", "when", "then",
            "else", "end", "and", "or", "not", "is", "in", "like", "between", "select", "from", "into", "values");
    /** What makes a SELECT read a table. */
    private static final Set<String> READING_TABLES = Set.of("from");

    /** {@code before[i]}: how many of the condition's first {@code i} tokens may read the changed row. */
    private final int[] before;

    private ChangedRowReferences(int[] before) {
        this.before = before;
    }

    /**
     * @param mayBeColumn whether a token, judged with its neighbours, may be a column at all
     */
    static ChangedRowReferences of(TokenSpan condition, ChangedTable table, TokenIndex.TokenProperty mayBeColumn) {
        int n = condition.size();
        boolean[] inSubquery = subqueryTokens(condition);
        boolean shadowed = false;
        for (int i = 0; i < n; i++) {
            shadowed |= inSubquery[i] && names(condition, i, table) && !condition.isSymbol(i + 1, ".")
                    && !aliased(condition, i);
        }
        int[] before = new int[n + 1];
        for (int i = 0; i < n; i++) {
            boolean reads;
            if (!condition.isIdentifier(i) || !mayBeColumn.holds(condition, i)) {
                reads = false;
            } else if (condition.isSymbol(i + 1, ".")) {
                reads = names(condition, i, table) && !(inSubquery[i] && shadowed);
            } else {
                reads = !condition.isSymbol(i - 1, ".") && !inSubquery[i] && !table.othersInScope();
            }
            before[i + 1] = before[i] + (reads ? 1 : 0);
        }
        return new ChangedRowReferences(before);
    }

    /** Whether any token in {@code [start, end)} of the condition may read the changed row. */
    boolean any(int start, int end) {
        int s = Math.max(0, Math.min(start, before.length - 1));
        int e = Math.max(s, Math.min(end, before.length - 1));
        return before[e] > before[s];
    }

    /**
     * Whether the table named at {@code i} is given an alias ({@code FROM orders p}, {@code FROM orders AS
     * p}), which hides its name in that query: {@code orders.id} there is still the outer row's.
     */
    private static boolean aliased(TokenSpan condition, int i) {
        return condition.isWord(i + 1, "as")
                || condition.isIdentifier(i + 1) && !NOT_ALIASES.contains(condition.word(i + 1));
    }

    private static boolean names(TokenSpan condition, int i, ChangedTable table) {
        return condition.isIdentifier(i) && condition.get(i).text().equals(table.qualifier());
    }

    /** Whether the bracketed query at {@code open} is a SELECT without FROM (in any of its branches). */
    private static boolean readsNoTable(TokenSpan condition, int open) {
        int close = condition.closing(open);
        return condition.isWord(open + 1, "select") && close < condition.size()
                && condition.sub(0, close).findAtTopLevel(open + 2, READING_TABLES) < 0;
    }

    /** The tokens inside a bracketed query opened within the condition ({@code EXISTS (SELECT ...)}). */
    private static boolean[] subqueryTokens(TokenSpan condition) {
        int n = condition.size();
        boolean[] inside = new boolean[n];
        boolean[] opensQuery = new boolean[n + 1];
        int open = 0;
        int queries = 0;
        for (int i = 0; i < n; i++) {
            inside[i] = queries > 0;
            if (condition.isOpening(i)) {
                boolean query = condition.isSymbol(i, "(") && QUERY_STARTS.contains(condition.word(i + 1))
                        && !readsNoTable(condition, i);
                opensQuery[open++] = query;
                queries += query ? 1 : 0;
            } else if (condition.isClosing(i) && open > 0) {
                queries -= opensQuery[--open] ? 1 : 0;
            }
        }
        return inside;
    }
}
