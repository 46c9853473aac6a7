package dev.tracegate.policy.sql;

import java.util.Set;

/**
 * An upsert whose rows come from a query of its own target. Each row the query returns conflicts
 * with the row it was read from, so the conflict action rewrites it: {@code INSERT INTO orders
 * SELECT id, 'cancelled' FROM orders ON CONFLICT (id) DO UPDATE SET status = EXCLUDED.status}
 * (PostgreSQL), the same with {@code ON DUPLICATE KEY UPDATE}, and {@code REPLACE INTO orders
 * SELECT id, 'cancelled' FROM orders} (MySQL) are each an UPDATE of every row. Such a statement is
 * a bulk write unless the query's WHERE depends on the row it reads, as an UPDATE's would have to.
 */
final class UpsertFromItself {

    private static final Set<String> MYSQL_MODIFIERS = Set.of("low_priority", "delayed", "high_priority", "ignore");
    private static final Set<String> QUERY_STARTS = Set.of("select", "table", "with");
    /** Words that may follow a table in a FROM list and are no alias. */
    private static final Set<String> NOT_ALIASES = Set.of("where", "join", "inner", "left", "right", "full", "cross",
            "natural", "on", "using", "group", "having", "window", "order", "limit", "offset", "fetch", "for",
            "union", "intersect", "except", "straight_join", "partition", "tablesample", "lateral");
    private static final Set<String> AFTER_WHERE = Set.of(
            "group", "having", "window", "order", "limit", "offset", "fetch", "for", "union", "intersect", "except");

    private UpsertFromItself() {
    }

    /**
     * Whether {@code t}, an INSERT or REPLACE whose conflicting rows are changed ({@code
     * conflictAction} is where its ON CONFLICT or ON DUPLICATE KEY clause starts, or the end for
     * REPLACE), reads its source from its own target without a WHERE that depends on the row.
     */
    static boolean rewritesEveryRow(TokenSpan t, int conflictAction) {
        int i = 1;
        while (MYSQL_MODIFIERS.contains(t.word(i))) {
            i++;
        }
        if (t.isWord(i, "into")) {
            i++;
        }
        int end = t.skipQualifiedName(i);
        if (end == i) {
            return false;
        }
        String target = t.get(end - 1).text();
        int source = firstSourceToken(t, end, conflictAction);
        if (source < 0) {
            return false;
        }
        TokenSpan query = t.sub(source, conflictAction);
        int read = readOf(query, target);
        if (read < 0) {
            return false;
        }
        if (!query.isWord(0, "select")) {
            return true;
        }
        int where = query.findAtTopLevel(0, "where");
        if (where < 0) {
            return true;
        }
        int whereEnd = query.findAtTopLevel(where + 1, AFTER_WHERE);
        TokenSpan condition = query.sub(where + 1, whereEnd < 0 ? query.size() : whereEnd);
        ChangedTable rows = new ChangedTable(target, alias(query, read, target), joinsOthers(query, where), Set.of());
        ConditionScope scope = ConditionAnalyzer.analyze(condition, rows);
        return scope != ConditionScope.ROW_DEPENDENT && scope != ConditionScope.ALWAYS_FALSE;
    }

    /** Whether the query's FROM, before its WHERE, reads more than one table (a join or a comma). */
    private static boolean joinsOthers(TokenSpan query, int where) {
        int from = query.findAtTopLevel(0, "from");
        for (int i = Math.max(from, 0); i < where; i++) {
            if (query.isOpening(i)) {
                i = query.closing(i);
            } else if (query.isSymbol(i, ",") || query.isWord(i, "join") || query.isWord(i, "straight_join")) {
                return true;
            }
        }
        return false;
    }

    /** Whether the ON CONFLICT clause at {@code conflict} ends in DO UPDATE. */
    static boolean updatesOnConflict(TokenSpan insert, int conflict) {
        int action = insert.findAtTopLevel(conflict, "do");
        if (action < 0 || !insert.isWord(action + 1, "update")) {
            return false;
        }
        // DO UPDATE ... WHERE o.id = 5 updates only the conflicting rows its condition selects.
        int where = insert.findAtTopLevel(action, "where");
        if (where < 0) {
            return true;
        }
        int end = insert.findAtTopLevel(where + 1, "returning");
        int into = insert.isWord(1, "into") ? 2 : 1;
        int name = insert.skipQualifiedName(into);
        String qualifier = insert.isWord(name, "as") && insert.isIdentifier(name + 1) ? insert.get(name + 1).text()
                : insert.get(name - 1).text();
        ConditionScope scope = ConditionAnalyzer.analyze(insert.sub(where + 1, end < 0 ? insert.size() : end),
                new ChangedTable(insert.get(name - 1).text(), qualifier, false, Set.of()));
        return scope != ConditionScope.ROW_DEPENDENT && scope != ConditionScope.ALWAYS_FALSE;
    }

    /**
     * Whether a PostgreSQL {@code WITH ... INSERT ... ON CONFLICT DO UPDATE} ({@code with} is the WITH
     * clause, {@code insert} the statement after it) reads its target in the WITH clause, from which
     * its source may take every row: taken as one that does, whatever its source's WHERE says.
     */
    static boolean readsFromWith(TokenSpan with, TokenSpan insert, int conflict) {
        if (conflict < 0 || !updatesOnConflict(insert, conflict)) {
            return false;
        }
        int i = insert.isWord(1, "into") ? 2 : 1;
        int end = insert.skipQualifiedName(i);
        return end > i && readOf(with, insert.get(end - 1).text()) >= 0;
    }

    /** Where the source query starts after the target's alias, columns and options, or -1 for VALUES and others. */
    private static int firstSourceToken(TokenSpan t, int p, int limit) {
        for (int i = p; i < limit; i++) {
            if (QUERY_STARTS.contains(t.word(i)) || (t.isSymbol(i, "(") && QUERY_STARTS.contains(t.word(i + 1)))) {
                return t.isSymbol(i, "(") ? i + 1 : i;
            }
            if (t.isWord(i, "values") || t.isWord(i, "value") || t.isWord(i, "set") || t.isWord(i, "default")) {
                return -1;
            }
            if (t.isOpening(i)) {
                i = t.closing(i);
            }
        }
        return -1;
    }

    /** The index where {@code query} names {@code table} as a table (not a column's qualifier or a call), or -1. */
    private static int readOf(TokenSpan query, String table) {
        for (int i = 0; i < query.size(); i++) {
            if (query.isIdentifier(i) && query.get(i).text().equals(table) && !query.isSymbol(i + 1, ".")
                    && !query.isSymbol(i + 1, "(")) {
                return i;
            }
        }
        return -1;
    }

    /** The alias the table at {@code i} is read under, or its name. */
    private static String alias(TokenSpan query, int i, String table) {
        int a = query.isWord(i + 1, "as") ? i + 2 : i + 1;
        return query.isIdentifier(a) && !NOT_ALIASES.contains(query.word(a)) ? query.get(a).text() : table;
    }
}
