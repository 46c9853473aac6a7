package dev.tracegate.policy.sql;

import java.util.HashSet;
import java.util.Set;

/**
 * The table an UPDATE, DELETE or MERGE changes, as its WHERE or ON condition can name it. A
 * condition limits the rows changed only through that table's own columns: one on another table
 * ({@code UPDATE orders SET ... FROM customers c WHERE c.id = 1}, {@code DELETE FROM orders USING
 * customers c WHERE c.id = 1}, a MERGE's source) or on a subquery's own tables ({@code WHERE
 * EXISTS (SELECT 1 FROM pg_class)}) is the same for every changed row, so it changes all of them
 * or none.
 *
 * @param name          the table's name (its last part), null when not understood
 * @param qualifier     what the table's columns may be prefixed with: its alias, or its name when it
 *                      has none; null when the statement's head is not understood, and then no
 *                      qualified name counts as the table's
 * @param othersInScope whether other tables are visible to the condition itself (FROM, USING, a
 *                      MERGE source): an unqualified column may then be theirs, and does not count
 * @param copies        the aliases under which FROM, USING or a MERGE source reads the changed
 *                      table itself again. A copy's columns do not limit the changed rows (it is
 *                      another table in scope), but a column compared with the same column of a
 *                      copy is compared with itself: {@code DELETE FROM orders o USING orders p
 *                      WHERE o.id = p.id} deletes every row, as {@code o.id = o.id} does
 */
record ChangedTable(String name, String qualifier, boolean othersInScope, Set<String> copies) {

    /** A table read under {@code qualifier}, its name when it has no alias. */
    ChangedTable(String qualifier, boolean othersInScope) {
        this(qualifier, qualifier, othersInScope, Set.of());
    }

    /** Whether {@code name} qualifies the changed table's columns, or a copy's: for telling operands alike. */
    boolean qualifies(String name) {
        return name.equals(qualifier) || copies.contains(name);
    }

    /** Words that end a PostgreSQL target before any alias. */
    private static final Set<String> POSTGRES_HEAD_ENDS = Set.of("set", "using", "where", "returning", "on");
    /** Words that end a MySQL single-table target before any alias. */
    private static final Set<String> MYSQL_HEAD_ENDS = Set.of("set", "where", "partition", "order", "limit", "returning");
    private static final Set<String> MYSQL_MODIFIERS = Set.of("low_priority", "quick", "ignore");

    private static final ChangedTable UNREAD = new ChangedTable(null, true);
    /** Words that may follow a table in a FROM or USING list, or a MERGE source, and are no alias. */
    private static final Set<String> NOT_ALIASES = Set.of("where", "join", "inner", "left", "right", "full", "cross",
            "natural", "on", "using", "when", "returning", "tablesample", "lateral");

    /**
     * {@code UPDATE [ONLY] name [*] [[AS] alias] SET ... [FROM ...]}, {@code DELETE FROM [ONLY]
     * name [*] [[AS] alias] [USING ...]} or {@code MERGE INTO [ONLY] name [*] [[AS] alias] USING ...}.
     */
    static ChangedTable postgres(TokenSpan t) {
        String verb = t.word(0);
        int i = switch (verb) {
            case "update" -> 1;
            case "delete" -> t.isWord(1, "from") ? 2 : -1;
            case "merge" -> t.isWord(1, "into") ? 2 : -1;
            default -> -1;
        };
        if (i < 0) {
            return UNREAD;
        }
        if (t.isWord(i, "only")) {
            i++;
        }
        int end = t.skipQualifiedName(i);
        if (end == i) {
            return UNREAD;
        }
        if (t.isSymbol(end, "*")) {
            end++;
        }
        String qualifier = alias(t, end, POSTGRES_HEAD_ENDS, t.get(t.isSymbol(end - 1, "*") ? end - 2 : end - 1).text());
        int where = t.findAtTopLevel(end, "where");
        int limit = where < 0 ? t.size() : where;
        int sources = switch (verb) {
            case "update" -> {
                int set = t.findAtTopLevel(end, "set");
                yield set < 0 ? -1 : t.findAtTopLevel(set, "from");
            }
            default -> t.findAtTopLevel(end, "using");
        };
        if (verb.equals("merge")) {
            limit = sources < 0 ? -1 : t.findAtTopLevel(sources, "on");
        }
        String name = t.get(t.isSymbol(end - 1, "*") ? end - 2 : end - 1).text();
        if (sources < 0 || sources >= limit) {
            return new ChangedTable(name, qualifier, verb.equals("merge"), Set.of());
        }
        return new ChangedTable(name, qualifier, true, copies(t.sub(sources + 1, limit), name));
    }

    /**
     * Whether {@code query} is a SELECT of the table {@code name} without a WHERE ({@code (SELECT * FROM
     * orders) s}), or one that reads its every row however it is dressed ({@link WholeTableRead}: {@code
     * (SELECT id FROM orders WHERE true) s}), {@code TABLE orders}, or a WITH query that names the table
     * anywhere ({@code (WITH q AS (SELECT * FROM orders) SELECT * FROM q) s}), whose WITH is not followed.
     */
    static boolean readsWhole(TokenSpan query, String name) {
        WholeTableRead read = WholeTableRead.of(query);
        if (read != null && read.table().equals(name)) {
            return true;
        }
        if (query.isWord(0, "table")) {
            // (TABLE orders) s: the table itself.
            int start = query.isWord(1, "only") ? 2 : 1;
            int end = query.skipQualifiedName(start);
            return end > start && end == query.size() && query.get(end - 1).text().equals(name);
        }
        boolean with = query.isWord(0, "with");
        if (!with && (!query.isWord(0, "select") || query.findAtTopLevel(0, "where") >= 0)) {
            return false;
        }
        // A WITH is not followed: naming the table anywhere in it counts as reading all of it.
        for (int i = 0; i < query.size(); i++) {
            if (query.isIdentifier(i) && query.get(i).text().equals(name) && !query.isSymbol(i + 1, ".")
                    && !query.isSymbol(i + 1, "(")) {
                return true;
            }
        }
        return false;
    }

    /** The aliases under which {@code sources} (a FROM or USING list, a MERGE source) reads the table {@code name}. */
    private static Set<String> copies(TokenSpan sources, String name) {
        Set<String> aliases = new HashSet<>();
        for (int i = 0; i < sources.size(); i++) {
            if (sources.isOpening(i)) {
                int close = sources.closing(i);
                if (readsWhole(sources.sub(i + 1, close), name)) {
                    int a = sources.isWord(close + 1, "as") ? close + 2 : close + 1;
                    if (sources.isIdentifier(a)) {
                        aliases.add(sources.get(a).text());
                    }
                }
                i = close;
            } else if (sources.isIdentifier(i) && sources.get(i).text().equals(name) && !sources.isSymbol(i + 1, ".")
                    && !sources.isSymbol(i + 1, "(")) {
                int a = sources.isWord(i + 1, "as") ? i + 2 : i + 1;
                aliases.add(sources.isIdentifier(a) && !NOT_ALIASES.contains(sources.word(a)) ? sources.get(a).text()
                        : name);
            }
        }
        return aliases;
    }

    /**
     * A single-table {@code UPDATE [LOW_PRIORITY] [IGNORE] name [[AS] alias] SET} or {@code DELETE
     * [LOW_PRIORITY] [QUICK] [IGNORE] FROM name [[AS] alias]} (multi-table forms are judged before).
     */
    static ChangedTable mysqlSingleTable(TokenSpan t) {
        int i = 1;
        while (MYSQL_MODIFIERS.contains(t.word(i))) {
            i++;
        }
        if (t.isWord(0, "delete")) {
            if (!t.isWord(i, "from")) {
                return UNREAD;
            }
            i++;
        }
        int end = t.skipQualifiedName(i);
        if (end == i) {
            return UNREAD;
        }
        String name = t.get(end - 1).text();
        return new ChangedTable(name, alias(t, end, MYSQL_HEAD_ENDS, name), false, Set.of());
    }

    /** The alias at {@code p} ({@code [AS] alias}), or {@code name} when there is none. */
    private static String alias(TokenSpan t, int p, Set<String> headEnds, String name) {
        int a = t.isWord(p, "as") ? p + 1 : p;
        return t.isIdentifier(a) && !headEnds.contains(t.word(a)) ? t.get(a).text() : name;
    }
}
