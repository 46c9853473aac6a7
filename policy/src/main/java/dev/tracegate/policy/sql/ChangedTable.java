package dev.tracegate.policy.sql;

import java.util.Set;

/**
 * The table an UPDATE, DELETE or MERGE changes, as its WHERE or ON condition can name it. A
 * condition limits the rows changed only through that table's own columns: one on another table
 * ({@code UPDATE orders SET ... FROM customers c WHERE c.id = 1}, {@code DELETE FROM orders USING
 * customers c WHERE c.id = 1}, a MERGE's source) or on a subquery's own tables ({@code WHERE
 * EXISTS (SELECT 1 FROM pg_class)}) is the same for every changed row, so it changes all of them
 * or none.
 *
 * @param qualifier     what the table's columns may be prefixed with: its alias, or its name when it
 *                      has none; null when the statement's head is not understood, and then no
 *                      qualified name counts as the table's
 * @param othersInScope whether other tables are visible to the condition itself (FROM, USING, a
 *                      MERGE source): an unqualified column may then be theirs, and does not count
 */
record ChangedTable(String qualifier, boolean othersInScope) {

    /** Words that end a PostgreSQL target before any alias. */
    private static final Set<String> POSTGRES_HEAD_ENDS = Set.of("set", "using", "where", "returning", "on");
    /** Words that end a MySQL single-table target before any alias. */
    private static final Set<String> MYSQL_HEAD_ENDS = Set.of("set", "where", "partition", "order", "limit", "returning");
    private static final Set<String> MYSQL_MODIFIERS = Set.of("low_priority", "quick", "ignore");

    private static final ChangedTable UNREAD = new ChangedTable(null, true);

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
        boolean others = switch (verb) {
            case "update" -> {
                int set = t.findAtTopLevel(end, "set");
                int from = set < 0 ? -1 : t.findAtTopLevel(set, "from");
                yield from >= 0 && from < limit;
            }
            case "delete" -> {
                int using = t.findAtTopLevel(end, "using");
                yield using >= 0 && using < limit;
            }
            default -> true;
        };
        return new ChangedTable(qualifier, others);
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
        return new ChangedTable(alias(t, end, MYSQL_HEAD_ENDS, t.get(end - 1).text()), false);
    }

    /** The alias at {@code p} ({@code [AS] alias}), or {@code name} when there is none. */
    private static String alias(TokenSpan t, int p, Set<String> headEnds, String name) {
        int a = t.isWord(p, "as") ? p + 1 : p;
        return t.isIdentifier(a) && !headEnds.contains(t.word(a)) ? t.get(a).text() : name;
    }
}
