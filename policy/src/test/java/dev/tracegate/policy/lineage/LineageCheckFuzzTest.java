package dev.tracegate.policy.lineage;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Coverage-guided fuzzing of {@link LineageCheck} against the demo's shop schema ({@link ShopCatalog}),
 * {@code ./fuzz LineageCheckFuzzTest}.
 *
 * <p>{@code anyText}: whatever the text, the check returns a verdict (a refusal has a reason); it
 * never throws. {@code protectedValueInACall}: statements built from a grammar put a function call
 * in the select list whose arguments carry a protected column's value (through nested calls,
 * operators, casts, CASE results, COALESCE, a scalar subquery, a whole-row reference; from the
 * table, an alias, a derived table, a CTE, a join or a view). Whatever else the statement holds,
 * such a call computes a value from protected data, which docs/masking.md never returns to a masked
 * caller, so the verdict must never be "allowed". {@code count} is the one call the rule lets
 * through (counting reveals nothing masking does not), so it is never generated; nor are columns
 * whose profile grants computation (the birth date's {@code year}), since those may legitimately pass.
 */
class LineageCheckFuzzTest {

    private static final ProtectedSchema SHOP = ShopCatalog.schema();

    /** Columns of customers whose values the profile never lets a computation return. */
    private static final List<String> PROTECTED = List.of("email", "phone", "card_number", "national_id", "notes");
    /** Columns of the contacts view that carry a protected value (email as e, reverse(card_number) as rc). */
    private static final List<String> PROTECTED_VIEW_COLUMNS = List.of("e", "rc");
    private static final List<String> FUNCTIONS = ShopCatalog.BUILT_IN_FUNCTIONS.stream()
            .filter(name -> !name.equals("count")).sorted().toList();
    private static final List<String> CASTS = List.of("text", "varchar", "bytea", "int8", "json", "name", "char(4)");
    private static final List<String> OPERATORS = List.of("||", "+", "-", "*", "#", "&", "->", "->>");

    @FuzzTest
    void anyText(byte[] input) {
        String sql = new String(input, StandardCharsets.UTF_8);
        LineageVerdict verdict = LineageCheck.check(sql, SHOP);
        assertThat(verdict).isNotNull();
        if (!verdict.allowed()) {
            assertThat(verdict.reason()).as("reason of the refusal of %s", sql).isNotBlank();
        }
    }

    @FuzzTest
    void protectedValueInACall(FuzzedDataProvider data) {
        Source source = data.pickValue(Source.values());
        StatementBuilder builder = new StatementBuilder(data, source);
        String call = builder.call(3);
        List<String> items = new ArrayList<>();
        int before = data.consumeInt(0, 2);
        for (int i = 0; i < before; i++) {
            items.add(builder.harmless(1));
        }
        items.add(call + (data.consumeBoolean() ? " AS " + builder.identifier() : ""));
        int after = data.consumeInt(0, 2);
        for (int i = 0; i < after; i++) {
            items.add(builder.harmless(1));
        }
        String sql = source.with + "SELECT " + (data.consumeBoolean() ? "DISTINCT " : "") + String.join(", ", items)
                + " FROM " + source.from + (data.consumeBoolean() ? " WHERE " + builder.condition() : "")
                + (data.consumeBoolean() ? " LIMIT " + data.consumeInt(0, 100) : "");

        LineageVerdict verdict = LineageCheck.check(sql, SHOP);

        assertThat(verdict.allowed()).as("verdict on %s", sql).isFalse();
    }

    /** Where the statement reads from, and how its columns may be written. */
    enum Source {
        TABLE("", "customers", "customers.", List.of(), PROTECTED),
        ALIAS("", "customers c", "c.", List.of("c"), PROTECTED),
        QUALIFIED_ALIAS("", "public.customers AS c", "c.", List.of("c"), PROTECTED),
        DERIVED("", "(SELECT * FROM customers) c", "c.", List.of(), PROTECTED),
        CTE("WITH x AS (SELECT * FROM customers) ", "x", "x.", List.of(), PROTECTED),
        JOIN("", "customers c JOIN orders o ON o.customer_id = c.id", "c.", List.of("c"), PROTECTED),
        VIEW("", "contacts v", "v.", List.of(), PROTECTED_VIEW_COLUMNS);

        final String with;
        final String from;
        final String qualifier;
        final List<String> wholeRows;
        final List<String> columns;

        Source(String with, String from, String qualifier, List<String> wholeRows, List<String> columns) {
            this.with = with;
            this.from = from;
            this.qualifier = qualifier;
            this.wholeRows = wholeRows;
            this.columns = columns;
        }
    }

    /** A small grammar over the fuzzer's choices. */
    private static final class StatementBuilder {
        private final FuzzedDataProvider data;
        private final Source source;

        StatementBuilder(FuzzedDataProvider data, Source source) {
            this.data = data;
            this.source = source;
        }

        /** A function call one of whose arguments carries a protected value. */
        String call(int depth) {
            String function = data.consumeBoolean() ? data.pickValue(FUNCTIONS) : functionName();
            List<String> arguments = new ArrayList<>();
            int others = data.consumeInt(0, 2);
            int at = data.consumeInt(0, others);
            for (int i = 0; i <= others; i++) {
                arguments.add(i == at ? carrying(depth - 1) : harmless(depth - 1));
            }
            String call = function + "(" + (data.consumeBoolean() ? "DISTINCT " : "") + String.join(", ", arguments) + ")";
            return data.consumeBoolean() ? call : call + " OVER ()";
        }

        /** An expression whose value is computed from (or is) a protected value. */
        String carrying(int depth) {
            if (depth <= 0) {
                return protectedColumn();
            }
            return switch (data.consumeInt(0, 8)) {
                case 0 -> call(depth);
                case 1 -> carrying(depth - 1) + " " + data.pickValue(OPERATORS) + " " + harmless(depth - 1);
                case 2 -> harmless(depth - 1) + " " + data.pickValue(OPERATORS) + " " + carrying(depth - 1);
                case 3 -> data.consumeBoolean() ? carrying(depth - 1) + "::" + data.pickValue(CASTS)
                        : "CAST(" + carrying(depth - 1) + " AS " + data.pickValue(CASTS) + ")";
                case 4 -> "CASE WHEN " + condition() + " THEN " + carrying(depth - 1) + " ELSE " + harmless(depth - 1) + " END";
                case 5 -> "coalesce(" + carrying(depth - 1) + ", " + harmless(depth - 1) + ")";
                // One column: PostgreSQL refuses a scalar subquery of several (s.*), whatever the analysis says.
                case 6 -> "(SELECT s." + data.pickValue(PROTECTED) + " FROM customers s LIMIT 1)";
                case 7 -> "(" + carrying(depth - 1) + ")";
                default -> protectedColumn();
            };
        }

        private String protectedColumn() {
            if (!source.wholeRows.isEmpty() && data.consumeInt(0, 5) == 0) {
                String row = data.pickValue(source.wholeRows);
                return data.consumeBoolean() ? row : row + ".*";
            }
            String column = data.pickValue(source.columns);
            return switch (data.consumeInt(0, 2)) {
                case 0 -> column;
                case 1 -> source.qualifier + column;
                default -> source.qualifier + "\"" + column + "\"";
            };
        }

        /** An expression that names no protected column. */
        String harmless(int depth) {
            if (depth > 0 && data.consumeInt(0, 3) == 0) {
                return "abs(" + harmless(depth - 1) + ")";
            }
            return switch (data.consumeInt(0, 4)) {
                case 0 -> Integer.toString(data.consumeInt(-1000, 1000));
                case 1 -> "'" + data.consumeString(12).replace("'", "''").replace("\\", "") + "'";
                case 2 -> source == Source.VIEW ? "v.id" : source.qualifier + "id";
                case 3 -> "now()";
                default -> "NULL";
            };
        }

        String condition() {
            return switch (data.consumeInt(0, 2)) {
                case 0 -> (source == Source.VIEW ? "v.id" : source.qualifier + "id") + " > " + data.consumeInt(0, 100);
                case 1 -> "true";
                default -> "1 = 1";
            };
        }

        /** A name of letters and underscores, never count. */
        private String functionName() {
            String name = identifier();
            return name.toLowerCase(Locale.ROOT).equals("count") ? "count_of" : name;
        }

        String identifier() {
            StringBuilder name = new StringBuilder("f");
            int length = data.consumeInt(0, 10);
            for (int i = 0; i < length; i++) {
                char c = data.consumeChar();
                name.append(Character.isLetterOrDigit(c) && c < 128 ? c : '_');
            }
            return name.toString();
        }
    }
}
