package dev.tracegate.policy.sql;

import dev.tracegate.policy.sql.SqlToken.Kind;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decides whether a WHERE (or MERGE ON) condition depends on the row, with a small recursive-descent
 * parser over tokens that folds constants. It exists to catch bulk changes written to look selective:
 * {@code WHERE 1=1}, {@code WHERE true}, {@code WHERE id = id}, {@code WHERE x = 5 OR 'a' = 'a'},
 * {@code WHERE $1} or {@code WHERE now() > '2000-01-01'}. Conditions whose only inputs are constants
 * and parameters select all rows or none, so they count as able to hit every row.
 *
 * <p>The row is the changed table's ({@link ChangedTable}): a condition on another table's columns,
 * or on a subquery's own tables, does not depend on it ({@link ChangedRowReferences}). A predicate
 * OR'd with its complement ({@code x IS NULL OR x IS NOT NULL}, {@code x = 1 OR x <> 1},
 * {@code p OR NOT p}) is true for every row, as far as the tests themselves go.
 */
final class ConditionAnalyzer {

    private static final Set<String> COMPARISONS = Set.of("=", "<>", "!=", "<", ">", "<=", ">=");

    /** Keyword-like functions that need no parentheses and do not depend on the row. */
    private static final Set<String> CONSTANT_WORDS = Set.of(
            "current_date", "current_time", "current_timestamp", "localtime", "localtimestamp", "current_user",
            "current_role", "session_user", "user", "current_catalog", "current_schema", "system_user");

    /** Words in an opaque group (subquery, CASE, call arguments) that are not column references. */
    private static final Set<String> NOT_COLUMNS = Set.of(
            "select", "from", "where", "and", "or", "not", "in", "is", "null", "true", "false", "exists", "case",
            "when", "then", "else", "end", "as", "on", "join", "left", "right", "inner", "outer", "cross", "full",
            "natural", "using", "group", "by", "order", "having", "limit", "offset", "union", "all", "any", "some",
            "distinct", "intersect", "except", "between", "like", "ilike", "similar", "to", "escape", "array", "row",
            "cast", "collate", "asc", "desc", "nulls", "first", "last", "with", "lateral", "filter", "over",
            "partition", "values", "interval", "symmetric", "asymmetric", "fetch", "next", "only", "rows", "range",
            "preceding", "following", "unbounded", "current", "recursive", "materialized", "within", "at", "time",
            "zone", "leading", "trailing", "both", "for", "year", "month", "day", "hour", "minute", "second",
            "isnull", "notnull", "unknown", "double", "precision", "varying", "character", "without", "default",
            "operator", "ties", "window", "groups", "exclude", "others", "no");

    /**
     * Numbers with more digits than this, or scaled further, are constants of unknown value rather
     * than folded: the client chooses the text, and BigDecimal arithmetic on {@code 1e99999999 + 1}
     * runs for a minute while {@code 1e99999999999} does not even parse. PostgreSQL's own numeric
     * type rejects most such values anyway.
     */
    private static final int MAX_FOLDED_DIGITS = 1_000;

    private static final Set<String> QUANTIFIERS = Set.of("any", "all", "some");
    /**
     * Arrays longer than this are read for other quantified comparisons than {@code = ANY} and {@code
     * <> ALL} (which are read as one set, like an IN list) not at all: each element is a comparison
     * of its own, read in every order, and 100,000 of them took seconds.
     */
    private static final int MAX_COMPARED_ELEMENTS = 256;
    /** Functions whose result is never a negative number, in PostgreSQL and MySQL alike. */
    private static final Set<String> NON_NEGATIVE_FUNCTIONS = Set.of(
            "abs", "length", "char_length", "character_length", "octet_length", "bit_length", "cardinality",
            "array_length", "pg_column_size", "num_nulls", "num_nonnulls", "ascii", "crc32", "bit_count");
    private static final Set<String> SET_OPERATIONS = Set.of("union", "intersect", "except");
    /**
     * Functions that return a new value at each call, so one for each row a WHERE is tested on: random
     * numbers, sequences and random identifiers (PostgreSQL's and MySQL's). The database's own volatile
     * routines are read so by {@link CalledCode}, which knows them.
     */
    static final Set<String> DRAWN_PER_ROW = Set.of(
            "random", "random_normal", "nextval", "setval", "gen_random_uuid", "gen_random_bytes", "uuidv4", "uuidv7",
            "uuid_generate_v1", "uuid_generate_v1mc", "uuid_generate_v4", "rand", "uuid", "uuid_short", "sys_guid",
            "random_bytes");
    /** What ends a query's select list. */
    private static final Set<String> ITEM_ENDS = Set.of(
            "from", "where", "group", "having", "window", "order", "limit", "offset", "fetch", "for", "union",
            "intersect", "except", "into");
    /** What may follow a query's WHERE. */
    private static final Set<String> AFTER_WHERE = Set.of(
            "group", "having", "window", "order", "limit", "offset", "fetch", "for");
    /** PostgreSQL's pattern-matching operators: LIKE and ILIKE as operators, and regular expressions. */
    private static final Set<String> MATCHES = Set.of("~~", "~~*", "!~~", "!~~*", "~", "~*", "!~", "!~*");
    private static final Set<String> NEGATABLE_PREDICATES = Set.of("like", "ilike", "similar", "between", "in");
    /**
     * A test of the row whose outcome the analysis cannot tell apart from one true for every row
     * ({@code id = id + 0}: see {@link OperandColumns}): it counts as no condition on the row, so
     * a write it alone limits is {@code bulk_write}, under NOT as without it.
     */
    private static final Node MAY_HOLD_FOR_EVERY_ROW = Node.unknown(false);

    private static final Set<String> QUERY_STARTS = Set.of("select", "with", "values", "table");
    /** PostgreSQL's boolean input accepts any prefix of true/yes/on ... as long as it is unambiguous. */
    private static final Set<String> TRUE_SPELLINGS = Set.of("t", "tr", "tru", "true", "y", "ye", "yes", "on", "1");
    private static final Set<String> FALSE_SPELLINGS = Set.of("f", "fa", "fal", "fals", "false", "n", "no", "of", "off", "0");

    /** The orders of two operands a comparison admits, as bits: {@code <=} is LESS | EQUAL. */
    private static final int LESS = 1;
    private static final int EQUAL = 2;
    private static final int GREATER = 4;
    private static final int EVERY_ORDER = LESS | EQUAL | GREATER;

    private static final Set<String> TYPE_CONTINUATIONS = Set.of("precision", "varying", "with", "without", "time", "zone");

    private enum Null { NULL }

    /**
     * A parsed operand or condition: does it read the row, its value if constant (else null), and
     * the test it makes of the row when it is one whose complement can be recognised (else null).
     */
    private record Node(boolean rowDependent, Object value, Test test, AdmittedValues admitted, boolean positiveOnly) {
        static final Node TRUE = new Node(false, Boolean.TRUE);
        static final Node FALSE = new Node(false, Boolean.FALSE);

        Node(boolean rowDependent, Object value) {
            this(rowDependent, value, null, null);
        }

        Node(boolean rowDependent, Object value, Test test, AdmittedValues admitted) {
            this(rowDependent, value, test, admitted, false);
        }

        static Node unknown(boolean rowDependent) {
            return new Node(rowDependent, null);
        }

        /**
         * A condition on the row that tells rows apart as written but not negated: an equality of a
         * computation ({@code lower(x) = 'A'} holds for no row, so {@code NOT lower(x) = 'A'} for every one;
         * see {@link ComputedOperands}).
         */
        static Node onlyAsWritten() {
            return new Node(true, null, null, null, true);
        }

        Node testing(Test test) {
            return rowDependent && value == null ? new Node(true, null, test, admitted, positiveOnly) : this;
        }

        /** The node with what it admits of its operands' values ({@link AdmittedValues}), when it reads the row. */
        Node admitting(AdmittedValues values) {
            return rowDependent && value == null ? new Node(true, null, test, values, positiveOnly) : this;
        }

        Node negated() {
            if (positiveOnly) {
                return MAY_HOLD_FOR_EVERY_ROW;
            }
            return new Node(rowDependent, value, test == null ? null : test.negated(),
                    admitted == null ? null : admitted.negated());
        }
    }

    /**
     * A test of the row: {@code operator} applied to the operands written at {@code [leftStart,
     * leftEnd)} and {@code [rightStart, rightEnd)} of the whole condition, possibly negated. Its
     * complement is the same test negated ({@code >=} is {@code <} negated, {@code IS NOT NULL}
     * is {@code IS NULL} negated).
     */
    private record Test(String operator, boolean negation, int leftStart, int leftEnd, int rightStart, int rightEnd) {
        Test negated() {
            return new Test(operator, !negation, leftStart, leftEnd, rightStart, rightEnd);
        }
    }

    /**
     * What identifies a test: its operator, negation and its operands as {@link AlikeOperands} reads
     * them (brackets, the changed table's qualifier and COLLATE aside, so {@code (x) IS NULL} and
     * {@code t.x IS NOT NULL} are each other's complement), or, past {@link AlikeOperands#MAX_TOKENS}
     * tokens, the hashes of their tokens ({@link RawOperand}).
     */
    private record TestKey(String operator, boolean negation, Object left, Object right) {
    }

    /** An operand too long to be spelt out: the hash and length of its tokens. */
    private record RawOperand(long hash, int length) {
    }

    /** The whole condition, shared by the analysers of its bracketed groups. */
    private record Condition(ChangedTable table, TokenSpan tokens, ChangedRowReferences references,
                             TokenRangeHashes hashes, AlikeOperands operands, OperandColumns columns,
                             Map<String, Set<String>> columnsBySpelling) {
        /**
         * Whether two of {@code spellings} differ but read the same columns of the row: {@code id::text
         * = '5' OR id <> 5}, {@code lower(name) = 'a' OR name <> 'a'}. What a computation admits of its
         * column's values the analysis does not know, so such tests may together admit every value.
         */
        boolean oneColumnSpeltTwice(Set<String> spellings) {
            Set<Set<String>> seen = new java.util.HashSet<>();
            for (String spelling : spellings) {
                Set<String> read = columnsBySpelling.getOrDefault(spelling, Set.of());
                if (!read.isEmpty() && !seen.add(read)) {
                    return true;
                }
            }
            return false;
        }

        TestKey key(Test test) {
            return new TestKey(test.operator(), test.negation(), operandKey(test.leftStart(), test.leftEnd()),
                    operandKey(test.rightStart(), test.rightEnd()));
        }

        private Object operandKey(int start, int end) {
            return end - start > AlikeOperands.MAX_TOKENS ? new RawOperand(hashes.hash(start, end), end - start)
                    : operands.spelling(start, end);
        }

        boolean sameOperands(Test a, Test b) {
            return alikeOrEmpty(a.leftStart(), a.leftEnd(), b.leftStart(), b.leftEnd())
                    && alikeOrEmpty(a.rightStart(), a.rightEnd(), b.rightStart(), b.rightEnd());
        }

        /** {@link AlikeOperands#alike}, which also holds for two empty operands (the absent one of IS NULL). */
        private boolean alikeOrEmpty(int aStart, int aEnd, int bStart, int bEnd) {
            return aStart == aEnd ? bStart == bEnd : operands.alike(aStart, aEnd, bStart, bEnd);
        }
    }

    private static final class Unanalysable extends RuntimeException {
        Unanalysable() {
            super(null, null, false, false);
        }
    }

    /**
     * A token that may name a column, which makes a condition depend on the row. Whether it may
     * depends only on the token and its neighbours, which are the same seen from the whole
     * statement as from inside any condition or group (the neighbours of a group's first and last
     * tokens are its brackets, CASE and END, or WHERE, ON and what ends the condition), so
     * {@link TokenSpan#count} can answer for any group in O(1) however deeply groups nest.
     */
    private static final TokenIndex.TokenProperty MAY_BE_COLUMN = ConditionAnalyzer::mayBeColumn;

    private final Condition condition;
    private final TokenSpan t;
    /** Where {@link #t} starts in the whole condition. */
    private final int base;
    private int pos;

    private ConditionAnalyzer(Condition condition, TokenSpan t, int base) {
        this.condition = condition;
        this.t = t;
        this.base = base;
    }

    /** How many rows of {@code table} the condition can select. */
    static ConditionScope analyze(TokenSpan condition, ChangedTable table) {
        if (condition.isEmpty()) {
            return ConditionScope.UNANALYSABLE;
        }
        ChangedRowReferences references = ChangedRowReferences.of(condition, table, MAY_BE_COLUMN);
        Condition whole = new Condition(table, condition, references, new TokenRangeHashes(condition),
                new AlikeOperands(condition, table), new OperandColumns(condition, table, references, MAY_BE_COLUMN),
                new HashMap<>());
        ConditionAnalyzer analyzer = new ConditionAnalyzer(whole, condition, 0);
        try {
            Node node = analyzer.or();
            if (analyzer.pos != condition.size()) {
                return ConditionScope.UNANALYSABLE;
            }
            Object truth = asBoolean(node.value());
            if (Boolean.TRUE.equals(truth)) {
                return ConditionScope.ALWAYS_TRUE;
            }
            if (Boolean.FALSE.equals(truth)) {
                return ConditionScope.ALWAYS_FALSE;
            }
            return node.rowDependent() ? ConditionScope.ROW_DEPENDENT : ConditionScope.ROW_INDEPENDENT;
        } catch (Unanalysable | StackOverflowError e) {
            return ConditionScope.UNANALYSABLE;
        }
    }

    private Node or() {
        Node first = and();
        if (!t.isWord(pos, "or")) {
            return first;
        }
        Disjunction any = new Disjunction(first);
        while (t.isWord(pos, "or")) {
            pos++;
            any.add(and());
        }
        return any.result();
    }

    /** The parts of an OR (or the branches of a CASE that pass), joined as they come. */
    private final class Disjunction {
        private final Map<TestKey, Test> tests = new HashMap<>();
        private final Map<TestKey, Integer> orders = new HashMap<>();
        private final List<AdmittedValues> admitted = new ArrayList<>();
        private boolean complementary;
        private Node left;

        Disjunction(Node first) {
            left = first;
            note(first);
        }

        private void note(Node part) {
            admittedUnless(admitted, part, Boolean.FALSE);
            complementary |= findsComplement(tests, part.test()) | coversEveryOrder(orders, part.test());
        }

        void add(Node right) {
            note(right);
            Object l = asBoolean(left.value());
            Object r = asBoolean(right.value());
            if (Boolean.TRUE.equals(l) || Boolean.TRUE.equals(r)) {
                left = Node.TRUE;
            } else if (Boolean.FALSE.equals(l)) {
                left = right;
            } else if (!Boolean.FALSE.equals(r)) {
                // Either side may be true for every row unless both depend on the row.
                left = joined(left.rowDependent() && right.rowDependent(), left, right);
            }
        }

        Node result() {
            AdmittedValues values = AdmittedValues.anyOf(admitted);
            // x < 5 OR (y = 1 OR x >= 5): the tests of one operand against constants cover all its values.
            if (complementary || values != null && values.admitsEveryValue()) {
                return Node.TRUE;
            }
            if (values != null && condition.oneColumnSpeltTwice(values.operands())) {
                return MAY_HOLD_FOR_EVERY_ROW;
            }
            return left.admitting(values);
        }
    }

    /**
     * Adds what {@code part} admits, unless it is the constant that changes nothing in its OR (false)
     * or AND (true): {@code false OR x < 5} admits what {@code x < 5} does.
     */
    private static void admittedUnless(List<AdmittedValues> admitted, Node part, Boolean neutral) {
        if (!neutral.equals(asBoolean(part.value()))) {
            admitted.add(part.admitted());
        }
    }

    /**
     * Records the orders of its operands {@code test} admits among an OR's ({@code <} admits one of
     * less, equal and greater, {@code <=} two, {@code <>} two); true when the OR's tests of the same
     * operands, either written first, admit all three: {@code id < 5 OR id = 5 OR id > 5} holds for
     * every row where {@code id} is not null, as {@code id < 5 OR id >= 5} does.
     */
    private boolean coversEveryOrder(Map<TestKey, Integer> orders, Test test) {
        if (test == null) {
            return false;
        }
        int order = switch (test.operator()) {
            case "<" -> LESS;
            case "=" -> EQUAL;
            case ">" -> GREATER;
            default -> 0;
        };
        if (order == 0) {
            return false;
        }
        if (test.negation()) {
            order = EVERY_ORDER & ~order;
        }
        // Keyed by the operands alone; b > a is a < b.
        int mirrored = (order & EQUAL) | ((order & LESS) != 0 ? GREATER : 0) | ((order & GREATER) != 0 ? LESS : 0);
        int forward = orders.merge(condition.key(new Test("order", false, test.leftStart(), test.leftEnd(),
                test.rightStart(), test.rightEnd())), order, (a, b) -> a | b);
        int backward = orders.merge(condition.key(new Test("order", false, test.rightStart(), test.rightEnd(),
                test.leftStart(), test.leftEnd())), mirrored, (a, b) -> a | b);
        return forward == EVERY_ORDER || backward == EVERY_ORDER;
    }

    /** Records {@code test} among an OR's tests; true when its complement is among them already. */
    private boolean findsComplement(Map<TestKey, Test> tests, Test test) {
        if (test == null) {
            return false;
        }
        Test complement = tests.get(condition.key(test.negated()));
        tests.putIfAbsent(condition.key(test), test);
        return complement != null && condition.sameOperands(test, complement);
    }

    private Node and() {
        Node left = not();
        if (!t.isWord(pos, "and")) {
            return left;
        }
        // p AND NOT p holds for no row, so NOT (p AND NOT p) holds for every one.
        Map<TestKey, Test> tests = new HashMap<>();
        boolean contradictory = findsComplement(tests, left.test());
        List<AdmittedValues> admitted = new ArrayList<>();
        admittedUnless(admitted, left, Boolean.TRUE);
        while (t.isWord(pos, "and")) {
            pos++;
            Node right = not();
            admittedUnless(admitted, right, Boolean.TRUE);
            contradictory |= findsComplement(tests, right.test());
            Object l = asBoolean(left.value());
            Object r = asBoolean(right.value());
            if (Boolean.FALSE.equals(l) || Boolean.FALSE.equals(r)) {
                left = Node.FALSE;
            } else if (Boolean.TRUE.equals(l)) {
                left = right;
            } else if (!Boolean.TRUE.equals(r)) {
                // NOT ($1 AND id = 5) and NOT (id <> id + 0 AND id = 5) may hold for every row.
                boolean unknownPart = isUnknownConstant(left) || isUnknownConstant(right);
                boolean rowDependent = left.rowDependent() || right.rowDependent();
                left = unknownPart && rowDependent ? Node.onlyAsWritten() : joined(rowDependent, left, right);
            }
        }
        AdmittedValues values = AdmittedValues.allOf(admitted);
        if (contradictory || values != null && values.admitsNoValue()) {
            return Node.FALSE;
        }
        return left.admitting(values);
    }

    /** An AND or OR of two parts: it holds only as written when either part does ({@link Node#positiveOnly}). */
    private static Node joined(boolean rowDependent, Node left, Node right) {
        return rowDependent && (left.positiveOnly() || right.positiveOnly()) ? Node.onlyAsWritten()
                : Node.unknown(rowDependent);
    }

    /** A part whose value is the same for every row but not known ({@code $1}, {@link #MAY_HOLD_FOR_EVERY_ROW}). */
    private static boolean isUnknownConstant(Node node) {
        return !node.rowDependent() && node.value() == null;
    }

    /** A run of NOTs is counted rather than recursed into: {@code NOT NOT ... x} may be very long. */
    private Node not() {
        int negations = 0;
        while (t.isWord(pos, "not")) {
            pos++;
            negations++;
        }
        Node inner = predicate();
        if (negations == 0) {
            return inner;
        }
        Object value = asBoolean(inner.value());
        if (value instanceof Boolean b) {
            return b ^ (negations % 2 == 1) ? Node.TRUE : Node.FALSE;
        }
        Node kept = (inner.positiveOnly() ? Node.onlyAsWritten() : Node.unknown(inner.rowDependent()))
                .testing(inner.test()).admitting(inner.admitted());
        if (negations % 2 == 0) {
            return kept;
        }
        if (inner.admitted() != null && condition.oneColumnSpeltTwice(inner.admitted().operands())) {
            return MAY_HOLD_FOR_EVERY_ROW; // NOT (lower(x) <> 'a' AND x = 'a') is lower(x) = 'a' OR x <> 'a'
        }
        return kept.negated();
    }

    private Node predicate() {
        int leftStart = pos;
        Node left = additive();
        int tests = 0;
        while (pos < t.size()) {
            SqlToken token = t.get(pos);
            int leftEnd = pos;
            if (token.kind() == Kind.OPERATOR && COMPARISONS.contains(token.text())) {
                pos++;
                int rightStart = pos;
                Node operand = left;
                Node right = quantifiedOrAdditive();
                boolean itself = token.text().equals("=") && operand.rowDependent() && t.isSymbol(rightStart, "(")
                        && t.closing(rightStart) == pos - 1 && joinedToItself(rightStart, leftStart, leftEnd);
                left = itself ? Node.TRUE : mayHoldForEveryRow(operand, leftStart, leftEnd, right, rightStart, pos)
                        || operand.rowDependent() && selectedFromTheRow(quantifiedQuery(rightStart, pos))
                        || right.rowDependent() && selectedFromTheRow(quantifiedQuery(leftStart, leftEnd))
                        || !token.text().equals("=") && (boundedByItsOwnTable(operand, leftStart, leftEnd, rightStart, pos)
                        || boundedByItsOwnTable(right, rightStart, pos, leftStart, leftEnd))
                        ? MAY_HOLD_FOR_EVERY_ROW
                        : compare(left, token.text(), right, sameOperands(leftStart, leftEnd, rightStart, pos));
                if (!QUANTIFIERS.contains(t.word(rightStart))) {
                    // length(name) >= 0 alone admits every value the operand can have.
                    AdmittedValues values = compared(operand, leftStart, leftEnd, token.text(), right, rightStart, pos);
                    left = values != null && values.admitsEveryValue() ? Node.TRUE
                            : left.testing(comparison(token.text(), leftStart, leftEnd, rightStart, pos)).admitting(values);
                    left = judged(left, token.text().equals("="), operand, leftStart, leftEnd, right, rightStart, pos);
                    if (left == MAY_HOLD_FOR_EVERY_ROW && !right.rowDependent() && isCase(leftStart, leftEnd)) {
                        left = whereSomeWhenHolds(leftStart, leftEnd - 1);
                    } else if (left == MAY_HOLD_FOR_EVERY_ROW && !operand.rowDependent() && isCase(rightStart, pos)) {
                        left = whereSomeWhenHolds(rightStart, pos - 1);
                    }
                } else if (token.text().equals("=") && !t.isWord(rightStart, "all") && left.rowDependent()
                        && (selectsItself(rightStart + 2, pos - 1, leftStart, leftEnd)
                        || joinedToItself(rightStart + 1, leftStart, leftEnd)
                        || arrayHolds(rightStart + 1, leftStart, leftEnd)
                        || arraySelectsItself(rightStart + 1, leftStart, leftEnd))) {
                    left = Node.TRUE; // id = ANY (SELECT id FROM orders) is id IN (SELECT id FROM orders)
                } else if (t.isSymbol(rightStart + 1, "(") && startsQuery(rightStart + 1) && returnsNoRow(rightStart + 1)) {
                    // x > ALL (SELECT ... WHERE false) holds for every row, x = ANY of it for none.
                    left = t.isWord(rightStart, "all") ? Node.TRUE : Node.FALSE;
                } else {
                    // id <> ANY('{1,2}') alone admits every value.
                    AdmittedValues values = quantified(operand, leftStart, leftEnd, token.text(), rightStart);
                    left = values != null && values.admitsEveryValue() ? Node.TRUE
                            : left.testing(quantifiedTest(token.text(), leftStart, leftEnd, rightStart, pos)).admitting(values);
                    boolean among = token.text().equals("=") && !t.isWord(rightStart, "all");
                    left = judged(left, among, operand, leftStart, leftEnd, null, 0, 0);
                }
            } else if (t.isWord(pos, "is")) {
                left = judged(isTest(left, leftStart, leftEnd), false, left, leftStart, leftEnd, null, 0, 0);
            } else if (t.isWord(pos, "isnull") || t.isWord(pos, "notnull")) {
                boolean notNull = t.isWord(pos, "notnull");
                pos++;
                left = judged(Node.unknown(left.rowDependent()).testing(test("null", notNull, leftStart, leftEnd, pos, pos)),
                        false, left, leftStart, leftEnd, null, 0, 0);
            } else if (startsNegatablePredicate()) {
                boolean among = t.isWord(pos, "in") || likeOfLetters(pos);
                left = judged(negatablePredicate(left, leftStart, leftEnd), among, left, leftStart, leftEnd, null, 0, 0);
            } else {
                break;
            }
            tests++;
        }
        if (left.admitted() != null && left.admitted().admitsEveryValue()) {
            return Node.TRUE; // id = ANY('{}') IS NOT TRUE
        }
        if (tests > 1) {
            // The last test's operand is all that came before it: (x > 5) IS TRUE keeps what x > 5 admits.
            return new Node(left.rowDependent(), left.value(), null, left.admitted(), left.positiveOnly());
        }
        if (tests > 0 || left.test() != null) {
            return left;
        }
        if (calledOrCase(leftStart, pos) && !analysedTest(left)) {
            // A call or CASE read as a condition: starts_with(x, ''), IF(id = 5, 1, 2), CASE WHEN ... END.
            left = judged(left, true, left, leftStart, pos, null, 0, 0);
            if (!left.rowDependent()) {
                return left;
            }
        }
        // A bare operand is a test of whether it is true: b OR b = false admits every value of b.
        Node bare = left.testing(test("value", false, leftStart, pos, pos, pos));
        return bare.admitted() != null ? bare : bare.admitting(AdmittedValues.truthOf(spelling(leftStart, pos)));
    }

    /** Whether the analysis read the node as a test of the row, not as a bare operand ({@code (x % 1)}). */
    private static boolean analysedTest(Node node) {
        return node.test() != null ? !node.test().operator().equals("value") : node.admitted() != null;
    }

    /**
     * Whether the predicate at {@code at} is a LIKE or ILIKE of a written pattern without {@code _}
     * ({@code lower(email) LIKE '%@example.com'}): such a pattern says which characters the value holds,
     * not how long it is, so of a never-constant function it tells rows apart as an equality does;
     * {@code md5(x) LIKE '________________________________'} (every hash's length) does not.
     */
    private boolean likeOfLetters(int at) {
        return (t.isWord(at, "like") || t.isWord(at, "ilike")) && at + 1 < t.size()
                && t.get(at + 1).kind() == Kind.STRING && !t.get(at + 1).text().contains("_")
                && !t.isWord(at + 2, "escape");
    }

    /** Whether {@code [start, end)} is one call (not EXISTS, ARRAY or ROW) or one CASE. */
    private boolean calledOrCase(int start, int end) {
        return t.isWord(start, "case") ? t.caseEnd(start) == end - 1
                : t.isIdentifier(start) && !Set.of("exists", "array", "row").contains(t.word(start))
                && t.isSymbol(start + 1, "(") && t.closing(start + 1) == end - 1;
    }

    /**
     * What {@code a OP b} admits of the operand on one side when the other is a constant ({@code 5 > x}
     * is {@code x < 5}); null otherwise.
     */
    private AdmittedValues compared(Node a, int aStart, int aEnd, String op, Node b, int bStart, int bEnd) {
        Boolean truth = truthOf(b);
        if (isOperand(a) && a.admitted() != null && truth != null && Set.of("=", "<>", "!=").contains(op)) {
            // (x < 5) = false is NOT (x < 5): what the test admits, or its complement.
            return truthTested(a, aStart, aEnd, truth == op.equals("="));
        }
        if (isOperand(a) && isConstant(b)) {
            return withinRange(aStart, aEnd, AdmittedValues.compared(spelling(aStart, aEnd), op, b.value()));
        }
        if (isOperand(b) && isConstant(a)) {
            String mirrored = switch (op) {
                case "<" -> ">";
                case ">" -> "<";
                case "<=" -> ">=";
                case ">=" -> "<=";
                default -> op;
            };
            return withinRange(bStart, bEnd, AdmittedValues.compared(spelling(bStart, bEnd), mirrored, a.value()));
        }
        return null;
    }

    /**
     * What a test of the operand at {@code [start, end)} admits, read against the values the operand
     * can have: a call of a function that never returns a negative number ({@code length(name)},
     * {@code abs(id)}) admits the negative numbers as well, since no row has one, so {@code
     * length(name) >= 0} is seen to admit every value, as {@code x >= 0 OR x < 0} is.
     */
    private AdmittedValues withinRange(int start, int end, AdmittedValues admitted) {
        if (admitted == null || !NON_NEGATIVE_FUNCTIONS.contains(t.word(start)) || !t.isSymbol(start + 1, "(")
                || t.closing(start + 1) != end - 1) {
            return admitted;
        }
        AdmittedValues negative = AdmittedValues.compared(spelling(start, end), "<", BigDecimal.ZERO);
        return AdmittedValues.anyOf(List.of(admitted, negative));
    }

    /**
     * What {@code operand IS TRUE} ({@code truth}) or {@code IS FALSE} admits: a test's own values, or
     * their complement, when the operand is a test ({@code x > 5 IS NOT TRUE OR x > 5}); else the
     * operand as a boolean.
     */
    private AdmittedValues truthTested(Node operand, int start, int end, boolean truth) {
        if (operand.admitted() != null) {
            return truth ? operand.admitted() : operand.admitted().negated();
        }
        if (!isOperand(operand)) {
            return null;
        }
        AdmittedValues isTrue = AdmittedValues.truthOf(spelling(start, end));
        return truth ? isTrue : isTrue.negated();
    }

    /** A constant's truth: a boolean, or MySQL's 1 and 0; null for anything else. */
    private static Boolean truthOf(Node node) {
        if (node.rowDependent()) {
            return null;
        }
        if (node.value() instanceof Boolean b) {
            return b;
        }
        if (node.value() instanceof BigDecimal n && (n.signum() == 0 || n.compareTo(BigDecimal.ONE) == 0)) {
            return n.signum() != 0;
        }
        return null;
    }

    private static boolean isOperand(Node node) {
        return node.rowDependent() && node.value() == null;
    }

    private static boolean isConstant(Node node) {
        return !node.rowDependent() && node.value() != null && node.value() != Null.NULL;
    }

    /** The operand's spelling, with the columns it reads noted for {@link Condition#oneColumnSpeltTwice}. */
    private String spelling(int start, int end) {
        String spelling = condition.operands().spelling(base + start, base + end);
        condition.columnsBySpelling().computeIfAbsent(spelling,
                s -> condition.columns().rowColumns(base + start, base + end));
        return spelling;
    }

    /**
     * {@code result}, a test of the operands at {@code [aStart, aEnd)} and (when {@code b} is not null)
     * {@code [bStart, bEnd)}, as far as their computations can be trusted to tell rows apart ({@link
     * ComputedOperands}): a test of a computation whose range is not known may hold for every row
     * ({@code strpos(x, '') = 1}, {@code id % 1 = 0}, {@code GREATEST(x, 0) >= 0}), and an equality of
     * one that is never constant ({@code lower(x) = 'a'}) holds only as written, not negated.
     */
    private Node judged(Node result, boolean equality, Node a, int aStart, int aEnd, Node b, int bStart, int bEnd) {
        if (!result.rowDependent() || result.value() != null) {
            return result;
        }
        ComputedOperands.Trust trust = trust(a, aStart, aEnd);
        if (b != null) {
            ComputedOperands.Trust other = trust(b, bStart, bEnd);
            trust = other.compareTo(trust) > 0 ? other : trust;
        }
        return switch (trust) {
            case EVERY_TEST -> result;
            case EQUALITY -> equality ? Node.onlyAsWritten().testing(result.test()).admitting(result.admitted())
                    : MAY_HOLD_FOR_EVERY_ROW;
            case NONE -> MAY_HOLD_FOR_EVERY_ROW;
        };
    }

    /** How far tests of an operand can be trusted: a test the analysis read ({@code (x < 5) = false}) fully. */
    private ComputedOperands.Trust trust(Node operand, int start, int end) {
        if (!operand.rowDependent() || operand.value() != null) {
            return ComputedOperands.Trust.EVERY_TEST;
        }
        if (analysedTest(operand) && !operand.positiveOnly()) {
            return ComputedOperands.Trust.EVERY_TEST;
        }
        return new ComputedOperands(t, this::readsChangedRow).of(start, end);
    }

    /** A test whose operand positions are those of this group, kept as positions in the whole condition. */
    private Test test(String operator, boolean negation, int leftStart, int leftEnd, int rightStart, int rightEnd) {
        return new Test(operator, negation, base + leftStart, base + leftEnd, base + rightStart, base + rightEnd);
    }

    /** {@code a >= b} is {@code a < b} negated, {@code a <> b} is {@code a = b} negated, and so on. */
    private Test comparison(String operator, int leftStart, int leftEnd, int rightStart, int rightEnd) {
        return switch (operator) {
            case "<>", "!=" -> test("=", true, leftStart, leftEnd, rightStart, rightEnd);
            case ">=" -> test("<", true, leftStart, leftEnd, rightStart, rightEnd);
            case "<=" -> test(">", true, leftStart, leftEnd, rightStart, rightEnd);
            default -> test(operator, false, leftStart, leftEnd, rightStart, rightEnd);
        };
    }

    /**
     * A quantified comparison as a test of its operand and array, in the form with ANY: {@code x <> ALL
     * (a)} is {@code x = ANY (a)} negated and {@code x >= ALL (a)} is {@code x < ANY (a)} negated, so
     * {@code x = ANY (a) OR x <> ALL (a)} is seen to hold whatever the array {@code a} holds.
     */
    private Test quantifiedTest(String operator, int leftStart, int leftEnd, int quantifier, int end) {
        String op = operator.equals("!=") ? "<>" : operator;
        if (!t.isWord(quantifier, "all")) {
            return test(op + " any", false, leftStart, leftEnd, quantifier + 1, end);
        }
        String negated = switch (op) {
            case "=" -> "<>";
            case "<>" -> "=";
            case "<" -> ">=";
            case ">=" -> "<";
            case ">" -> "<=";
            default -> ">"; // <=
        };
        return test(negated + " any", true, leftStart, leftEnd, quantifier + 1, end);
    }

    private Node quantifiedOrAdditive() {
        String w = t.word(pos);
        if (QUANTIFIERS.contains(w) && t.isSymbol(pos + 1, "(")) {
            pos++;
            return group();
        }
        return additive();
    }

    private Node isTest(Node left, int leftStart, int leftEnd) {
        pos++;
        boolean negated = t.isWord(pos, "not");
        if (negated) {
            pos++;
        }
        Node result;
        String w = t.word(pos);
        if (w.equals("null") && rowFields(leftStart, leftEnd) != null) {
            pos++;
            return rowNullTest(rowFields(leftStart, leftEnd), negated, left.rowDependent());
        }
        switch (w) {
            case "null", "unknown" -> {
                pos++;
                result = left.value() == null
                        ? Node.unknown(left.rowDependent()).testing(test("null", false, leftStart, leftEnd, pos, pos))
                        : (left.value() == Null.NULL ? Node.TRUE : Node.FALSE);
            }
            case "true", "false" -> {
                pos++;
                Object value = asBoolean(left.value());
                result = value instanceof Boolean b ? (b == w.equals("true") ? Node.TRUE : Node.FALSE)
                        : Node.unknown(left.rowDependent()).testing(test(w, false, leftStart, leftEnd, pos, pos))
                                .admitting(truthTested(left, leftStart, leftEnd, w.equals("true")));
            }
            case "distinct" -> {
                if (!t.isWord(pos + 1, "from")) {
                    throw new Unanalysable();
                }
                pos += 2;
                int rightStart = pos;
                Node right = additive();
                // IS DISTINCT FROM is <> that treats NULLs as equal; on identical operands it is false.
                result = sameOperands(leftStart, leftEnd, rightStart, pos) ? Node.FALSE
                        : mayHoldForEveryRow(left, leftStart, leftEnd, right, rightStart, pos)
                                || left.rowDependent() && selectedFromTheRow(quantifiedQuery(rightStart, pos))
                                || right.rowDependent() && selectedFromTheRow(quantifiedQuery(leftStart, leftEnd))
                                ? MAY_HOLD_FOR_EVERY_ROW
                        // x IS DISTINCT FROM NULL is x IS NOT NULL, whose complement x IS NULL is then found.
                        : right.value() == Null.NULL && left.value() == null ? Node.unknown(left.rowDependent())
                                .testing(test("null", true, leftStart, leftEnd, pos, pos))
                        : left.value() == Null.NULL && right.value() == null ? Node.unknown(right.rowDependent())
                                .testing(test("null", true, rightStart, pos, pos, pos))
                        : Node.unknown(left.rowDependent() || right.rowDependent())
                                .testing(test("distinct", false, leftStart, leftEnd, rightStart, pos))
                                .admitting(compared(left, leftStart, leftEnd, "<>", right, rightStart, pos));
            }
            default -> throw new Unanalysable();
        }
        if (negated) {
            Object value = result.value();
            return value instanceof Boolean b ? (b ? Node.FALSE : Node.TRUE) : result.negated();
        }
        return result;
    }

    private boolean startsNegatablePredicate() {
        int p = t.isWord(pos, "not") ? pos + 1 : pos;
        return NEGATABLE_PREDICATES.contains(t.word(p));
    }

    private Node negatablePredicate(Node left, int leftStart, int leftEnd) {
        Node result = negatablePredicateValue(left, leftStart, leftEnd);
        if (result.value() != null) {
            return result;
        }
        boolean negated = t.isWord(leftEnd, "not");
        int rightStart = leftEnd + (negated ? 2 : 1) + (t.isWord(leftEnd, "similar") || t.isWord(leftEnd + 1, "similar") ? 1 : 0);
        return result.testing(test(t.word(negated ? leftEnd + 1 : leftEnd), negated, leftStart, leftEnd, rightStart, pos));
    }

    private Node negatablePredicateValue(Node left, int leftStart, int leftEnd) {
        boolean negated = t.isWord(pos, "not");
        if (negated) {
            pos++;
        }
        String w = t.word(pos++);
        Node result;
        switch (w) {
            case "like", "ilike", "similar" -> {
                if (w.equals("similar") && !t.isWord(pos++, "to")) {
                    throw new Unanalysable();
                }
                int patternStart = pos;
                Node pattern = additive();
                // x LIKE x: a value matches itself as a pattern unless it holds a backslash.
                boolean itself = left.rowDependent() && sameOperands(leftStart, leftEnd, patternStart, pos);
                Object escape = null;
                if (t.isWord(pos, "escape")) {
                    pos++;
                    escape = additive().value();
                }
                boolean matchesAll = itself || left.rowDependent() && (pattern.value() instanceof String s
                        && (w.equals("similar") ? (escape == null || escape instanceof String)
                        && PatternsMatchingEverything.similar(s, (String) escape) : PatternsMatchingEverything.like(s))
                        || computedConstant(pattern, patternStart, pos));
                // x NOT LIKE '%' holds for no row, so NOT x NOT LIKE '%' holds for every one.
                return matchesAll ? (negated ? Node.FALSE : Node.TRUE)
                        : mayHoldForEveryRow(left, leftStart, leftEnd, pattern, patternStart, pos) ? MAY_HOLD_FOR_EVERY_ROW
                        : Node.unknown(left.rowDependent() || pattern.rowDependent());
            }
            case "between" -> {
                boolean symmetric = t.isWord(pos, "symmetric");
                if (symmetric || t.isWord(pos, "asymmetric")) {
                    pos++;
                }
                int lowStart = pos;
                Node low = additive();
                int lowEnd = pos;
                if (!t.isWord(pos++, "and")) {
                    throw new Unanalysable();
                }
                int highStart = pos;
                Node high = additive();
                // x BETWEEN x AND x is x = x.
                boolean itself = left.rowDependent() && sameOperands(leftStart, leftEnd, lowStart, lowEnd)
                        && sameOperands(leftStart, leftEnd, highStart, pos);
                result = itself ? (negated ? Node.FALSE : Node.TRUE)
                        // x BETWEEN x - 1 AND x + 1, but not x BETWEEN 1 AND x (x >= 1).
                        : computedFromItself(left, leftStart, leftEnd, low, lowStart, lowEnd)
                        && computedFromItself(left, leftStart, leftEnd, high, highStart, pos)
                        || left.rowDependent() && drawnPerRow(lowStart, pos) ? MAY_HOLD_FOR_EVERY_ROW
                        : Node.unknown(left.rowDependent() || low.rowDependent() || high.rowDependent())
                                .admitting(isOperand(left) && isConstant(low) && isConstant(high)
                                        ? AdmittedValues.between(spelling(leftStart, leftEnd), low.value(), high.value(),
                                                symmetric, negated) : null);
            }
            case "in" -> {
                if (!t.isSymbol(pos, "(")) {
                    throw new Unanalysable();
                }
                int open = pos;
                Node list = group();
                boolean holds = left.rowDependent() && listHolds(open, leftStart, leftEnd);
                // x NOT IN (SELECT ... WHERE false) holds for every row, NULLs included.
                boolean empty = !holds && startsQuery(open) && returnsNoRow(open);
                result = holds ? (negated ? Node.FALSE : Node.TRUE) : empty ? (negated ? Node.TRUE : Node.FALSE)
                        : mayHoldForEveryRow(left, leftStart, leftEnd, list, open, pos)
                                || left.rowDependent() && selectedFromTheRow(quantifiedQuery(open, pos))
                                ? MAY_HOLD_FOR_EVERY_ROW
                        : Node.unknown(left.rowDependent() || list.rowDependent())
                                .admitting(isOperand(left) ? among(spelling(leftStart, leftEnd), open, negated) : null);
            }
            default -> throw new Unanalysable();
        }
        return result;
    }

    private Node additive() {
        int leftStart = pos;
        Node left = unary();
        while (pos < t.size()) {
            SqlToken token = t.get(pos);
            if (token.kind() == Kind.OPERATOR && !COMPARISONS.contains(token.text())) {
                int leftEnd = pos++;
                int rightStart = pos;
                Node right = unary();
                left = MATCHES.contains(token.text())
                        ? mayHoldForEveryRow(left, leftStart, leftEnd, right, rightStart, pos) ? MAY_HOLD_FOR_EVERY_ROW
                        : judged(matched(left, token.text(), right, sameOperands(leftStart, leftEnd, rightStart, pos),
                                computedConstant(right, rightStart, pos)), false, left, leftStart, leftEnd, null, 0, 0)
                        : cancelled(left, token.text(), right, sameOperands(leftStart, leftEnd, rightStart, pos))
                                ? constant(BigDecimal.ZERO) : arithmetic(left, token.text(), right);
            } else if (t.isWord(pos, "operator") && t.isSymbol(pos + 1, "(")) {
                pos = t.closing(pos + 1) + 1;
                Node right = unary();
                left = Node.unknown(left.rowDependent() || right.rowDependent());
            } else {
                break;
            }
        }
        return left;
    }

    /**
     * {@code x ~~ '%'} is {@code x LIKE '%'}, {@code x ~ ''} a regular expression found in every
     * string: true for every row; their negations ({@code !~~}, {@code !~}) false. So are {@code x ~~ x}
     * ({@code itself}, as {@code x LIKE x}) and a pattern computed from constants ({@code computed}).
     */
    private static Node matched(Node left, String op, Node right, boolean itself, boolean computed) {
        boolean negated = op.startsWith("!");
        String match = negated ? op.substring(1) : op;
        boolean everything = left.rowDependent() && (match.startsWith("~~") && itself || computed
                || !right.rowDependent() && right.value() instanceof String pattern
                && (match.startsWith("~~") ? PatternsMatchingEverything.like(pattern)
                : PatternsMatchingEverything.regex(pattern, match.endsWith("*"))));
        if (everything) {
            return negated ? Node.FALSE : Node.TRUE;
        }
        return Node.unknown(left.rowDependent() || right.rowDependent());
    }

    /**
     * Whether the pattern at {@code [start, end)} is computed from constants alone, so its value is
     * fixed but not read here ({@code concat('%', '')}, {@code lower('%')}, {@code chr(37)}): it may
     * be one that matches every string, and is taken as one. A parameter's value is the caller's
     * bound value, judged as such; it is not counted here.
     */
    private boolean computedConstant(Node pattern, int start, int end) {
        if (pattern.rowDependent() || pattern.value() != null) {
            return false;
        }
        for (int i = start; i < end; i++) {
            if (t.get(i).kind() == Kind.PARAMETER) {
                return false;
            }
        }
        return true;
    }

    /** Prefix operators, applied innermost first; a loop, because {@code - - - ... x} may be very long. */
    private Node unary() {
        int first = pos;
        while (pos < t.size() && t.get(pos).kind() == Kind.OPERATOR && !COMPARISONS.contains(t.get(pos).text())) {
            pos++;
        }
        int operators = pos;
        Node node = postfix();
        for (int i = operators - 1; i >= first; i--) {
            String op = t.get(i).text();
            if (op.equals("-") && node.value() instanceof BigDecimal n) {
                node = new Node(false, n.negate());
            } else if (op.equals("!") && isOperand(node)) {
                // MySQL's NOT: !(x < 5) OR x < 5 holds for every row as NOT (x < 5) OR x < 5 does.
                node = Node.unknown(true).testing(node.test()).admitting(node.admitted()).negated();
            } else if (!op.equals("+")) {
                node = Node.unknown(node.rowDependent());
            }
        }
        return node;
    }

    private Node postfix() {
        Node node = primary();
        while (pos < t.size()) {
            if (t.isSymbol(pos, "::")) {
                pos++;
                skipTypeName();
                node = new Node(node.rowDependent(), node.value() instanceof String || node.value() instanceof BigDecimal
                        || node.value() instanceof Boolean ? node.value() : null);
            } else if (t.isSymbol(pos, "[")) {
                Node index = group();
                node = Node.unknown(node.rowDependent() || index.rowDependent());
            } else if (t.isSymbol(pos, ".") && (t.isIdentifier(pos + 1) || t.isSymbol(pos + 1, "*"))) {
                pos += 2;
            } else if (t.isWord(pos, "collate")) {
                pos = t.skipQualifiedName(pos + 1);
            } else if (t.isWord(pos, "at") && t.isWord(pos + 1, "time") && t.isWord(pos + 2, "zone")) {
                pos += 3;
                Node zone = unary();
                node = Node.unknown(node.rowDependent() || zone.rowDependent());
            } else {
                break;
            }
        }
        return node;
    }

    private Node primary() {
        if (pos >= t.size()) {
            throw new Unanalysable();
        }
        SqlToken token = t.get(pos);
        switch (token.kind()) {
            case NUMBER -> {
                pos++;
                return constant(foldable(token.text()));
            }
            case STRING, DOLLAR_STRING -> {
                pos++;
                return new Node(false, token.text());
            }
            case PARAMETER -> {
                pos++;
                return Node.unknown(false);
            }
            case PUNCTUATION -> {
                if (token.text().equals("(")) {
                    return bracketed();
                }
                throw new Unanalysable();
            }
            case WORD -> {
                return wordPrimary(token.text());
            }
            case QUOTED_IDENTIFIER -> {
                return nameOrCall();
            }
            default -> throw new Unanalysable();
        }
    }

    private Node wordPrimary(String word) {
        switch (word) {
            case "true" -> {
                pos++;
                return Node.TRUE;
            }
            case "false" -> {
                pos++;
                return Node.FALSE;
            }
            case "null" -> {
                pos++;
                return new Node(false, Null.NULL);
            }
            case "case" -> {
                int end = t.caseEnd(pos);
                if (end >= t.size()) {
                    throw new Unanalysable();
                }
                Node body = sameResult(pos, end);
                if (body == null) {
                    body = caseOfOneTest(pos, end);
                }
                if (body == null) {
                    body = caseOfSeveralTests(pos, end);
                }
                if (body == null) {
                    body = opaque(pos + 1, end);
                }
                pos = end + 1;
                return body;
            }
            case "exists", "array", "row", "cast" -> {
                pos++;
                if (word.equals("exists") && t.isSymbol(pos, "(") && t.isWord(pos + 1, "select")) {
                    return exists();
                }
                if (word.equals("cast") && t.isSymbol(pos, "(")) {
                    return cast();
                }
                if (t.isSymbol(pos, "(") || t.isSymbol(pos, "[")) {
                    return group();
                }
                throw new Unanalysable();
            }
            default -> {
                if (CONSTANT_WORDS.contains(word)) {
                    pos++;
                    if (t.isSymbol(pos, "(")) {
                        group();
                    }
                    return Node.unknown(false);
                }
                if (NOT_COLUMNS.contains(word) && !typedLiteralAhead()) {
                    throw new Unanalysable();
                }
                return nameOrCall();
            }
        }
    }

    /**
     * {@code CAST(value AS type)}: a constant keeps its value, as with {@code ::}, so {@code x <
     * CAST(5 AS int) OR x >= 5} is read as {@code x < 5 OR x >= 5}.
     */
    private Node cast() {
        int open = pos;
        int close = passGroup();
        TokenSpan inside = t.sub(open + 1, close);
        int as = inside.findAtTopLevel(0, "as");
        if (as > 0) {
            ConditionAnalyzer inner = new ConditionAnalyzer(condition, inside.sub(0, as), base + open + 1);
            try {
                Node node = inner.or();
                if (inner.pos == as && !node.rowDependent()) {
                    return new Node(false, node.value() == Null.NULL ? null : node.value());
                }
            } catch (Unanalysable e) {
                // judged as a whole, below
            }
        }
        return opaque(open + 1, close);
    }

    /** {@code date '2020-01-01'}, {@code interval '1 day'}, {@code timestamp with time zone '...'}. */
    private boolean typedLiteralAhead() {
        int p = pos + 1;
        while (TYPE_CONTINUATIONS.contains(t.word(p))) {
            p++;
        }
        return p < t.size() && t.get(p).kind() == Kind.STRING;
    }

    private Node nameOrCall() {
        int end = t.skipQualifiedName(pos);
        int p = end;
        while (TYPE_CONTINUATIONS.contains(t.word(p))) {
            p++;
        }
        if (p < t.size() && t.get(p).kind() == Kind.STRING) {
            pos = p + 1;
            return Node.unknown(false);
        }
        int start = pos;
        pos = end;
        if (!t.isSymbol(pos, "(")) {
            return Node.unknown(readsChangedRow(start, end));
        }
        Node folded = end == start + 1 ? constantCall(t.word(start), pos) : null;
        if (folded == null && end == start + 1) {
            folded = testPassedOn(t.word(start), pos);
        }
        Node args = group();
        if (folded != null && !t.isWord(pos, "within") && !t.isWord(pos, "filter") && !t.isWord(pos, "over")) {
            return folded;
        }
        if (t.isWord(pos, "within") && t.isWord(pos + 1, "group") && t.isSymbol(pos + 2, "(")) {
            pos += 2;
            args = Node.unknown(args.rowDependent() || group().rowDependent());
        }
        if (t.isWord(pos, "filter") && t.isSymbol(pos + 1, "(")) {
            pos++;
            args = Node.unknown(args.rowDependent() || group().rowDependent());
        }
        if (t.isWord(pos, "over")) {
            pos++;
            if (t.isSymbol(pos, "(")) {
                group();
            } else {
                pos++;
            }
        }
        return Node.unknown(args.rowDependent());
    }

    /**
     * Brackets around a condition, an expression or a row, not a call's arguments: what the analysis
     * cannot read in them it cannot read without them either. Read as an opaque value of the row, {@code
     * (y IS JSON OR x = 1 OR x <> 1)} was {@code write} where the same without its brackets is {@code
     * unknown}. A subquery stays opaque: its tables are judged by what they read.
     */
    private Node bracketed() {
        int open = pos;
        int close = passGroup();
        return startsQuery(open) ? opaque(open + 1, close) : inside(open, close);
    }

    /**
     * The value of the CASE at {@code caseAt} (ending at {@code end}) when every result it can have is
     * the same constant, whatever its conditions: {@code CASE WHEN id = 5 THEN true ELSE true END} is
     * {@code true}. Null otherwise, a CASE without ELSE (whose last result is NULL) included.
     */
    private Node sameResult(int caseAt, int end) {
        List<Integer> marks = new ArrayList<>();
        for (int i = caseAt + 1; i < end; i++) {
            if (t.isWord(i, "case")) {
                i = t.caseEnd(i);
            } else if (t.isOpening(i)) {
                i = t.closing(i);
            } else if (t.isWord(i, "when") || t.isWord(i, "then") || t.isWord(i, "else")) {
                marks.add(i);
            }
        }
        if (marks.isEmpty() || !t.isWord(marks.getLast(), "else")) {
            return null;
        }
        Object value = null;
        for (int m = 0; m < marks.size(); m++) {
            if (t.isWord(marks.get(m), "when")) {
                continue;
            }
            int resultEnd = m + 1 < marks.size() ? marks.get(m + 1) : end;
            Node result = elementValue(marks.get(m) + 1, resultEnd);
            if (result == null || value != null && !sameConstant(value, result.value())) {
                return null;
            }
            value = result.value();
        }
        return value == null ? null : new Node(false, value);
    }

    /** Whether two constants are one value: numbers by value, and a boolean however it is spelt ({@code true}, {@code 't'}). */
    private static boolean sameConstant(Object a, Object b) {
        if (a instanceof BigDecimal x && b instanceof BigDecimal y) {
            return x.compareTo(y) == 0;
        }
        if ((a instanceof Boolean || b instanceof Boolean) && asBoolean(a) instanceof Boolean x && asBoolean(b) instanceof Boolean y) {
            return x.equals(y);
        }
        return a.equals(b);
    }

    /**
     * The value of a call of {@code name} with its arguments bracketed at {@code open} when it is a
     * constant whatever the row holds: {@code COALESCE}, {@code IFNULL} or {@code NVL} whose first
     * argument is a constant other than NULL ({@code COALESCE(1, id) = 1}), MySQL's {@code IF} whose two
     * results are one constant ({@code IF(id = 5, 1, 1)}); null for anything else.
     */
    private Node constantCall(String name, int open) {
        if (!Set.of("coalesce", "ifnull", "nvl", "if").contains(name)) {
            return null;
        }
        int close = t.closing(open);
        List<Integer> commas = argumentCommas(open, close);
        if (commas.isEmpty() || close >= t.size()) {
            return null;
        }
        if (!name.equals("if")) {
            Node first = elementValue(open + 1, commas.getFirst());
            return first == null || first.value() == Null.NULL ? null : first;
        }
        if (commas.size() != 2) {
            return null;
        }
        Node then = elementValue(commas.get(0) + 1, commas.get(1));
        Node otherwise = elementValue(commas.get(1) + 1, close);
        return then != null && otherwise != null && then.value() != Null.NULL
                && sameConstant(then.value(), otherwise.value()) ? then : null;
    }

    /** The commas between the arguments of the call bracketed at {@code open}, closing at {@code close}. */
    private List<Integer> argumentCommas(int open, int close) {
        List<Integer> commas = new ArrayList<>();
        for (int i = open + 1; i < close; i++) {
            if (t.isSymbol(i, ",")) {
                commas.add(i);
            } else if (t.isOpening(i)) {
                i = t.closing(i);
            } else if (t.isWord(i, "case")) {
                i = t.caseEnd(i);
            }
        }
        return commas;
    }

    /**
     * A call that only passes on a test of the row, read as that test so that its complement is
     * found: MySQL's {@code IF(p, 1, 0)} is {@code p} and {@code IF(p, 0, 1)} is {@code NOT p}, and
     * {@code IFNULL(p, 1)}, {@code COALESCE(p, true)} or {@code NVL(p, 1)} hold where {@code p} does
     * (and where it is NULL, which counts for no row here as elsewhere), as {@code IFNULL(p, 0)} and
     * {@code COALESCE(p, false)} do, so {@code IF(p, 1, 0) OR NOT p}, {@code COALESCE(p, true) OR NOT p}
     * and {@code COALESCE(p, false) OR NOT p} hold for every row. Null for any other call.
     */
    private Node testPassedOn(String name, int open) {
        if (!Set.of("if", "ifnull", "coalesce", "nvl").contains(name)) {
            return null;
        }
        int close = t.closing(open);
        List<Integer> commas = argumentCommas(open, close);
        if (close >= t.size() || commas.size() != (name.equals("if") ? 2 : 1)) {
            return null;
        }
        Node then = literal(commas.getFirst() + 1, name.equals("if") ? commas.get(1) : close);
        Object whenTrue = then == null ? null : truthValue(then.value());
        Object whenFalse = whenTrue;
        if (name.equals("if")) {
            Node otherwise = literal(commas.get(1) + 1, close);
            whenFalse = otherwise == null ? null : truthValue(otherwise.value());
        }
        // IFNULL(p, 0) and COALESCE(p, false) hold where p does, as IFNULL(p, 1) does (NULL selects no row).
        if (!(whenTrue instanceof Boolean yes) || !(whenFalse instanceof Boolean no) || name.equals("if") && yes == no) {
            return null;
        }
        Node test = testOf(open + 1, commas.getFirst());
        return test == null ? null : name.equals("if") && !yes ? test.negated() : test;
    }

    /**
     * {@code CASE WHEN p THEN true ELSE false END} (or without ELSE) is {@code p}, and with the results
     * the other way round {@code NOT p}, as MySQL's {@code IF} is ({@link #testPassedOn}); null for any other CASE.
     */
    private Node caseOfOneTest(int caseAt, int end) {
        if (!t.isWord(caseAt + 1, "when")) {
            return null;
        }
        int then = -1;
        int otherwise = -1;
        for (int i = caseAt + 2; i < end; i++) {
            if (t.isWord(i, "case")) {
                i = t.caseEnd(i);
            } else if (t.isOpening(i)) {
                i = t.closing(i);
            } else if (t.isWord(i, "when") || t.isWord(i, "then") && then >= 0 || t.isWord(i, "else") && otherwise >= 0) {
                return null;
            } else if (t.isWord(i, "then")) {
                then = i;
            } else if (t.isWord(i, "else")) {
                otherwise = i;
            }
        }
        if (then < 0 || otherwise >= 0 && otherwise < then) {
            return null;
        }
        // Without ELSE the result is NULL, which selects no row, as false does.
        Node yes = literal(then + 1, otherwise < 0 ? end : otherwise);
        Node no = otherwise < 0 ? Node.FALSE : literal(otherwise + 1, end);
        if (yes == null || no == null || !(truthValue(yes.value()) instanceof Boolean y)
                || !(truthValue(no.value()) instanceof Boolean n) || y == n) {
            return null;
        }
        Node test = testOf(caseAt + 2, then);
        return test == null ? null : y ? test : test.negated();
    }

    /**
     * The constant at {@code [start, end)} when it is a literal ({@code 1}, {@code true}, {@code 't'},
     * {@code -1}); null otherwise. Only literals are read, so that a CASE nested in a result is not
     * read again at each level ({@code CASE WHEN x THEN CASE WHEN x THEN ... END END}).
     */
    private Node literal(int start, int end) {
        return end - start == 1 || end - start == 2 && t.get(start).kind() == Kind.OPERATOR ? elementValue(start, end) : null;
    }

    /**
     * The fields of the row constructor at {@code [start, end)}, {@code (a, b)} or {@code ROW(a)}, as
     * pairs of field start and end; null when the operand is no row constructor.
     */
    private List<int[]> rowFields(int start, int end) {
        int open = t.isWord(start, "row") ? start + 1 : start;
        if (!t.isSymbol(open, "(") || t.closing(open) != end - 1 || startsQuery(open)) {
            return null;
        }
        List<Integer> commas = argumentCommas(open, end - 1);
        if (commas.isEmpty() && open == start) {
            return null; // (x) is x
        }
        List<int[]> fields = new ArrayList<>();
        int fieldStart = open + 1;
        for (int comma : commas) {
            fields.add(new int[] {fieldStart, comma});
            fieldStart = comma + 1;
        }
        fields.add(new int[] {fieldStart, end - 1});
        return fields;
    }

    /**
     * A row's {@code IS [NOT] NULL}: {@code IS NULL} holds when every field is null, {@code IS NOT
     * NULL} when none is (neither is the other negated). So {@code (x, 1) IS NULL} is false for every
     * row, and {@code (x, 1) IS NOT NULL} is {@code x IS NOT NULL}, whose complement is then found.
     */
    private Node rowNullTest(List<int[]> fields, boolean notNull, boolean rowDependent) {
        int[] variable = null;
        int variables = 0;
        for (int[] field : fields) {
            Node constant = elementValue(field[0], field[1]);
            if (constant == null) {
                variable = field;
                variables++;
            } else if ((constant.value() == Null.NULL) == notNull) {
                return Node.FALSE; // a NULL field fails IS NOT NULL, another constant IS NULL
            }
        }
        if (variables == 0) {
            return Node.TRUE;
        }
        return variables > 1 ? Node.unknown(rowDependent)
                : Node.unknown(rowDependent).testing(test("null", notNull, variable[0], variable[1], pos, pos));
    }

    /**
     * A CASE of several WHENs whose results are true or false (or 1 and 0), without ELSE or with a false
     * one: it holds at most where one of the WHENs of a true result does, so those are joined as an OR's
     * parts are ({@code CASE WHEN id = 5 THEN true WHEN id <> 5 THEN true END} holds for every row) and
     * the CASE holds only as written ({@link Node#onlyAsWritten}: NOT of it is not read). A true ELSE
     * may hold for every row. Null when the results are not such constants or a WHEN is not read.
     */
    private Node caseOfSeveralTests(int caseAt, int end) {
        List<int[]> branches = caseBranches(caseAt, end);
        int otherwise = branches.isEmpty() ? -1 : branches.getLast()[0];
        if (otherwise >= 0 && t.isWord(otherwise, "else")) {
            branches = branches.subList(0, branches.size() - 1);
            Node last = literal(otherwise + 1, end);
            if (last == null || !(truthValue(last.value()) instanceof Boolean b)) {
                return null;
            }
            if (b) {
                return MAY_HOLD_FOR_EVERY_ROW;
            }
        }
        if (branches.size() < 2) {
            return null;
        }
        List<int[]> passing = new ArrayList<>();
        for (int[] branch : branches) {
            Node result = literal(branch[1] + 1, branch[2]);
            if (result == null || !(truthValue(result.value()) instanceof Boolean passes)) {
                return null;
            }
            if (passes) {
                passing.add(branch);
            }
        }
        return joinedWhens(passing);
    }

    /**
     * The WHENs of {@code branches} joined as an OR's parts are, read as where a CASE can hold at most,
     * so only as written ({@link Node#onlyAsWritten}); null when one of them is not read.
     */
    private Node joinedWhens(List<int[]> branches) {
        Disjunction any = null;
        for (int[] branch : branches) {
            ConditionAnalyzer inner = new ConditionAnalyzer(condition, t.sub(branch[0] + 1, branch[1]),
                    base + branch[0] + 1);
            Node test;
            try {
                test = inner.or();
            } catch (Unanalysable e) {
                return null;
            }
            if (inner.pos != branch[1] - branch[0] - 1) {
                return null;
            }
            if (any == null) {
                any = new Disjunction(test);
            } else {
                any.add(test);
            }
        }
        Node joined = any == null ? Node.FALSE : any.result();
        if (Boolean.FALSE.equals(asBoolean(joined.value()))) {
            return Node.FALSE;
        }
        return joined.rowDependent() && joined.value() == null
                ? Node.onlyAsWritten().admitting(joined.admitted()) : MAY_HOLD_FOR_EVERY_ROW;
    }

    private boolean isCase(int start, int end) {
        return t.isWord(start, "case") && t.caseEnd(start) == end - 1;
    }

    /**
     * A comparison of the CASE at {@code caseAt} (its END at {@code end}) with a constant: without an
     * ELSE (or with {@code ELSE NULL}) the CASE is NULL, and the comparison false, where none of its
     * WHENs holds, so it holds at most where one does: those are joined as an OR's parts are, and the
     * comparison holds only as written ({@code CASE WHEN id = 5 THEN 1 WHEN id <> 5 THEN 1 END = 1}
     * may hold for every row, {@code CASE WHEN x THEN ... END = 1} not).
     */
    private Node whereSomeWhenHolds(int caseAt, int end) {
        List<int[]> branches = caseBranches(caseAt, end);
        if (branches.isEmpty()) {
            return MAY_HOLD_FOR_EVERY_ROW;
        }
        int[] last = branches.getLast();
        if (t.isWord(last[0], "else")) {
            if (!t.isWord(last[0] + 1, "null") || last[0] + 2 != end) {
                return MAY_HOLD_FOR_EVERY_ROW;
            }
            branches = branches.subList(0, branches.size() - 1);
        }
        Node joined = joinedWhens(branches);
        return joined == null ? MAY_HOLD_FOR_EVERY_ROW : joined;
    }

    /**
     * The branches of the CASE at {@code caseAt}, ending at {@code end}: each WHEN as {@code {when, then,
     * its result's end}}, and an ELSE last as {@code {else, else, end}}.
     */
    private List<int[]> caseBranches(int caseAt, int end) {
        List<int[]> branches = new ArrayList<>();
        int start = -1;
        int then = -1;
        for (int i = caseAt + 1; i <= end; i++) {
            if (i < end && t.isWord(i, "case")) {
                i = t.caseEnd(i);
            } else if (i < end && t.isOpening(i)) {
                i = t.closing(i);
            } else if (i == end || t.isWord(i, "when") || t.isWord(i, "else")) {
                if (start >= 0) {
                    branches.add(new int[] {start, then < 0 ? start : then, i});
                }
                start = i;
                then = -1;
            } else if (t.isWord(i, "then")) {
                then = i;
            }
        }
        return branches;
    }


    /** A constant read as a condition: a boolean however spelt, or (MySQL's) a number, true unless zero. */
    private static Object truthValue(Object value) {
        return value instanceof BigDecimal n ? n.signum() != 0 : asBoolean(value);
    }

    /** The test of the row at {@code [start, end)}, read as a condition; null when it is none. */
    private Node testOf(int start, int end) {
        ConditionAnalyzer inner = new ConditionAnalyzer(condition, t.sub(start, end), base + start);
        try {
            Node node = inner.or();
            return inner.pos == end - start && node.rowDependent() && node.value() == null
                    && (node.test() != null || node.admitted() != null) ? node : null;
        } catch (Unanalysable e) {
            return null;
        }
    }

    /** A bracketed group: a parenthesised condition or row is parsed, anything else is opaque. */
    private Node group() {
        int open = pos;
        int close = passGroup();
        if (t.isSymbol(open, "(") && !startsQuery(open)) {
            try {
                return inside(open, close);
            } catch (Unanalysable e) {
                // Not an expression list (named arguments, keywords in calls): judge it as a whole.
            }
        }
        return opaque(open + 1, close);
    }

    /** The condition, expression or row between the brackets at {@code open} and {@code close}. */
    private Node inside(int open, int close) {
        ConditionAnalyzer inner = new ConditionAnalyzer(condition, t.sub(open + 1, close), base + open + 1);
        Node node = inner.or();
        boolean rowDependent = node.rowDependent();
        while (inner.t.isSymbol(inner.pos, ",")) {
            inner.pos++;
            rowDependent |= inner.or().rowDependent();
            node = Node.unknown(rowDependent);
        }
        if (inner.pos != close - open - 1) {
            throw new Unanalysable();
        }
        return node;
    }

    /**
     * {@code EXISTS (SELECT ...)}: whether a row exists does not depend on what the query selects,
     * so {@code EXISTS (SELECT orders.id)} is true for every row; it depends on the changed row only
     * through the query's WHERE, read as a condition of its own ({@code EXISTS (SELECT 1 FROM u WHERE
     * u.id = o.id OR true)} is the same for every row), or through any other clause that names it.
     * A UNION, INTERSECT or EXCEPT is not followed: such an EXISTS counts as the same for every row.
     */
    private Node exists() {
        int open = pos;
        int close = passGroup();
        TokenSpan query = t.sub(open + 1, close);
        if (query.findAtTopLevel(0, SET_OPERATIONS) >= 0) {
            // EXISTS (a UNION SELECT 1) is true whatever a says: not followed, so taken as the same for every row.
            return Node.unknown(false);
        }
        int from = query.findAtTopLevel(1, "from");
        int where = query.findAtTopLevel(1, "where");
        int afterWhere = where < 0 ? -1 : query.findAtTopLevel(where + 1, AFTER_WHERE);
        int selectEnd = from >= 0 ? from : (where >= 0 ? where : query.size());
        int whereEnd = afterWhere < 0 ? query.size() : afterWhere;
        int first = open + 1;
        if (where >= 0 && joinsItself(query, first, where, whereEnd)) {
            return Node.TRUE;
        }
        boolean rest = readsChangedRow(first + selectEnd, where < 0 ? close : first + where)
                || (where >= 0 && readsChangedRow(first + whereEnd, close));
        return Node.unknown(rest || (where >= 0 && conditionReadsChangedRow(first + where + 1, first + whereEnd)));
    }

    /**
     * Whether an EXISTS query (at {@code first}, its WHERE at {@code where}) reads the changed table
     * again and its WHERE holds for every row once that copy's columns are read as the changed row's:
     * {@code DELETE FROM orders o WHERE EXISTS (SELECT 1 FROM orders p WHERE p.id = o.id)} deletes every
     * row, as {@code o.id = o.id} does.
     */
    /**
     * Whether the bracketed query at {@code open} lists the operand at {@code [start, end)} of the changed
     * row itself: as its one item, read from the outer row, with nothing after it that reads the row
     * ({@code id = (SELECT t.id FROM u LIMIT 1)}, {@code id IN (SELECT o.id FROM orders)}: the same for
     * every row, and every row when it returns one), or of the rows of the changed table read again that
     * its WHERE joins to the changed row itself ({@link #joinsItself}: {@code id = (SELECT p.id FROM orders
     * p WHERE p.id = orders.id)}). Either holds for every row, as {@code id = id} does.
     */
    private boolean joinedToItself(int open, int start, int end) {
        int close = t.closing(open);
        if (close >= t.size() || !t.isWord(open + 1, "select")) {
            return false;
        }
        TokenSpan query = t.sub(open + 1, close);
        int item = query.isWord(1, "all") || query.isWord(1, "distinct") && !query.isWord(2, "on") ? 2 : 1;
        int itemEnd = query.findAtTopLevel(item, ITEM_ENDS);
        itemEnd = itemEnd < 0 ? query.size() : itemEnd;
        if (readsChangedRow(open + 1 + item, open + 1 + itemEnd) && !readsChangedRow(open + 1 + itemEnd, close)
                && sameOperands(start, end, open + 1 + item, open + 1 + itemEnd)) {
            return true;
        }
        int where = query.findAtTopLevel(1, "where");
        if (where < 0) {
            return false;
        }
        int afterWhere = query.findAtTopLevel(where + 1, AFTER_WHERE);
        int whereEnd = afterWhere < 0 ? query.size() : afterWhere;
        WholeTableRead read = WholeTableRead.of(query.sub(0, where));
        return read != null && joinsItself(query, open + 1, where, whereEnd)
                && condition.operands().alike(base + start, base + end, base + open + 1 + read.itemStart(),
                        base + open + 1 + read.itemEnd(), read.alias());
    }

    private boolean joinsItself(TokenSpan query, int first, int where, int whereEnd) {
        WholeTableRead read = WholeTableRead.of(query.sub(0, where));
        ChangedTable table = condition.table();
        if (read == null || table.name() == null || !table.name().equals(read.table())
                || read.alias().equals(table.qualifier())) {
            return false;
        }
        Set<String> copies = new java.util.HashSet<>(table.copies());
        copies.add(read.alias());
        ChangedTable withCopy = new ChangedTable(table.name(), table.qualifier(), table.othersInScope(), Set.copyOf(copies));
        Condition joined = new Condition(withCopy, condition.tokens(), condition.references(), condition.hashes(),
                new AlikeOperands(condition.tokens(), withCopy),
                new OperandColumns(condition.tokens(), withCopy, condition.references(), MAY_BE_COLUMN), new HashMap<>());
        ConditionAnalyzer inner = new ConditionAnalyzer(joined, t.sub(first + where + 1, first + whereEnd),
                base + first + where + 1);
        try {
            Node node = inner.or();
            return inner.pos == whereEnd - where - 1 && Boolean.TRUE.equals(asBoolean(node.value()));
        } catch (Unanalysable e) {
            return false;
        }
    }

    /**
     * The opening bracket of the query that {@code [start, end)} is, bare or quantified: {@code (SELECT
     * ...)}, {@code ANY (SELECT ...)}, {@code ALL (ARRAY(SELECT ...))}, {@code ARRAY(SELECT ...)}; -1 for
     * anything else.
     */
    private int quantifiedQuery(int start, int end) {
        int at = QUANTIFIERS.contains(t.word(start)) ? start + 1 : start;
        if (t.isSymbol(at, "(") && t.isWord(at + 1, "array") && t.isSymbol(at + 2, "(")
                && t.closing(at) == end - 1 && t.closing(at + 2) == end - 2) {
            at += 2;
        } else if (t.isWord(at, "array") && t.isSymbol(at + 1, "(")) {
            at++;
        }
        return t.isSymbol(at, "(") && t.closing(at) < end && startsQuery(at) ? at : -1;
    }

    /**
     * Whether the bracketed query at {@code open} may return the changed row's own value, so that a
     * comparison of the row with it is one of the row with itself, bounded only in appearance: its
     * item or its sources read the changed row ({@code id = (SELECT t.id + 0 FROM u LIMIT 1)}, {@code id
     * = (SELECT s.v FROM (SELECT t.id AS v) s)}), or its WHERE ties a column its item names to the
     * changed row ({@code id = (SELECT u.t_id FROM u WHERE u.t_id = t.id LIMIT 1)}, true for every row
     * that has a {@code u}; {@code id IN (SELECT u.t_id FROM u WHERE u.t_id = t.id)}). A WITH or set
     * operation that reads the row anywhere counts too. An uncorrelated query ({@code id IN (SELECT
     * t_id FROM u WHERE u.flag)}) and an EXISTS are judged as before.
     */
    private boolean selectedFromTheRow(int open) {
        if (open < 0) {
            return false;
        }
        int close = t.closing(open);
        TokenSpan query = t.sub(open + 1, close);
        if (!query.isWord(0, "select") || query.findAtTopLevel(0, SET_OPERATIONS) >= 0) {
            return readsChangedRow(open + 1, close);
        }
        int item = query.isWord(1, "all") || query.isWord(1, "distinct") && !query.isWord(2, "on") ? 2 : 1;
        int itemEnd = query.findAtTopLevel(item, ITEM_ENDS);
        itemEnd = itemEnd < 0 ? query.size() : itemEnd;
        int where = query.findAtTopLevel(itemEnd, "where");
        int sourcesEnd = where >= 0 ? where : query.size();
        if (readsChangedRow(open + 1 + item, open + 1 + sourcesEnd)) {
            return true;
        }
        if (where < 0) {
            return false;
        }
        int afterWhere = query.findAtTopLevel(where + 1, AFTER_WHERE);
        int whereEnd = afterWhere < 0 ? query.size() : afterWhere;
        if (!readsChangedRow(open + 1 + where + 1, open + 1 + whereEnd)) {
            return false;
        }
        Set<String> itemColumns = columnNames(query, item, itemEnd);
        itemColumns.retainAll(columnNames(query, where + 1, whereEnd));
        return !itemColumns.isEmpty();
    }

    /** The names in {@code query}'s {@code [start, end)} that may be columns, without their qualifiers. */
    private static Set<String> columnNames(TokenSpan query, int start, int end) {
        Set<String> names = new java.util.HashSet<>();
        for (int i = start; i < end; i++) {
            if (mayBeColumn(query, i) && !query.isSymbol(i + 1, ".")) {
                names.add(query.get(i).text());
            }
        }
        return names;
    }

    /** What {@code operand [NOT] IN (list at open)} admits when the list holds constants only; else null. */
    private AdmittedValues among(String operand, int open, boolean negated) {
        if (startsQuery(open)) {
            return null;
        }
        List<Object> constants = listedConstants(open, Integer.MAX_VALUE);
        return constants == null ? null : AdmittedValues.among(operand, constants, negated);
    }

    /**
     * What {@code operand OP ANY (array)} or {@code operand OP ALL (array)} admits when the array
     * (bracketed at {@code quantifier + 1}) holds constants: ANY is the OR of the comparisons with its
     * elements, ALL their AND, so {@code id = ANY('{1,2}')} is {@code id IN (1, 2)}, {@code id <> ALL(...)}
     * {@code id NOT IN (...)} and {@code id <> ANY('{1,2}')} holds for every value. ANY of no element
     * holds for none, ALL of none for every value, and ALL over a NULL element for none (the test is
     * then never true). Arrays of anything but constants admit nothing this reads (null).
     */
    private AdmittedValues quantified(Node operand, int start, int end, String operator, int quantifier) {
        boolean all = t.isWord(quantifier, "all");
        // = ANY and <> ALL are read as IN reads its list, one set: 100,000 constants are not 100,000 comparisons.
        boolean asSet = operator.equals("=") && !all || (operator.equals("<>") || operator.equals("!=")) && all;
        List<Object> constants = isOperand(operand)
                ? arrayConstants(quantifier + 1, asSet ? Integer.MAX_VALUE : MAX_COMPARED_ELEMENTS) : null;
        if (constants == null) {
            return null;
        }
        String spelling = spelling(start, end);
        if (constants.isEmpty() || all && constants.contains(null)) {
            return AdmittedValues.among(spelling, List.of(), all && constants.isEmpty());
        }
        if (asSet) {
            return AdmittedValues.among(spelling, constants, all);
        }
        List<AdmittedValues> comparisons = new ArrayList<>();
        for (Object constant : constants) {
            if (constant != null) {
                comparisons.add(AdmittedValues.compared(spelling, operator, constant));
            }
        }
        return all ? AdmittedValues.allOf(comparisons) : AdmittedValues.anyOf(comparisons);
    }

    /**
     * The constants of the array bracketed at {@code open}: {@code (ARRAY[1, 2])} or an array's text,
     * {@code ('{1,2}')}, cast or not ({@code '{1,2}'::int[]}), at most {@code most} of them; null for
     * anything else.
     */
    private List<Object> arrayConstants(int open, int most) {
        int close = t.closing(open);
        if (t.isWord(open + 1, "array") && t.isSymbol(open + 2, "[")) {
            int bracketClose = t.closing(open + 2);
            return isCast(bracketClose + 1, close) ? listedConstants(open + 2, most) : null;
        }
        Kind literal = t.get(open + 1).kind();
        if (literal != Kind.STRING && literal != Kind.DOLLAR_STRING || !isCast(open + 2, close)) {
            return null;
        }
        Node text = elementValue(open + 1, open + 2);
        List<String> elements = text != null && text.value() instanceof String s ? ArrayLiteral.elements(s) : null;
        return elements == null || elements.size() > most ? null : new ArrayList<>(elements);
    }

    /** Whether {@code [start, end)} is nothing, or a cast to an array type ({@code ::int[]}, {@code ::text[]}). */
    private boolean isCast(int start, int end) {
        if (start == end) {
            return true;
        }
        if (!t.isSymbol(start, "::")) {
            return false;
        }
        for (int i = start + 1; i < end; i++) {
            if (!(t.isIdentifier(i) || t.isSymbol(i, "[") || t.isSymbol(i, "]") || t.isSymbol(i, "."))) {
                return false;
            }
        }
        return true;
    }

    /** Whether the array bracketed at {@code open} is {@code (ARRAY(SELECT x FROM table))} of the operand at {@code [start, end)}. */
    private boolean arraySelectsItself(int open, int start, int end) {
        if (!t.isWord(open + 1, "array") || !t.isSymbol(open + 2, "(")) {
            return false;
        }
        int close = t.closing(open + 2);
        return close == t.closing(open) - 1 && selectsItself(open + 3, close, start, end);
    }

    /** Whether the array bracketed at {@code open} ({@code (ARRAY[1, x])}) lists the operand at {@code [start, end)}. */
    private boolean arrayHolds(int open, int start, int end) {
        return t.isWord(open + 1, "array") && t.isSymbol(open + 2, "[") && listHolds(open + 2, start, end);
    }

    /**
     * The constants listed in the brackets at {@code open}, NULL as null; null when one is no constant
     * or there are more than {@code most}.
     */
    private List<Object> listedConstants(int open, int most) {
        int close = t.closing(open);
        List<Object> constants = new ArrayList<>();
        int element = open + 1;
        if (element == close) {
            return constants;
        }
        for (int i = open + 1; i <= close; i++) {
            if (i == close || t.isSymbol(i, ",")) {
                if (constants.size() == most) {
                    return null;
                }
                Node value = elementValue(element, i);
                if (value == null) {
                    return null;
                }
                constants.add(value.value() == Null.NULL ? null : value.value());
                element = i + 1;
            } else if (t.isOpening(i)) {
                i = t.closing(i);
            }
        }
        return constants;
    }

    /** The list element at {@code [start, end)} when it is a constant (NULL included); else null. */
    private Node elementValue(int start, int end) {
        if (start >= end) {
            return null;
        }
        ConditionAnalyzer inner = new ConditionAnalyzer(condition, t.sub(start, end), base + start);
        try {
            Node node = inner.or();
            return inner.pos == end - start && !node.rowDependent() && node.value() != null ? node : null;
        } catch (Unanalysable e) {
            return null;
        }
    }

    /**
     * Whether the bracketed query at {@code open} returns no row whatever the data: a single SELECT
     * with {@code LIMIT 0}, or whose {@code WHERE} is false for every row ({@code WHERE false}, {@code
     * WHERE id <> id}) and whose list calls nothing (an aggregate returns a row of NULL even then).
     * {@code x NOT IN} or {@code x <> ALL} such a query holds for every row.
     */
    private boolean returnsNoRow(int open) {
        int close = t.closing(open);
        if (close >= t.size() || !t.isWord(open + 1, "select")) {
            return false;
        }
        TokenSpan query = t.sub(open + 1, close);
        if (query.findAtTopLevel(0, SET_OPERATIONS) >= 0) {
            return setOperation(open + 1, close, -1, -1).none();
        }
        return branchReturnsNoRow(open + 1, close);
    }

    /** Whether the SELECT at {@code [start, end)}, with no set operation, returns no row whatever the data. */
    private boolean branchReturnsNoRow(int start, int end) {
        TokenSpan query = t.sub(start, end);
        if (!query.isWord(0, "select")) {
            return false;
        }
        int limit = query.findAtTopLevel(0, "limit");
        if (limit >= 0 && limit + 2 == query.size() && query.get(limit + 1).kind() == Kind.NUMBER
                && new BigDecimal(query.get(limit + 1).text()).signum() == 0) {
            return true;
        }
        int from = query.findAtTopLevel(0, "from");
        int where = query.findAtTopLevel(0, "where");
        // SELECT 1 WHERE false returns no row, as one with a FROM does; SELECT max(1) WHERE false one.
        if (where < 0 || hasCall(query, from >= 0 ? from : where)) {
            return false;
        }
        int whereEnd = query.findAtTopLevel(where + 1, AFTER_WHERE);
        TokenSpan whereCondition = query.sub(where + 1, whereEnd < 0 ? query.size() : whereEnd);
        return analyze(whereCondition, new ChangedTable("", false)) == ConditionScope.ALWAYS_FALSE;
    }

    /** Whether the select list before {@code from} holds a bracket (a call, an aggregate among them). */
    private static boolean hasCall(TokenSpan query, int from) {
        for (int i = 1; i < from; i++) {
            if (query.isSymbol(i, "(")) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether the brackets at {@code open} hold a query: {@code (SELECT ...)}, {@code (WITH ...)}, or
     * bracketed queries joined by a set operation, {@code ((SELECT ...) UNION (SELECT ...))}.
     */
    private boolean startsQuery(int open) {
        if (QUERY_STARTS.contains(t.word(open + 1))) {
            return true;
        }
        int close = t.closing(open);
        return t.isSymbol(open + 1, "(") && close < t.size()
                && t.sub(open + 1, close).findAtTopLevel(0, SET_OPERATIONS) >= 0;
    }

    /** Whether the bracketed list at {@code open} holds the operand at {@code [start, end)}: {@code x IN (1, x)}. */
    private boolean listHolds(int open, int start, int end) {
        int close = t.closing(open);
        if (startsQuery(open)) {
            return selectsItself(open + 1, close, start, end) || joinedToItself(open, start, end);
        }
        int element = open + 1;
        for (int i = open + 1; i <= close; i++) {
            if (i == close || t.isSymbol(i, ",")) {
                if (sameOperands(start, end, element, i)) {
                    return true;
                }
                element = i + 1;
            } else if (t.isOpening(i)) {
                i = t.closing(i);
            }
        }
        return false;
    }

    /**
     * Whether {@code [queryStart, queryEnd)} is {@code SELECT x FROM table [alias]} of the changed
     * table, without a WHERE or anything after it, and {@code x} is the operand at {@code [start,
     * end)}: {@code id IN (SELECT id FROM orders)} holds for every row of orders.
     */
    private boolean selectsItself(int queryStart, int queryEnd, int start, int end) {
        TokenSpan query = t.sub(queryStart, queryEnd);
        String name = condition.table().name();
        if (name == null) {
            return false;
        }
        if (query.findAtTopLevel(0, Set.of("intersect", "except")) >= 0) {
            return setOperation(queryStart, queryEnd, start, end).every();
        }
        if (query.isWord(0, "with")) {
            // A WITH is not followed: one that reads the table counts as listing its every row.
            return ChangedTable.readsWhole(query, name);
        }
        if (query.isWord(0, "table")) {
            // id IN (TABLE orders): the table's every row, as its one column.
            int tableEnd = query.skipQualifiedName(query.isWord(1, "only") ? 2 : 1);
            return tableEnd == query.size() && readsChangedTable(query.get(tableEnd - 1).text());
        }
        // A UNION holds every row of each of its parts: one that selects every row of the table suffices.
        int branch = 0;
        while (true) {
            int union = query.findAtTopLevel(branch, "union");
            int branchEnd = union < 0 ? query.size() : union;
            boolean bracketed = query.isSymbol(branch, "(") && query.closing(branch) == branchEnd - 1;
            int from = bracketed ? branch + 1 : branch;
            int to = bracketed ? branchEnd - 1 : branchEnd;
            if (branchSelectsItself(queryStart + from, queryStart + to, start, end)) {
                return true;
            }
            if (union < 0) {
                return false;
            }
            branch = union + (query.isWord(union + 1, "all") || query.isWord(union + 1, "distinct") ? 2 : 1);
        }
    }

    /**
     * Whether one SELECT at {@code [queryStart, queryEnd)} lists the operand at {@code [start, end)} for
     * every row of the changed table: {@code SELECT x FROM table [alias]}, or MySQL's way past "can't
     * specify target table", {@code SELECT id FROM (SELECT id FROM t) z}, or a {@link WholeTableRead}.
     */
    private boolean branchSelectsItself(int queryStart, int queryEnd, int start, int end) {
        TokenSpan query = t.sub(queryStart, queryEnd);
        String name = condition.table().name();
        int from = query.findAtTopLevel(1, "from");
        if (query.isWord(0, "select") && from >= 0 && query.isSymbol(from + 1, "(")) {
            int item = query.isWord(1, "all") ? 2 : 1;
            int close = query.closing(from + 1);
            boolean whole = ChangedTable.readsWhole(query.sub(from + 2, close), name);
            int aliasAt = query.isWord(close + 1, "as") ? close + 2 : close + 1;
            String alias = query.isIdentifier(aliasAt) ? query.get(aliasAt).text() : name;
            int queryRest = query.isIdentifier(aliasAt) ? aliasAt + 1 : close + 1;
            if (whole && queryRest == query.size() && condition.operands().alike(base + start, base + end,
                    base + queryStart + item, base + queryStart + from, alias)) {
                return true;
            }
        }
        WholeTableRead read = WholeTableRead.of(query);
        return read != null && readsChangedTable(read.table()) && condition.operands().alike(base + start, base + end,
                base + queryStart + read.itemStart(), base + queryStart + read.itemEnd(), read.alias());
    }

    /** What a query of set operations returns: every row of the changed table's column, or no row at all. */
    private record SetReading(boolean every, boolean none) {
    }

    /**
     * What the query at {@code [queryStart, queryEnd)}, branches joined by UNION, INTERSECT and EXCEPT
     * (INTERSECT first), returns: every value the row's operand at {@code [start, end)} can have, when
     * a UNION's part does, every part of an INTERSECT does, or the left of an EXCEPT does and its right
     * returns no row ({@code SELECT id FROM orders INTERSECT SELECT id FROM orders}); no row, when
     * every part of a UNION returns none, a part of an INTERSECT does, or an EXCEPT takes a branch from
     * itself ({@code SELECT id FROM u EXCEPT SELECT id FROM u}). With {@code start} -1 only the second.
     */
    private SetReading setOperation(int queryStart, int queryEnd, int start, int end) {
        TokenSpan query = t.sub(queryStart, queryEnd);
        SetReading whole = null;
        SetReading term = null;
        String joining = null;
        int[] first = null;
        int branches = 0;
        int branch = 0;
        while (true) {
            int operator = query.findAtTopLevel(branch, SET_OPERATIONS);
            int branchEnd = operator < 0 ? query.size() : operator;
            boolean bracketed = query.isSymbol(branch, "(") && query.closing(branch) == branchEnd - 1;
            int[] range = {queryStart + (bracketed ? branch + 1 : branch), queryStart + (bracketed ? branchEnd - 1 : branchEnd)};
            SetReading read = new SetReading(start >= 0 && branchSelectsItself(range[0], range[1], start, end),
                    branchReturnsNoRow(range[0], range[1]));
            boolean alone = term == null;
            term = alone ? read : new SetReading(term.every() && read.every(), term.none() || read.none());
            String next = operator < 0 ? null : query.word(operator);
            branches++;
            first = branches == 1 ? range : first;
            if (!"intersect".equals(next)) {
                if (whole == null) {
                    whole = term;
                } else if (joining.equals("union")) {
                    whole = new SetReading(whole.every() || term.every(), whole.none() && term.none());
                } else {
                    // a EXCEPT a: nothing is left of one branch taken from itself.
                    boolean itself = branches == 2 && alone && sameTokens(first, range);
                    whole = new SetReading(whole.every() && term.none(), whole.none() || itself);
                }
                joining = next;
                term = null;
            }
            if (operator < 0) {
                return whole;
            }
            branch = operator + (query.isWord(operator + 1, "all") || query.isWord(operator + 1, "distinct") ? 2 : 1);
        }
    }

    /** Whether two ranges of this group hold the same tokens. */
    private boolean sameTokens(int[] a, int[] b) {
        return a[1] - a[0] == b[1] - b[0]
                && condition.hashes().hash(base + a[0], base + a[1]) == condition.hashes().hash(base + b[0], base + b[1]);
    }

    /** Whether a subquery reading {@code table} reads the changed table (or a copy the statement reads it under). */
    private boolean readsChangedTable(String table) {
        return table.equals(condition.table().name()) || condition.table().copies().contains(table);
    }

    /** Moves past the bracketed group at {@code pos}; the index of its closing bracket. */
    private int passGroup() {
        int close = t.closing(pos);
        if (close >= t.size()) {
            throw new Unanalysable();
        }
        pos = close + 1;
        return close;
    }

    /** Whether the condition at {@code [start, end)} of this group reads the changed row, read as a condition. */
    private boolean conditionReadsChangedRow(int start, int end) {
        ConditionAnalyzer inner = new ConditionAnalyzer(condition, t.sub(start, end), base + start);
        try {
            Node node = inner.or();
            if (inner.pos == end - start) {
                return node.rowDependent() && asBoolean(node.value()) == null;
            }
        } catch (Unanalysable e) {
            // Judged by the names it holds, below.
        }
        return readsChangedRow(start, end);
    }

    /** Tokens we do not parse: they depend on the row if they mention anything that may be a column of it. */
    private Node opaque(int start, int end) {
        return Node.unknown(readsChangedRow(start, end));
    }

    private boolean readsChangedRow(int start, int end) {
        return condition.references().any(base + start, base + end);
    }

    private static boolean mayBeColumn(TokenSpan t, int i) {
        SqlToken token = t.get(i);
        if (!token.isIdentifier() || t.isSymbol(i + 1, "(") || t.isSymbol(i - 1, "::") || t.isWord(i - 1, "as")) {
            return false;
        }
        return token.kind() == Kind.QUOTED_IDENTIFIER
                || (!NOT_COLUMNS.contains(token.text()) && !CONSTANT_WORDS.contains(token.text())
                && !TYPE_CONTINUATIONS.contains(token.text()));
    }

    private void skipTypeName() {
        if (!t.isIdentifier(pos)) {
            throw new Unanalysable();
        }
        pos = t.skipQualifiedName(pos);
        while (TYPE_CONTINUATIONS.contains(t.word(pos))) {
            pos++;
        }
        if (t.isSymbol(pos, "(")) {
            pos = t.closing(pos) + 1;
        }
        while (t.isSymbol(pos, "[")) {
            pos = t.closing(pos) + 1;
        }
    }

    private Node compare(Node left, String op, Node right, boolean sameOperands) {
        if (left.rowDependent() || right.rowDependent()) {
            if (sameOperands) {
                return Set.of("=", "<=", ">=").contains(op) ? Node.TRUE : Node.FALSE;
            }
            return Node.unknown(true);
        }
        Object l = left.value();
        Object r = right.value();
        if (l == null || r == null) {
            return Node.unknown(false);
        }
        if (l == Null.NULL || r == Null.NULL) {
            return new Node(false, Null.NULL);
        }
        Integer order = order(l, r);
        if (order == null) {
            return Node.unknown(false);
        }
        boolean result = switch (op) {
            case "=" -> order == 0;
            case "<>", "!=" -> order != 0;
            case "<" -> order < 0;
            case ">" -> order > 0;
            case "<=" -> order <= 0;
            default -> order >= 0;
        };
        return result ? Node.TRUE : Node.FALSE;
    }

    /** Comparison of two constants the way PostgreSQL coerces literals, or null if not obvious. */
    private static Integer order(Object l, Object r) {
        BigDecimal ln = asNumber(l);
        BigDecimal rn = asNumber(r);
        if (ln != null && rn != null && (l instanceof BigDecimal || r instanceof BigDecimal)) {
            return ln.compareTo(rn);
        }
        Object lb = asBoolean(l);
        Object rb = asBoolean(r);
        if ((l instanceof Boolean || r instanceof Boolean) && lb instanceof Boolean a && rb instanceof Boolean b) {
            return Boolean.compare(a, b);
        }
        if (l instanceof String a && r instanceof String b) {
            return a.equals(b) ? 0 : (a.compareTo(b) < 0 ? -1 : 1);
        }
        return null;
    }

    /**
     * Whether an arithmetic of the row's values is zero whatever they are: {@code x - x}, {@code x *
     * 0}, {@code 0 * x}, {@code x & 0} ({@code itself}: the operands are alike). A NULL operand gives NULL instead, a
     * row no test holds for, as with {@code x = x}.
     */
    private static boolean cancelled(Node left, String op, Node right, boolean itself) {
        if (!left.rowDependent() && !right.rowDependent()) {
            return false;
        }
        return op.equals("-") && itself
                || (op.equals("*") || op.equals("&")) && (isZero(left.value()) || isZero(right.value()));
    }

    private static boolean isZero(Object value) {
        return value instanceof BigDecimal n && n.signum() == 0;
    }

    private Node arithmetic(Node left, String op, Node right) {
        if (!left.rowDependent() && !right.rowDependent()) {
            if (left.value() instanceof BigDecimal a && right.value() instanceof BigDecimal b) {
                switch (op) {
                    case "+" -> {
                        return constant(a.add(b));
                    }
                    case "-" -> {
                        return constant(a.subtract(b));
                    }
                    case "*" -> {
                        return constant(a.multiply(b));
                    }
                    default -> {
                        return Node.unknown(false);
                    }
                }
            }
            if (op.equals("||") && left.value() instanceof String a && right.value() instanceof String b) {
                return new Node(false, a + b);
            }
        }
        return Node.unknown(left.rowDependent() || right.rowDependent());
    }

    private static BigDecimal asNumber(Object value) {
        if (value instanceof BigDecimal n) {
            return n;
        }
        if (value instanceof String s) {
            return foldable(s.trim());
        }
        return null;
    }

    /** The number {@code text} spells if it is small enough to fold (see {@link #MAX_FOLDED_DIGITS}), else null. */
    private static BigDecimal foldable(String text) {
        if (text.length() > MAX_FOLDED_DIGITS) {
            return null;
        }
        try {
            BigDecimal n = new BigDecimal(text);
            return isFoldable(n) ? n : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static boolean isFoldable(BigDecimal n) {
        return n != null && Math.abs((long) n.scale()) <= MAX_FOLDED_DIGITS && n.precision() <= MAX_FOLDED_DIGITS;
    }

    /** A constant operand: its value when foldable, otherwise a constant of unknown value. */
    private static Node constant(BigDecimal n) {
        return isFoldable(n) ? new Node(false, n) : Node.unknown(false);
    }

    /** PostgreSQL's boolean input: a string literal such as 'yes' is a valid boolean. */
    private static Object asBoolean(Object value) {
        if (value instanceof String s) {
            String v = s.trim().toLowerCase(java.util.Locale.ROOT);
            if (TRUE_SPELLINGS.contains(v)) {
                return Boolean.TRUE;
            }
            if (FALSE_SPELLINGS.contains(v)) {
                return Boolean.FALSE;
            }
            return null;
        }
        return value;
    }

    /**
     * Whether two operands differ as written but read the same columns of the row (or of a copy of it),
     * one computed from the other ({@code id = id + 0}, {@code name || '' = name}): see {@link OperandColumns}.
     */
    /**
     * Whether a test of the operands at {@code [leftStart, leftEnd)} and {@code [rightStart, rightEnd)},
     * one of which reads the row, may hold for every row however it is written: one side is computed
     * from the other ({@link #computedFromItself}), or one side draws a new value for each row ({@link
     * #drawnPerRow}).
     */
    private boolean mayHoldForEveryRow(Node left, int leftStart, int leftEnd, Node right, int rightStart, int rightEnd) {
        return computedFromItself(left, leftStart, leftEnd, right, rightStart, rightEnd)
                || (left.rowDependent() || right.rowDependent())
                && (drawnPerRow(leftStart, leftEnd) || drawnPerRow(rightStart, rightEnd));
    }

    /**
     * Whether {@code [start, end)} calls a function that returns a new value at each call, so for each
     * row ({@link #DRAWN_PER_ROW}: {@code random()}, {@code nextval('s')}, MariaDB's {@code NEXT VALUE
     * FOR s}): {@code id = nextval('s')} reads as an equality with one value, but a sequence set to the
     * table's first id meets every row of a scan in id order, as a counter in a function would.
     */
    private boolean drawnPerRow(int start, int end) {
        for (int i = start; i < end; i++) {
            if (t.isSymbol(i + 1, "(") && DRAWN_PER_ROW.contains(t.word(i))
                    || t.isWord(i, "next") && t.isWord(i + 1, "value") && t.isWord(i + 2, "for")) {
                return true;
            }
        }
        return false;
    }

    private boolean computedFromItself(Node left, int leftStart, int leftEnd, Node right, int rightStart, int rightEnd) {
        // A copy's columns (o.id = p.id + 0 of orders o ... orders p) read as the row's, as in AlikeOperands.
        return (left.rowDependent() || right.rowDependent()) && !sameOperands(leftStart, leftEnd, rightStart, rightEnd)
                && new OperandColumns(condition.tokens(), condition.table(), condition.references(), MAY_BE_COLUMN)
                .readSame(base + leftStart, base + leftEnd, base + rightStart, base + rightEnd);
    }

    /**
     * Whether the operand at {@code [start, end)} is compared with a bracketed query at {@code [open,
     * end)} that computes from the same column of every row of the changed table: {@code id >= (SELECT
     * min(id) FROM orders)}, {@code id <= (SELECT max(id) FROM orders WHERE true)}, {@code id <> (SELECT
     * max(id) + 1 FROM orders)}. Such a bound is drawn from the rows themselves, so a comparison with
     * it other than equality may hold for every row; {@code id = (SELECT max(id) FROM orders)} is one row.
     */
    private boolean boundedByItsOwnTable(Node operand, int start, int end, int open, int close) {
        if (!operand.rowDependent() || !t.isSymbol(open, "(") || t.closing(open) != close - 1) {
            return false;
        }
        WholeTableRead read = WholeTableRead.of(t.sub(open + 1, close - 1));
        return read != null && readsChangedTable(read.table())
                && new OperandColumns(condition.tokens(), condition.table(), condition.references(), MAY_BE_COLUMN)
                .readSameAsItem(base + start, base + end, base + open + 1 + read.itemStart(),
                        base + open + 1 + read.itemEnd(), read.alias());
    }

    /**
     * Whether two operands read the same value ({@code id = id}, {@code (id) = orders.id}): see
     * {@link AlikeOperands}, which compares long operands token for token only, so comparing every
     * operand pair of a condition stays O(n log n) even for nested {@code (x = x) = (x = x)}.
     */
    private boolean sameOperands(int leftStart, int leftEnd, int rightStart, int rightEnd) {
        return condition.operands().alike(base + leftStart, base + leftEnd, base + rightStart, base + rightEnd);
    }
}
