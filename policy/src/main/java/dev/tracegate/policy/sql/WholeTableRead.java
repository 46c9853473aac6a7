package dev.tracegate.policy.sql;

import java.util.Set;

/**
 * A query that lists something of every row of one table: {@code SELECT [ALL | DISTINCT [ON (...)]]
 * item FROM [ONLY] table [*] [[AS] alias]}, the table also as a derived table that is such a query
 * itself ({@code FROM (SELECT id FROM t WHERE 1 = 1) z}), followed by nothing that drops a row: a {@code WHERE} that
 * may hold for every row (constant, a tautology, or one the analysis cannot read), {@code GROUP BY},
 * {@code WINDOW}, {@code ORDER BY}, locking ({@code FOR UPDATE ...}), a sample of all of it ({@code
 * TABLESAMPLE SYSTEM (100)}), and {@code LIMIT}, {@code OFFSET} or {@code FETCH}, which bound the
 * rows as MySQL's {@code DELETE ... LIMIT} does and so, like it, do not make a write selective, and
 * a {@code HAVING} that holds for every group (one that is true, or constant and calls nothing:
 * {@code HAVING true}, {@code HAVING 1 = 1}). A {@code HAVING} on the groups ({@code HAVING count(*)
 * > 1}), a join or a second table in the FROM does not read as such a query.
 *
 * <p>So {@code DELETE FROM orders WHERE id IN (SELECT DISTINCT id FROM orders ORDER BY id)} deletes
 * every row, as {@code id IN (SELECT id FROM orders)} does.
 *
 * @param itemStart where the listed item starts in the query
 * @param itemEnd   where it ends (the FROM)
 * @param table     the table read (its last name part)
 * @param alias     what its columns may be qualified with: its alias, or its name
 */
record WholeTableRead(int itemStart, int itemEnd, String table, String alias) {

    /** Clauses that may follow the table without dropping any of its rows. */
    private static final Set<String> CLAUSES = Set.of("where", "group", "having", "window", "order", "limit", "offset", "fetch", "for");
    private static final Set<String> WHERE_ENDS = Set.of("group", "having", "window", "order", "limit", "offset", "fetch", "for");
    private static final Set<String> DROPPING_ROWS = Set.of("join", "union", "intersect", "except");
    private static final Set<String> HAVING_ENDS = Set.of("window", "order", "limit", "offset", "fetch", "for");

    /** The read, or null when {@code query} is no such query. */
    static WholeTableRead of(TokenSpan query) {
        if (!query.isWord(0, "select")) {
            return null;
        }
        int item = itemStart(query);
        int from = query.findAtTopLevel(item, "from");
        if (from < 0 || item < 0) {
            return null;
        }
        int tableStart = query.isWord(from + 1, "only") ? from + 2 : from + 1;
        int tableEnd = query.skipQualifiedName(tableStart);
        String table;
        if (query.isSymbol(from + 1, "(")) {
            // A derived table that reads every row of one (MySQL's way past "can't specify target table").
            tableEnd = query.closing(from + 1) + 1;
            WholeTableRead derived = tableEnd > query.size() ? null : of(query.sub(from + 2, tableEnd - 1));
            if (derived == null) {
                return null;
            }
            table = derived.table();
        } else if (tableEnd == tableStart) {
            return null;
        } else {
            table = query.get(tableEnd - 1).text();
        }
        int p = query.isSymbol(tableEnd, "*") ? tableEnd + 1 : tableEnd;
        int aliasAt = query.isWord(p, "as") ? p + 1 : p;
        boolean aliased = query.isIdentifier(aliasAt) && !CLAUSES.contains(query.word(aliasAt))
                && !query.isWord(aliasAt, "tablesample") && !DROPPING_ROWS.contains(query.word(aliasAt));
        String alias = aliased ? query.get(aliasAt).text() : table;
        int rest = aliased ? aliasAt + 1 : p;
        rest = afterFullSample(query, rest);
        return rest >= 0 && keepsEveryRow(query, rest, alias) ? new WholeTableRead(item, from, table, alias) : null;
    }

    /** Where the listed item starts: after {@code ALL}, {@code DISTINCT} or {@code DISTINCT ON (...)}; -1 if unread. */
    private static int itemStart(TokenSpan query) {
        if (query.isWord(1, "all")) {
            return 2;
        }
        if (!query.isWord(1, "distinct")) {
            return 1;
        }
        if (!query.isWord(2, "on")) {
            return 2;
        }
        if (!query.isSymbol(3, "(")) {
            return -1;
        }
        int close = query.closing(3);
        return close >= query.size() ? -1 : close + 1;
    }

    /** Past {@code TABLESAMPLE SYSTEM (100)} or {@code BERNOULLI (100)}, or {@code at} when there is none; -1 for a fraction. */
    private static int afterFullSample(TokenSpan query, int at) {
        if (!query.isWord(at, "tablesample")) {
            return at;
        }
        boolean whole = (query.isWord(at + 1, "system") || query.isWord(at + 1, "bernoulli")) && query.isSymbol(at + 2, "(")
                && query.get(at + 3).kind() == SqlToken.Kind.NUMBER && query.get(at + 3).text().equals("100")
                && query.isSymbol(at + 4, ")");
        return whole ? at + 5 : -1;
    }

    /** Whether the query from {@code at} on is only clauses that keep every row of the table read under {@code alias}. */
    private static boolean keepsEveryRow(TokenSpan query, int at, String alias) {
        if (at == query.size()) {
            return true;
        }
        if (!CLAUSES.contains(query.word(at)) || query.findAtTopLevel(at, DROPPING_ROWS) >= 0) {
            return false;
        }
        int having = query.findAtTopLevel(at, "having");
        if (having >= 0 && !keepsEveryGroup(query, having, alias)) {
            return false;
        }
        if (!query.isWord(at, "where")) {
            return true;
        }
        int end = query.findAtTopLevel(at + 1, WHERE_ENDS);
        TokenSpan condition = query.sub(at + 1, end < 0 ? query.size() : end);
        // Only a condition that tells the table's rows apart drops some: one the analysis cannot read may not.
        ConditionScope scope = ConditionAnalyzer.analyze(condition, new ChangedTable(alias, false));
        return scope != ConditionScope.ROW_DEPENDENT && scope != ConditionScope.ALWAYS_FALSE;
    }

    /**
     * Whether the HAVING at {@code having} holds for every group: true, or constant and calling nothing
     * (an aggregate is a call, {@code count(*) > 1}, and reads the groups, which the analysis does not).
     */
    private static boolean keepsEveryGroup(TokenSpan query, int having, String alias) {
        int end = query.findAtTopLevel(having + 1, HAVING_ENDS);
        TokenSpan condition = query.sub(having + 1, end < 0 ? query.size() : end);
        ConditionScope scope = ConditionAnalyzer.analyze(condition, new ChangedTable(alias, false));
        boolean calls = false;
        for (int i = 0; i < condition.size() && !calls; i++) {
            calls = condition.isOpening(i);
        }
        return scope == ConditionScope.ALWAYS_TRUE || scope == ConditionScope.ROW_INDEPENDENT && !calls;
    }
}
