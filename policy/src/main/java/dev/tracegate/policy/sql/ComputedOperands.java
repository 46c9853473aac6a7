package dev.tracegate.policy.sql;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * How far a test of an operand against constants can be trusted to tell rows apart. A column
 * (cast, collated, a JSON member or an array element of it, a time zone applied) takes whatever
 * values the data holds, so any test of it selects some rows and not others. A computation of a
 * column need not: {@code strpos(x, '') = 1}, {@code id % 1 = 0}, {@code SUBSTRING(x, 1, 0) = ''}
 * and {@code id >> 64 = 0} are constant, and {@code GREATEST(x, 0) >= 0}, {@code LEAST(x, 0) <= 0},
 * {@code extract(month FROM d) <= 12} or {@code lower(x) <> 'A'} admit everything the computation
 * can return. No rule on the text follows every function and operator, so only what is known is
 * trusted: functions that are never constant, whatever constants they are given, are trusted in an
 * equality ({@code lower(email) = 'a'}, {@code EXTRACT(year FROM d) = 2020}, {@code COALESCE(id, 1)
 * = 1}), whose only way to hold for every row is a constant computation; functions whose range the
 * analysis reads ({@code length}, {@code abs}: see ConditionAnalyzer's non-negative functions) in
 * every test; anything else in none.
 */
final class ComputedOperands {

    /** How far tests of an operand against constants can be trusted. */
    enum Trust {
        /** A column: any test against constants. */
        EVERY_TEST,
        /** A computation that is never constant: equality, IN and LIKE, never their negations or orders. */
        EQUALITY,
        /** A computation whose range the analysis does not know. */
        NONE
    }

    /** Which parts of the operand read the changed row: {@code readsRow(start, end)}. */
    interface RowReads {
        boolean any(int start, int end);
    }

    /** Functions never constant for a varying argument, whatever constants they are given. */
    private static final Set<String> NEVER_CONSTANT = Set.of(
            "lower", "upper", "lcase", "ucase", "initcap", "trim", "btrim", "ltrim", "rtrim", "reverse", "unaccent",
            "extract", "date_part", "date_trunc", "date", "year", "month", "day", "dayofmonth", "hour", "minute",
            "coalesce", "ifnull", "nvl", "md5", "sha1", "sha2", "sha224", "sha256", "sha384", "sha512",
            "json_extract_path_text", "jsonb_extract_path_text", "json_unquote", "json_extract");
    /** What makes a SELECT more than the expression it lists. */
    private static final Set<String> QUERY_CLAUSES = Set.of(
            "from", "where", "group", "having", "window", "order", "limit", "offset", "fetch", "for", "union",
            "intersect", "except", "distinct", "all", "into");
    /** Functions that return one of their arguments, so may read the row in several. */
    private static final Set<String> FIRST_OF = Set.of("coalesce", "ifnull", "nvl");
    /** Functions whose range the analysis reads, so every test of them is judged against it. */
    private static final Set<String> RANGE_READ = Set.of(
            "abs", "length", "char_length", "character_length", "octet_length", "bit_length", "cardinality",
            "array_length", "pg_column_size", "num_nulls", "num_nonnulls", "ascii", "crc32", "bit_count");
    /** What may follow a column and leave it one: a member or path of a JSON value. */
    private static final Set<String> MEMBER_OPERATORS = Set.of("->", "->>", "#>", "#>>");
    /** Words that separate a call's arguments as commas do: {@code EXTRACT(year FROM d)}, {@code TRIM(BOTH ' ' FROM x)}. */
    private static final Set<String> ARGUMENT_WORDS = Set.of("from", "for", "in", "as", "placing");

    private final TokenSpan t;
    private final RowReads rowReads;

    ComputedOperands(TokenSpan tokens, RowReads rowReads) {
        this.t = tokens;
        this.rowReads = rowReads;
    }

    /** How far tests of the operand at {@code [start, end)} against constants can be trusted. */
    Trust of(int start, int end) {
        if (isQuery(start, end) && t.isWord(start + 1, "select")
                && t.sub(0, end - 1).findAtTopLevel(start + 2, QUERY_CLAUSES) < 0) {
            // (SELECT id % 1) is the expression it lists.
            return of(start + 2, end - 1);
        }
        if (!rowReads.any(start, end) || columnEnd(start, end) == end || isQuery(start, end)) {
            // A subquery is judged by what it lists (ConditionAnalyzer's subquery rules), not as a computation.
            return Trust.EVERY_TEST;
        }
        boolean row = t.isWord(start, "row") && t.isSymbol(start + 1, "(");
        int open = row ? start + 1 : start;
        if (t.isSymbol(open, "(") && t.closing(open) == end - 1) {
            // A row, (a, b) or ROW(a, b): as far as its least trusted field.
            return arguments(open + 1, end - 1, Set.of());
        }
        if (!t.isIdentifier(start) || !t.isSymbol(start + 1, "(") || t.closing(start + 1) >= end
                || suffixesEnd(t.closing(start + 1) + 1, end) != end) {
            return computed(start, end);
        }
        String name = t.word(start);
        int close = t.closing(start + 1);
        if (!NEVER_CONSTANT.contains(name) && !RANGE_READ.contains(name)
                || arguments(start + 2, close, ARGUMENT_WORDS) == Trust.NONE
                || !FIRST_OF.contains(name) && rowArguments(start + 2, close) > 1) {
            // btrim(x, x) is '' for every row: the constants a function is never constant for are constants.
            return Trust.NONE;
        }
        return RANGE_READ.contains(name) ? Trust.EVERY_TEST : Trust.EQUALITY;
    }

    /** The least trust of the arguments in {@code [start, end)}, split at commas and {@code separators}. */
    private Trust arguments(int start, int end, Set<String> separators) {
        Trust least = Trust.EVERY_TEST;
        for (int[] argument : argumentRanges(start, end, separators)) {
            least = least(least, of(argument[0], argument[1]));
        }
        return least;
    }

    /** How many of the arguments in {@code [start, end)} read the row. */
    private int rowArguments(int start, int end) {
        int count = 0;
        for (int[] argument : argumentRanges(start, end, ARGUMENT_WORDS)) {
            count += rowReads.any(argument[0], argument[1]) ? 1 : 0;
        }
        return count;
    }

    /** The arguments in {@code [start, end)}, split at commas and {@code separators}, as ranges; empty ones left out. */
    private List<int[]> argumentRanges(int start, int end, Set<String> separators) {
        List<int[]> ranges = new ArrayList<>();
        int from = start;
        for (int i = start; i <= end; i++) {
            if (i < end && t.isOpening(i)) {
                i = t.closing(i);
            } else if (i < end && t.isWord(i, "case")) {
                i = t.caseEnd(i);
            } else if (i == end || t.isSymbol(i, ",") || separators.contains(t.word(i))) {
                if (from < i) {
                    ranges.add(new int[] {from, i});
                }
                from = i + 1;
            }
        }
        return ranges;
    }

    /**
     * Operators joining columns and constants: adding or subtracting anything, or multiplying by a
     * number other than zero, keeps every test of the column ({@code x - 1 = 0}, {@code a + b > a});
     * dividing, a bitwise AND with a number other than zero and concatenating keep equality
     * ({@code flags & 4 = 4}); anything else ({@code %}, {@code |}, {@code <<}, {@code ^}, a product
     * with a parameter) none.
     */
    private Trust computed(int start, int end) {
        List<int[]> segments = new ArrayList<>();
        List<String> operators = new ArrayList<>();
        int from = start;
        for (int i = start; i < end; i++) {
            if (t.isOpening(i)) {
                i = t.closing(i);
            } else if (t.isWord(i, "case")) {
                i = t.caseEnd(i);
            } else if (t.get(i).kind() == SqlToken.Kind.OPERATOR) {
                segments.add(new int[] {from, i});
                operators.add(t.get(i).text());
                from = i + 1;
            }
        }
        segments.add(new int[] {from, end});
        if (operators.isEmpty()) {
            return Trust.NONE;
        }
        Trust least = Trust.EVERY_TEST;
        for (int k = 0; k < segments.size(); k++) {
            int[] segment = segments.get(k);
            if (segment[0] < segment[1]) {
                least = least(least, of(segment[0], segment[1]));
                if (k + 1 < segments.size()) {
                    least = least(least, joining(operators.get(k), segment, segments.get(k + 1)));
                }
            } else if (k < operators.size() && Set.of("-", "+", "~").contains(operators.get(k))) {
                // Nothing before the operator: a sign, or a bitwise NOT.
                least = least(least, operators.get(k).equals("~") ? Trust.EQUALITY : Trust.EVERY_TEST);
            } else {
                return Trust.NONE;
            }
        }
        return least;
    }

    /** What {@code operator} keeps of its operands' tests, joining {@code left} and {@code right}. */
    private Trust joining(String operator, int[] left, int[] right) {
        return switch (operator) {
            case "+", "-", "->", "->>", "#>", "#>>" -> Trust.EVERY_TEST;
            case "*" -> nonZeroNumber(left) && nonZeroNumber(right) ? Trust.EVERY_TEST : Trust.NONE;
            case "&" -> nonZeroNumber(left) && nonZeroNumber(right) ? Trust.EQUALITY : Trust.NONE;
            case "/", "||" -> Trust.EQUALITY;
            default -> Trust.NONE;
        };
    }

    /** Whether the operand at {@code segment} reads the row or is a number other than zero ({@code x * $1} may be zero). */
    private boolean nonZeroNumber(int[] segment) {
        if (rowReads.any(segment[0], segment[1])) {
            return true;
        }
        if (segment[1] - segment[0] != 1 || t.get(segment[0]).kind() != SqlToken.Kind.NUMBER) {
            return false;
        }
        try {
            return new BigDecimal(t.get(segment[0]).text()).signum() != 0;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private boolean isQuery(int start, int end) {
        return t.isSymbol(start, "(") && t.closing(start) == end - 1
                && Set.of("select", "with", "values", "table").contains(t.word(start + 1));
    }

    private static Trust least(Trust a, Trust b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    /**
     * Where a column read at {@code start} ends, with what leaves it a column after it; {@code start}
     * when none starts there. A bracketed column, {@code (x)}, and {@code CAST(x AS type)} count.
     */
    private int columnEnd(int start, int end) {
        int p;
        if (t.isSymbol(start, "(")) {
            int close = t.closing(start);
            if (close >= end || columnEnd(start + 1, close) != close) {
                return start;
            }
            p = close + 1;
        } else if (t.isWord(start, "cast") && t.isSymbol(start + 1, "(")) {
            int close = t.closing(start + 1);
            int as = t.sub(0, close).findAtTopLevel(start + 2, "as");
            if (close >= end || as < 0 || as >= close || columnEnd(start + 2, as) != as) {
                return start;
            }
            p = close + 1;
        } else if (t.isIdentifier(start) && !t.isSymbol(start + 1, "(")) {
            p = start + 1;
            while (t.isSymbol(p, ".") && t.isIdentifier(p + 1)) {
                p += 2;
            }
        } else {
            return start;
        }
        return suffixesEnd(p, end);
    }

    /** Past the casts, COLLATE, AT TIME ZONE, subscripts and JSON members from {@code p}. */
    private int suffixesEnd(int p, int end) {
        while (p < end) {
            if (t.isSymbol(p, "::") && t.isIdentifier(p + 1)) {
                p = t.skipQualifiedName(p + 1);
                while (p < end && Set.of("precision", "varying", "with", "without", "time", "zone").contains(t.word(p))) {
                    p++;
                }
                p = t.isSymbol(p, "(") ? t.closing(p) + 1 : p;
            } else if (t.isSymbol(p, "[")) {
                int close = t.closing(p);
                if (rowReads.any(p, close)) {
                    return -1;
                }
                p = close + 1;
            } else if (t.isWord(p, "collate") && t.isIdentifier(p + 1)) {
                p = t.skipQualifiedName(p + 1);
            } else if (t.isWord(p, "at") && t.isWord(p + 1, "time") && t.isWord(p + 2, "zone") && constantToken(p + 3)) {
                p += 4;
            } else if (t.get(p).kind() == SqlToken.Kind.OPERATOR && MEMBER_OPERATORS.contains(t.get(p).text())
                    && constantToken(p + 1)) {
                p += 2;
            } else {
                return p;
            }
        }
        return p;
    }

    private boolean constantToken(int i) {
        if (i >= t.size()) {
            return false;
        }
        SqlToken.Kind kind = t.get(i).kind();
        return kind == SqlToken.Kind.STRING || kind == SqlToken.Kind.NUMBER || kind == SqlToken.Kind.PARAMETER
                || kind == SqlToken.Kind.DOLLAR_STRING;
    }
}
