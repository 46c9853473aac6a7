package dev.tracegate.policy.sql;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Finds table names in a token stream, for statements JSqlParser cannot parse: the dotted names
 * after FROM, JOIN, INTO, UPDATE, TABLE, TRUNCATE, COPY, LOCK, USING and ON (when ON is not a join
 * condition), including comma lists. It is a best effort for reporting; classification never
 * depends on it.
 */
final class TableNameCollector {

    private static final Set<String> INTRODUCERS = Set.of(
            "from", "join", "into", "update", "table", "truncate", "copy", "lock", "using", "on", "view");
    private static final Set<String> FUNCTION_CONTEXTS = Set.of("from", "join", "using", "on", "lateral");
    private static final Set<String> SKIPPED = Set.of("only", "lateral", "if", "not", "exists", "table", "materialized");
    private static final Set<String> NOT_NAMES = Set.of(
            "select", "values", "with", "conflict", "commit", "delete", "update", "insert", "truncate", "schema",
            "function", "sequence", "database", "all", "set", "stdin", "stdout", "program", "nothing", "each",
            "row", "statement", "instead", "also", "default", "tables", "functions", "sequences", "current");

    private static final Set<String> QUERY_STARTS = Set.of("select", "with", "values", "table");
    /** What names the tables a query reads. */
    private static final Set<String> QUERY_INTRODUCERS = Set.of("from", "join", "table");

    private TableNameCollector() {
    }

    static Set<String> collect(TokenSpan t) {
        return collect(t, false);
    }

    /**
     * The tables read by the queries in brackets ({@code (SELECT ... FROM t)}, {@code (TABLE t)}),
     * wherever the brackets stand: the names a parser's walk may miss inside a special form such as
     * {@code substring((SELECT ...) FROM 1)}, and nothing else (no ON, OF or CTE-less guesses).
     */
    static Set<String> collectInBracketedQueries(TokenSpan t) {
        return collect(t, true);
    }

    private static Set<String> collect(TokenSpan t, boolean onlyInBracketedQueries) {
        Set<String> names = new LinkedHashSet<>();
        Deque<Boolean> insideCall = new ArrayDeque<>();
        Deque<Boolean> queryBrackets = new ArrayDeque<>();
        int queryDepth = 0;
        for (int i = 0; i < t.size(); i++) {
            if (t.isSymbol(i, "(")) {
                // A query in brackets is no call, whatever precedes it: COPY (SELECT ...), IN (SELECT ...).
                boolean query = QUERY_STARTS.contains(t.word(i + 1));
                insideCall.push(t.isIdentifier(i - 1) && !query);
                queryBrackets.push(query);
                queryDepth += query ? 1 : 0;
                continue;
            }
            if (t.isSymbol(i, ")")) {
                insideCall.poll();
                queryDepth -= Boolean.TRUE.equals(queryBrackets.poll()) ? 1 : 0;
                continue;
            }
            // FROM inside extract(year FROM x) or substring(s FROM 2) names no table.
            boolean inCall = Boolean.TRUE.equals(insideCall.peek());
            if (inCall || !INTRODUCERS.contains(t.word(i))
                    || onlyInBracketedQueries && (queryDepth == 0 || !QUERY_INTRODUCERS.contains(t.word(i)))) {
                continue;
            }
            int p = i + 1;
            while (SKIPPED.contains(t.word(p))) {
                p++;
            }
            while (p < t.size()) {
                int end = t.skipQualifiedName(p);
                // After FROM or JOIN a name followed by "(" is a function; after INTO or COPY, a column list.
                boolean call = t.isSymbol(end, "(") && FUNCTION_CONTEXTS.contains(t.word(i));
                if (end == p || NOT_NAMES.contains(t.word(p)) || call
                        || (t.word(i).equals("on") && end < t.size() && t.get(end).kind() == SqlToken.Kind.OPERATOR)) {
                    break;
                }
                names.add(t.nameText(p, end));
                p = end;
                if (t.isWord(p, "as")) {
                    p++;
                }
                if (t.isIdentifier(p) && !INTRODUCERS.contains(t.word(p)) && !t.isSymbol(p + 1, ".")
                        && (t.get(p).kind() == SqlToken.Kind.QUOTED_IDENTIFIER || !ALIAS_STOPPERS.contains(t.word(p)))) {
                    p++;
                }
                if (!t.isSymbol(p, ",")) {
                    break;
                }
                p++;
            }
            // The names just read are not read again from a word among them that also introduces
            // names (FROM on, on, on, ...): that would take quadratic time.
            i = Math.max(i, p - 1);
        }
        return names;
    }

    private static final Set<String> ALIAS_STOPPERS = Set.of(
            "where", "set", "join", "inner", "left", "right", "full", "cross", "natural", "on", "using", "group",
            "order", "having", "limit", "offset", "returning", "for", "union", "except", "intersect", "window",
            "fetch", "to", "from", "in", "cascade", "restrict", "restart", "continue", "owner", "rename", "add",
            "alter", "drop", "when", "values", "default", "select", "tablesample", "nowait", "do", "with");
}
