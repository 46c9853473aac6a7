package dev.tracegate.policy.sql;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where the values written into a statement go: which column each literal and each positional
 * parameter ({@code $n}) is stored in or compared with. The recorder asks so that a value bound
 * for a protected column is masked whole, even when it has no shape a detector knows (a name, a
 * date of birth).
 *
 * <p>Followed: INSERT column lists (each element of each VALUES row, and each item of an
 * {@code INSERT ... SELECT} list, by position), UPDATE and {@code ON CONFLICT ... DO UPDATE} and
 * MERGE {@code SET col = ...} (also {@code (a, b) = (...)}), MERGE's {@code INSERT (cols) VALUES},
 * and comparisons of a column with values: {@code =}, {@code <>}, {@code <}, {@code LIKE},
 * {@code ILIKE}, {@code SIMILAR TO}, regular-expression operators, {@code IN (...)},
 * {@code BETWEEN}, {@code IS DISTINCT FROM}, {@code = ANY (...)}, either way round, with casts and
 * one function around the column ({@code lower(email) = '...'}). A column's table is the one its
 * qualifier names (aliases resolved); an unqualified column may belong to any table of the
 * statement, so every one is a candidate. An INSERT without a column list sends its values to
 * columns the text does not name: they get an {@link Target.Kind#UNLISTED_COLUMN} target. The
 * literal after {@code PASSWORD} (roles, user mappings) is a {@link Target.Kind#CREDENTIAL}.
 *
 * <p>Works on the project's own tokens, statement by statement; comments are skipped. It is a
 * best effort that errs towards more targets: a string it cannot place is taken as bound for any
 * column the statement names, in any table it names (a derived table, a function, an operator, a
 * row or a subquery can carry it to one); a number it cannot place is left to the content
 * detectors, never to the clear.
 */
public final class LiteralTargets {

    /**
     * Where one value goes. {@code schema} and {@code table} are as written ({@code null} when the
     * text does not say); {@code column} is {@code null} for UNLISTED_COLUMN and CREDENTIAL.
     */
    public record Target(Kind kind, String schema, String table, String column) {

        /** What a value is written into. */
        public enum Kind { COLUMN, UNLISTED_COLUMN, CREDENTIAL }

        static Target column(TableName table, String column) {
            return new Target(Kind.COLUMN, table == null ? null : table.schema(), table == null ? null : table.table(), column);
        }
    }

    /** A table as a statement names it. */
    record TableName(String schema, String table) {
    }

    private static final Set<String> COMPARISON_OPERATORS = Set.of(
            "=", "<>", "!=", "<", ">", "<=", ">=", "~~", "~~*", "!~~", "!~~*", "~", "~*", "!~", "!~*");
    /** Words that end an operand or a list element at its own level. */
    private static final Set<String> OPERAND_ENDS = Set.of(
            "and", "or", "then", "when", "else", "end", "from", "where", "group", "order", "having", "limit", "offset",
            "returning", "union", "intersect", "except", "window", "on", "using", "join", "inner", "left", "right",
            "full", "cross", "natural", "fetch", "for", "into", "set", "values", "select", "is", "not", "do");
    private static final Set<String> SELECT_LIST_ENDS = Set.of(
            "from", "where", "group", "having", "window", "order", "limit", "offset", "fetch", "for", "union",
            "intersect", "except", "returning", "on", "into");
    private static final Set<String> TABLE_INTRODUCERS = Set.of("from", "join", "update", "into", "using");
    private static final Set<String> NOT_TABLES = Set.of(
            "select", "values", "with", "only", "lateral", "set", "default", "stdin", "stdout", "conflict", "on", "of",
            "nowait", "skip");
    private static final Set<String> SET_ITEM_ENDS = Set.of("from", "where", "returning", "when", "on");
    private static final Set<String> SET_OPERATIONS = Set.of("union", "intersect", "except");
    private static final Set<String> CONSTANTS = Set.of("null", "true", "false", "current_date", "current_timestamp",
            "current_user", "session_user", "localtime", "localtimestamp", "default");
    /** Work per token beyond which the analysis stops: nesting such as {@code a = (a = (a = ...))} must stay cheap. */
    private static final int WORK_PER_TOKEN = 32;
    private static final Set<String> NOT_ALIASES = Set.of(
            "where", "set", "join", "inner", "left", "right", "full", "cross", "natural", "on", "using", "group",
            "order", "having", "limit", "offset", "returning", "for", "union", "except", "intersect", "window",
            "fetch", "values", "default", "select", "overriding", "tablesample", "when", "do", "as");
    private static final Set<String> SUBQUERY_STARTS = Set.of("select", "with", "values", "table");

    /** A statement whose values go nowhere known. */
    public static final LiteralTargets NONE = new LiteralTargets(Map.of(), Map.of(), true);

    private final Map<Integer, List<Target>> byToken;
    private final Map<Integer, List<Target>> byParameter;
    private final boolean complete;

    private LiteralTargets(Map<Integer, List<Target>> byToken, Map<Integer, List<Target>> byParameter, boolean complete) {
        this.byToken = byToken;
        this.byParameter = byParameter;
        this.complete = complete;
    }

    /** Analyses a whole text's tokens (as {@link SqlLexer#lex} gives them, comments included). */
    public static LiteralTargets of(List<SqlToken> tokens) {
        List<SqlToken> code = new ArrayList<>(tokens.size());
        List<Integer> positions = new ArrayList<>(tokens.size());
        for (int i = 0; i < tokens.size(); i++) {
            if (tokens.get(i).kind() != SqlToken.Kind.COMMENT) {
                code.add(tokens.get(i));
                positions.add(i);
            }
        }
        Analysis analysis = new Analysis(new TokenSpan(code), positions);
        int start = 0;
        try {
            for (int i = 0; i <= code.size(); i++) {
                if (i == code.size() || code.get(i).kind() == SqlToken.Kind.SEMICOLON) {
                    if (i > start) {
                        analysis.statement(start, i);
                    }
                    start = i + 1;
                }
            }
        } catch (WorkLimitReached e) {
            return new LiteralTargets(analysis.byToken, analysis.byParameter, false);
        }
        return new LiteralTargets(analysis.byToken, analysis.byParameter, true);
    }

    /**
     * Whether every statement was analysed. When not (text nested so deeply that following it would
     * cost too much), the targets found are kept but others may be missing: a recorder should then
     * treat every value as bound for a column it cannot name.
     */
    public boolean complete() {
        return complete;
    }

    /** The targets of the literal at {@code index} of the analysed tokens; empty when it goes nowhere known. */
    public List<Target> forToken(int index) {
        return byToken.getOrDefault(index, List.of());
    }

    /** The targets of parameter {@code $number}, from every place the statement uses it. */
    public List<Target> forParameter(int number) {
        return byParameter.getOrDefault(number, List.of());
    }

    /** Thrown when the analysis has done all the work its text's length allows. */
    private static final class WorkLimitReached extends RuntimeException {
        WorkLimitReached() {
            super(null, null, false, false);
        }
    }

    /** One pass over one text's statements; fills the two maps. */
    private static final class Analysis {

        private final TokenSpan t;
        private final List<Integer> positions;
        private final boolean[] inCall;
        private final long workLimit;
        private long work;
        private final Map<Integer, List<Target>> byToken = new HashMap<>();
        private final Map<Integer, List<Target>> byParameter = new HashMap<>();
        private Map<String, TableName> names;
        private List<TableName> tables;
        private TableName dmlTable;
        private int end;
        /** The {@code =} of SET items already followed: they assign, they do not compare. */
        private final Set<Integer> assignments = new HashSet<>();

        Analysis(TokenSpan t, List<Integer> positions) {
            this.t = t;
            this.positions = positions;
            this.inCall = callArguments(t);
            this.workLimit = (long) WORK_PER_TOKEN * t.size() + 10_000;
        }

        /** Which tokens are inside a function call's brackets: FROM in {@code extract(year FROM x)} names no table. */
        private static boolean[] callArguments(TokenSpan t) {
            boolean[] inside = new boolean[t.size()];
            ArrayDeque<Boolean> open = new ArrayDeque<>();
            for (int i = 0; i < t.size(); i++) {
                if (t.isSymbol(i, "(")) {
                    open.push(t.isIdentifier(i - 1) && !SUBQUERY_STARTS.contains(t.word(i - 1)) && !t.isWord(i - 1, "in"));
                } else if (t.isSymbol(i, ")")) {
                    open.poll();
                }
                inside[i] = Boolean.TRUE.equals(open.peek());
            }
            return inside;
        }

        private void spend(long amount) {
            work += amount;
            if (work > workLimit) {
                throw new WorkLimitReached();
            }
        }

        void statement(int from, int to) {
            end = to;
            names = new LinkedHashMap<>();
            tables = new ArrayList<>();
            dmlTable = null;
            collectTables(from);
            for (int i = from; i < to; i++) {
                String word = t.word(i);
                if (word.equals("insert")) {
                    insert(i);
                } else if ((word.equals("update") || word.equals("merge")) && !t.isWord(i + 1, "set")) {
                    updateTarget(i);
                } else if (word.equals("set") && t.isWord(i - 1, "update") && dmlTable != null) {
                    setList(i + 1, dmlTable);
                } else if (word.equals("password") && isLiteral(i + 1)) {
                    add(i + 1, new Target(Target.Kind.CREDENTIAL, null, null, null));
                } else {
                    comparison(i);
                }
            }
            unplacedStrings(from, to);
        }

        /**
         * A string the rules above cannot place may still reach a column they do not follow:
         * through a derived table or WITH query ({@code UPDATE customers SET name = v.n FROM
         * (VALUES ('Ada Lovelace')) v(n)}), a function ({@code strpos(name, 'Ada')}), an operator
         * ({@code name ^@ 'Ada'}), a row ({@code (id, name) = (1, 'Ada')}) or a subquery
         * ({@code name IN (SELECT 'Ada')}). It is taken as bound for any column the statement
         * names, in any table it names, so a recorder masks it whole when one of them is
         * protected; in a write, which can fill columns its text never names, it is also bound for
         * an unlisted column, and so is a parameter no rule places. Numbers are left alone
         * ({@code LIMIT 10} is no person's data).
         */
        private void unplacedStrings(int from, int to) {
            List<Target> candidates = null;
            for (int i = from; i < to; i++) {
                SqlToken token = t.get(i);
                if (token.kind() == SqlToken.Kind.PARAMETER && dmlTable != null) {
                    int number = parameterNumber(token.text());
                    if (number > 0 && !byParameter.containsKey(number)) {
                        addTo(byParameter, number, unlisted(dmlTable));
                    }
                    continue;
                }
                if (!token.isStringLiteral() || byToken.containsKey(positions.get(i))) {
                    continue;
                }
                if (candidates == null) {
                    candidates = candidateColumns(from, to);
                }
                if (!candidates.isEmpty()) {
                    byToken.put(positions.get(i), candidates);
                }
                spend(1);
            }
        }

        private static Target unlisted(TableName table) {
            return new Target(Target.Kind.UNLISTED_COLUMN, table.schema(), table.table(), null);
        }

        /** Every identifier of the statement that is not a function's name, as a column of every table it names. */
        private List<Target> candidateColumns(int from, int to) {
            Set<Target> candidates = new LinkedHashSet<>();
            for (int i = from; i < to && !tables.isEmpty(); i++) {
                if (t.isIdentifier(i) && !t.isSymbol(i + 1, "(")) {
                    spend(tables.size());
                    for (TableName table : tables) {
                        candidates.add(Target.column(table, t.get(i).text()));
                    }
                }
            }
            if (dmlTable != null) {
                // A write can take a string to a column no word of its text names: a row built from
                // it (json_populate_record(null::customers, '{"name": ...}')) fills every column.
                candidates.add(unlisted(dmlTable));
            }
            return List.copyOf(candidates);
        }

        // ---- tables and aliases

        private void collectTables(int from) {
            for (int i = from; i < end; i++) {
                if (!TABLE_INTRODUCERS.contains(t.word(i)) || inCall[i]) {
                    continue;
                }
                int p = i + 1;
                while (p < end) {
                    while (t.isWord(p, "only") || t.isWord(p, "lateral")) {
                        p++;
                    }
                    int nameEnd = t.skipQualifiedName(p);
                    if (nameEnd == p || NOT_TABLES.contains(t.word(p)) || t.isSymbol(nameEnd, "(") && !t.word(i).equals("into")) {
                        break;
                    }
                    TableName table = tableName(p, nameEnd);
                    tables.add(table);
                    names.putIfAbsent(table.table(), table);
                    p = t.isSymbol(nameEnd, "*") ? nameEnd + 1 : nameEnd;
                    p = t.isWord(p, "as") ? p + 1 : p;
                    if (t.isIdentifier(p) && !NOT_ALIASES.contains(t.word(p)) && !t.isSymbol(p + 1, ".")) {
                        names.put(t.get(p).text(), table);
                        p++;
                    }
                    if (!t.word(i).equals("from") || !t.isSymbol(p, ",")) {
                        break;
                    }
                    p++;
                }
            }
        }

        private TableName tableName(int start, int stop) {
            List<String> parts = new ArrayList<>();
            for (int p = start; p < stop; p += 2) {
                parts.add(t.get(p).text());
            }
            String table = parts.getLast();
            String schema = parts.size() >= 2 ? parts.get(parts.size() - 2) : null;
            return new TableName(schema, table);
        }

        // ---- INSERT

        private void insert(int at) {
            int p = at + 1;
            TableName table;
            if (t.isWord(p, "into")) {
                int nameEnd = t.skipQualifiedName(p + 1);
                if (nameEnd == p + 1) {
                    return;
                }
                table = tableName(p + 1, nameEnd);
                p = nameEnd;
                if (t.isWord(p, "as")) {
                    p += 2;
                }
                dmlTable = table;
            } else if (dmlTable != null) {
                table = dmlTable; // MERGE ... WHEN NOT MATCHED THEN INSERT (cols) VALUES (...)
            } else {
                return;
            }
            List<String> columns = null;
            if (t.isSymbol(p, "(") && !SUBQUERY_STARTS.contains(t.word(p + 1))) {
                int close = closing(p);
                columns = columnList(p, close);
                p = close + 1;
            }
            if (t.isWord(p, "overriding")) {
                p += 3;
            }
            source(p, table, columns);
        }

        /** The values of an INSERT: VALUES rows, or one or more SELECT lists joined by UNION and friends. */
        private void source(int p, TableName table, List<String> columns) {
            while (t.isSymbol(p, "(") && SUBQUERY_STARTS.contains(t.word(p + 1))) {
                p++;
            }
            if (t.isWord(p, "with")) {
                p = findAtLevel(p, Set.of("select"));
            }
            while (p >= 0 && p < end) {
                if (t.isWord(p, "values")) {
                    p = valuesRows(p + 1, table, columns);
                } else if (t.isWord(p, "select")) {
                    p = selectList(p + 1, table, columns);
                } else {
                    return;
                }
                if (!SET_OPERATIONS.contains(t.word(p))) {
                    return;
                }
                p++;
                if (t.isWord(p, "all") || t.isWord(p, "distinct")) {
                    p++;
                }
            }
        }

        private int valuesRows(int p, TableName table, List<String> columns) {
            while (t.isSymbol(p, "(")) {
                int close = closing(p);
                List<int[]> elements = elements(p + 1, close);
                for (int k = 0; k < elements.size(); k++) {
                    assign(elements.get(k)[0], elements.get(k)[1], positional(table, columns, k));
                }
                p = close + 1;
                if (!t.isSymbol(p, ",")) {
                    break;
                }
                p++;
            }
            return p;
        }

        private int selectList(int p, TableName table, List<String> columns) {
            if (t.isWord(p, "distinct") && t.isWord(p + 1, "on") && t.isSymbol(p + 2, "(")) {
                p = closing(p + 2) + 1;
            } else if (t.isWord(p, "distinct") || t.isWord(p, "all")) {
                p++;
            }
            for (int k = 0; ; k++) {
                int itemEnd = operandEnd(p, SELECT_LIST_ENDS);
                assign(p, itemEnd, positional(table, columns, k));
                p = itemEnd;
                if (!t.isSymbol(itemEnd, ",")) {
                    break;
                }
                p++;
            }
            return t.isWord(p, "from") ? findAtLevel(p, SET_OPERATIONS) : p;
        }

        private static Target positional(TableName table, List<String> columns, int k) {
            if (columns != null && k < columns.size() && columns.get(k) != null) {
                return Target.column(table, columns.get(k));
            }
            return new Target(Target.Kind.UNLISTED_COLUMN, table.schema(), table.table(), null);
        }

        /** The column names of {@code (a, b.c, d[1])} between {@code open} and {@code close}: a, b, d. */
        private List<String> columnList(int open, int close) {
            List<String> columns = new ArrayList<>();
            for (int[] element : elements(open + 1, close)) {
                columns.add(t.isIdentifier(element[0]) ? t.get(element[0]).text() : null);
            }
            return columns;
        }

        /** +1 for an opening bracket, -1 for a closing one, 0 otherwise. */
        private int bracket(int p) {
            return t.isSymbol(p, "(") || t.isSymbol(p, "[") ? 1 : t.isSymbol(p, ")") || t.isSymbol(p, "]") ? -1 : 0;
        }

        /** The bracket closing the one at {@code open}, within the statement. */
        private int closing(int open) {
            int close = Math.min(t.closing(open), end);
            spend(close - open);
            return close;
        }

        /** The comma-separated elements of a bracketed list, as [start, end) ranges. */
        private List<int[]> elements(int from, int close) {
            spend(Math.max(0, close - from));
            List<int[]> elements = new ArrayList<>();
            int depth = 0;
            int start = from;
            for (int p = from; p < close; p++) {
                depth += bracket(p);
                if (depth == 0 && t.isSymbol(p, ",")) {
                    elements.add(new int[] {start, p});
                    start = p + 1;
                }
            }
            if (close > start) {
                elements.add(new int[] {start, close});
            }
            return elements;
        }

        // ---- UPDATE, MERGE and SET lists

        private void updateTarget(int at) {
            int p = at + 1;
            if (t.word(at).equals("merge") && t.isWord(p, "into")) {
                p++;
            }
            while (t.isWord(p, "only")) {
                p++;
            }
            int nameEnd = t.skipQualifiedName(p);
            if (nameEnd == p || NOT_TABLES.contains(t.word(p))) {
                return;
            }
            dmlTable = tableName(p, nameEnd);
            p = t.isSymbol(nameEnd, "*") ? nameEnd + 1 : nameEnd;
            p = t.isWord(p, "as") ? p + 1 : p;
            if (t.isIdentifier(p) && !NOT_ALIASES.contains(t.word(p))) {
                p++;
            }
            if (t.isWord(p, "set")) {
                setList(p + 1, dmlTable);
            }
        }

        private void setList(int p, TableName table) {
            while (p < end) {
                int itemEnd = operandEnd(p, SET_ITEM_ENDS);
                int equals = p;
                while (equals < itemEnd && !t.isSymbol(equals, "=")) {
                    equals++;
                }
                if (equals >= itemEnd) {
                    return;
                }
                assignments.add(equals);
                if (t.isSymbol(p, "(")) {
                    tupleAssignment(closing(p), p, equals + 1, itemEnd, table);
                } else if (t.isIdentifier(p)) {
                    assign(equals + 1, itemEnd, Target.column(table, t.get(p).text()));
                }
                if (!t.isSymbol(itemEnd, ",")) {
                    return;
                }
                p = itemEnd + 1;
            }
        }

        /** {@code (a, b) = ('x', 'y')} or {@code = ROW(...)} by position; any other right side goes to every column. */
        private void tupleAssignment(int close, int open, int rhs, int rhsEnd, TableName table) {
            List<String> columns = columnList(open, close);
            int values = t.isWord(rhs, "row") ? rhs + 1 : rhs;
            if (t.isSymbol(values, "(") && !SUBQUERY_STARTS.contains(t.word(values + 1))) {
                List<int[]> elements = elements(values + 1, closing(values));
                for (int k = 0; k < elements.size(); k++) {
                    String column = k < columns.size() ? columns.get(k) : null;
                    assign(elements.get(k)[0], elements.get(k)[1], column == null
                            ? new Target(Target.Kind.UNLISTED_COLUMN, table.schema(), table.table(), null)
                            : Target.column(table, column));
                }
                return;
            }
            for (String column : columns) {
                if (column != null) {
                    assign(rhs, rhsEnd, Target.column(table, column));
                }
            }
        }

        // ---- comparisons

        private void comparison(int i) {
            if (assignments.contains(i)) {
                return;
            }
            SqlToken op = t.get(i);
            String word = op.word();
            boolean symbol = op.kind() == SqlToken.Kind.OPERATOR && COMPARISON_OPERATORS.contains(op.text());
            int rhs;
            if (symbol) {
                rhs = t.isWord(i + 1, "any") || t.isWord(i + 1, "all") || t.isWord(i + 1, "some") ? i + 2 : i + 1;
            } else if (word.equals("like") || word.equals("ilike") || word.equals("in") || word.equals("between")) {
                rhs = t.isWord(i + 1, "symmetric") ? i + 2 : i + 1;
            } else if (word.equals("similar") && t.isWord(i + 1, "to")) {
                rhs = i + 2;
            } else if (word.equals("distinct") && t.isWord(i + 1, "from") && (t.isWord(i - 1, "is")
                    || t.isWord(i - 1, "not") && t.isWord(i - 2, "is"))) {
                rhs = i + 2;
            } else {
                return;
            }
            int lhsEnd = t.isWord(i - 1, "not") ? i - 1 : i;
            lhsEnd = word.equals("distinct") ? (t.isWord(i - 1, "not") ? i - 2 : i - 1) : lhsEnd;
            List<Target> left = columnBefore(lhsEnd);
            if (!left.isEmpty()) {
                if (t.isSymbol(rhs, "(") && SUBQUERY_STARTS.contains(t.word(rhs + 1))) {
                    return;
                }
                int stop = operandEnd(rhs, OPERAND_ENDS);
                stop = word.equals("between") ? operandEnd(stop + 1, OPERAND_ENDS) : stop;
                for (Target target : left) {
                    assign(rhs, stop, target);
                }
                return;
            }
            int literal = castStart(lhsEnd - 1);
            if (symbol && literal >= 0 && isLiteral(literal)) {
                for (Target target : columnAt(rhs)) {
                    add(literal, target);
                }
            }
        }

        /** The column a comparison's left side names, ending just before {@code stop}: {@code c}, {@code a.c}, {@code lower(c)}, with casts. */
        private List<Target> columnBefore(int stop) {
            int last = castStart(stop - 1);
            if (last < 0) {
                return List.of();
            }
            if (t.isSymbol(last, ")")) {
                int open = last - 1;
                while (open >= 0 && !t.isSymbol(open, "(")) {
                    open--;
                }
                if (open < 1 || !t.isIdentifier(open - 1) || t.skipQualifiedName(open + 1) != last) {
                    return List.of();
                }
                return columnAt(open + 1);
            }
            int first = last;
            while (first >= 2 && t.isSymbol(first - 1, ".") && t.isIdentifier(first - 2)) {
                first -= 2;
            }
            if (!t.isIdentifier(last) || t.isSymbol(first - 1, ".") || OPERAND_ENDS.contains(t.word(last))) {
                return List.of();
            }
            return columnAt(first);
        }

        /** Steps back over {@code ::type} casts ending at {@code p}; the index of what is cast. */
        private int castStart(int p) {
            while (p >= 2 && t.isIdentifier(p) && t.isSymbol(p - 1, "::")) {
                p -= 2;
            }
            return p;
        }

        /** The column named by the dotted name starting at {@code p}, or nothing when it is not a plain column reference. */
        private List<Target> columnAt(int p) {
            int nameEnd = t.skipQualifiedName(p);
            if (nameEnd == p || t.isSymbol(nameEnd, "(") || nameEnd - p > 5 || OPERAND_ENDS.contains(t.word(p))
                    || CONSTANTS.contains(t.word(p))) {
                return List.of();
            }
            String column = t.get(nameEnd - 1).text();
            if (nameEnd - p == 1) {
                if (tables.isEmpty()) {
                    return List.of(Target.column(null, column));
                }
                return tables.stream().distinct().map(table -> Target.column(table, column)).toList();
            }
            if (nameEnd - p == 3) {
                String qualifier = t.get(p).text();
                TableName table = names.getOrDefault(qualifier, new TableName(null, qualifier));
                return List.of(Target.column(table, column));
            }
            return List.of(Target.column(new TableName(t.get(nameEnd - 5).text(), t.get(nameEnd - 3).text()), column));
        }

        /** Where an operand or list item starting at {@code p} ends: a comma or bracket closing its level, or one of {@code ends}. */
        private int operandEnd(int p, Set<String> ends) {
            int depth = 0;
            int from = p;
            for (; p < end; p++) {
                spend(1);
                depth += bracket(p);
                if (depth < 0) {
                    return p;
                }
                if (depth == 0 && p > from && (t.isSymbol(p, ",") || ends.contains(t.word(p)))) {
                    return p;
                }
            }
            return end;
        }

        /** The first index from {@code p} on, outside brackets opened after it, holding one of {@code words}; {@code end} if none. */
        private int findAtLevel(int p, Set<String> words) {
            int depth = 0;
            for (; p < end; p++) {
                spend(1);
                depth += bracket(p);
                if (depth == 0 && words.contains(t.word(p))) {
                    return p;
                }
            }
            return end;
        }

        // ---- results

        private boolean isLiteral(int p) {
            if (p < 0 || p >= end) {
                return false;
            }
            SqlToken.Kind kind = t.get(p).kind();
            return kind == SqlToken.Kind.STRING || kind == SqlToken.Kind.DOLLAR_STRING || kind == SqlToken.Kind.NUMBER
                    || kind == SqlToken.Kind.PARAMETER;
        }

        /** Every literal and parameter in {@code [from, to)} goes to {@code target}. */
        private void assign(int from, int to, Target target) {
            spend(Math.max(0, to - from));
            for (int p = Math.max(from, 0); p < Math.min(to, end); p++) {
                if (isLiteral(p)) {
                    add(p, target);
                }
            }
        }

        private void add(int p, Target target) {
            SqlToken token = t.get(p);
            if (token.kind() == SqlToken.Kind.PARAMETER) {
                int number = parameterNumber(token.text());
                if (number > 0) {
                    addTo(byParameter, number, target);
                }
                return;
            }
            addTo(byToken, positions.get(p), target);
        }

        private static void addTo(Map<Integer, List<Target>> map, int key, Target target) {
            List<Target> targets = map.computeIfAbsent(key, k -> new ArrayList<>(1));
            if (!targets.contains(target)) {
                targets.add(target);
            }
        }

        private static int parameterNumber(String text) {
            try {
                return Integer.parseInt(text.substring(1));
            } catch (NumberFormatException e) {
                return -1; // more digits than any statement has parameters
            }
        }
    }
}
