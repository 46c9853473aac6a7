package dev.tracegate.policy.sql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracegate.policy.sql.LiteralTargets.Target;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which column each literal and parameter of a statement goes to. */
class LiteralTargetsTest {

    /** Each literal's text (decoded) to its targets as {@code table.column}, {@code table.?} or {@code credential}. */
    private static Map<String, List<String>> targets(String sql) {
        List<SqlToken> tokens = SqlLexer.lex(sql).tokens();
        LiteralTargets targets = LiteralTargets.of(tokens);
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (int i = 0; i < tokens.size(); i++) {
            SqlToken token = tokens.get(i);
            if (token.kind() == SqlToken.Kind.PARAMETER) {
                out.put(token.text(), names(targets.forParameter(Integer.parseInt(token.text().substring(1)))));
            } else if (token.isStringLiteral() || token.kind() == SqlToken.Kind.NUMBER) {
                out.put(token.text(), names(targets.forToken(i)));
            }
        }
        return out;
    }

    private static List<String> names(List<Target> targets) {
        List<String> names = new ArrayList<>();
        for (Target target : targets) {
            String table = (target.schema() == null ? "" : target.schema() + ".") + target.table();
            names.add(switch (target.kind()) {
                case COLUMN -> (target.table() == null ? "" : table + ".") + target.column();
                case UNLISTED_COLUMN -> table + ".?";
                case CREDENTIAL -> "credential";
            });
        }
        return names;
    }

    @Test
    void insertColumnListsMapEveryValuesRowByPosition() {
        assertThat(targets("INSERT INTO customers (name, email, notes) VALUES ('Ada', 'ada@example.com', lower('N1')),"
                + " ('Grace', $1, 'N2') RETURNING id"))
                .containsEntry("Ada", List.of("customers.name"))
                .containsEntry("ada@example.com", List.of("customers.email"))
                .containsEntry("N1", List.of("customers.notes"))
                .containsEntry("Grace", List.of("customers.name"))
                .containsEntry("$1", List.of("customers.email"))
                .containsEntry("N2", List.of("customers.notes"));
    }

    @Test
    void insertSelectListsAndUnionsMapByPosition() {
        assertThat(targets("INSERT INTO public.customers AS c (email, phone) SELECT 'a@x.io', '555' UNION ALL"
                + " SELECT 'b@x.io', $2 FROM dual WHERE 1 = 1"))
                .containsEntry("a@x.io", List.of("public.customers.email"))
                .containsEntry("555", List.of("public.customers.phone"))
                .containsEntry("b@x.io", List.of("public.customers.email"))
                .containsEntry("$2", List.of("public.customers.phone"));
    }

    @Test
    void insertWithoutAColumnListSendsValuesToColumnsItDoesNotName() {
        assertThat(targets("INSERT INTO customers VALUES (7, 'Ada', $1)"))
                .containsEntry("7", List.of("customers.?"))
                .containsEntry("Ada", List.of("customers.?"))
                .containsEntry("$1", List.of("customers.?"));
    }

    @Test
    void onConflictUpdateSetGoesToTheInsertTable() {
        assertThat(targets("INSERT INTO customers (id, email) VALUES (1, 'a@x.io') ON CONFLICT (id) DO UPDATE"
                + " SET email = 'b@x.io', (phone, notes) = ('555', $3) WHERE customers.name = 'Ada'"))
                .containsEntry("b@x.io", List.of("customers.email"))
                .containsEntry("555", List.of("customers.phone"))
                .containsEntry("$3", List.of("customers.notes"))
                .containsEntry("Ada", List.of("customers.name"));
    }

    @Test
    void updateSetItemsWithAliasesAndComparisons() {
        assertThat(targets("UPDATE ONLY shop.customers AS c SET email = $1, notes = 'x' || 'y', card_number = 4111111111111111"
                + " WHERE c.national_id = '536-22-1234' AND lower(c.email) LIKE '%@x.io'"))
                .containsEntry("$1", List.of("shop.customers.email"))
                .containsEntry("x", List.of("shop.customers.notes"))
                .containsEntry("y", List.of("shop.customers.notes"))
                .containsEntry("4111111111111111", List.of("shop.customers.card_number"))
                .containsEntry("536-22-1234", List.of("shop.customers.national_id"))
                .containsEntry("%@x.io", List.of("shop.customers.email"));
    }

    @Test
    void comparisonsOfEveryForm() {
        Map<String, List<String>> found = targets("SELECT id FROM customers c JOIN orders o ON o.customer_id = c.id"
                + " WHERE c.email IN ('a@x.io', 'b@x.io') AND c.date_of_birth BETWEEN '1815-01-01' AND '1816-01-01'"
                + " AND 'ada' = c.name AND c.phone::text NOT LIKE '+44%' AND c.card_number = ANY ('{4111}')"
                + " AND c.notes IS DISTINCT FROM 'n' AND c.email ~* '^ada' AND c.ssn SIMILAR TO '5%' AND o.total > 10");
        assertThat(found).containsEntry("a@x.io", List.of("customers.email"))
                .containsEntry("b@x.io", List.of("customers.email"))
                .containsEntry("1815-01-01", List.of("customers.date_of_birth"))
                .containsEntry("1816-01-01", List.of("customers.date_of_birth"))
                .containsEntry("ada", List.of("customers.name"))
                .containsEntry("+44%", List.of("customers.phone"))
                .containsEntry("{4111}", List.of("customers.card_number"))
                .containsEntry("n", List.of("customers.notes"))
                .containsEntry("^ada", List.of("customers.email"))
                .containsEntry("5%", List.of("customers.ssn"))
                .containsEntry("10", List.of("orders.total"));
    }

    @Test
    void anUnqualifiedColumnMayBelongToAnyTableOfTheStatement() {
        assertThat(targets("SELECT * FROM customers, orders WHERE email = 'a@x.io'"))
                .containsEntry("a@x.io", List.of("customers.email", "orders.email"));
        assertThat(targets("SELECT 'a@x.io' = email")).containsEntry("a@x.io", List.of("email"));
    }

    @Test
    void mergeSetsAndInsertsGoToTheMergeTarget() {
        assertThat(targets("MERGE INTO customers t USING staged s ON t.id = s.id WHEN MATCHED THEN UPDATE SET email = 'a@x.io'"
                + " WHEN NOT MATCHED THEN INSERT (id, email) VALUES (s.id, 'b@x.io')"))
                .containsEntry("a@x.io", List.of("customers.email"))
                .containsEntry("b@x.io", List.of("customers.email"));
    }

    @Test
    void passwordsAreCredentials() {
        assertThat(targets("ALTER ROLE app WITH ENCRYPTED PASSWORD 'hunter22'")).containsEntry("hunter22", List.of("credential"));
        assertThat(targets("CREATE USER MAPPING FOR app SERVER s OPTIONS (user 'u', password 'p4ss')"))
                .containsEntry("p4ss", List.of("credential"));
    }

    @Test
    void valuesThatGoNowhereKnownHaveNoTarget() {
        assertThat(targets("SELECT 'ada@x.io', length('x'), 42 LIMIT 5; SELECT f('y') FROM generate_series(1, 3)"))
                .allSatisfy((literal, where) -> assertThat(where).as(literal).isEmpty());
        assertThat(targets("SELECT * FROM customers WHERE email IN (SELECT email FROM staged WHERE note = 'x')"))
                .containsEntry("x", List.of("customers.note", "staged.note"));
    }

    @Test
    void aStringNoRulePlacesMayGoToAnyColumnTheStatementNames() {
        for (String sql : List.of(
                "UPDATE customers SET name = v.n FROM (VALUES (1, 'Ada')) v(id, n) WHERE customers.id = v.id",
                "INSERT INTO customers (id, name) SELECT * FROM (VALUES (1, 'Ada')) v",
                "WITH v(n) AS (VALUES ('Ada')) INSERT INTO customers (id, name) SELECT 1, n FROM v",
                "SELECT id FROM customers WHERE strpos(name, 'Ada') > 0",
                "SELECT id FROM customers WHERE position('Ada' IN name) > 0",
                "SELECT id FROM customers WHERE name ^@ 'Ada'",
                "SELECT id FROM customers WHERE (id, name) = (1, 'Ada')",
                "SELECT id FROM customers WHERE name IN (SELECT 'Ada')",
                "SELECT id FROM customers WHERE name = CASE WHEN true THEN 'Ada' END")) {
            assertThat(targets(sql).get("Ada")).as(sql).contains("customers.name");
        }
        assertThat(targets("SELECT id FROM customers LIMIT 10")).as("numbers are left alone").containsEntry("10", List.of());
        assertThat(targets("INSERT INTO customers SELECT * FROM json_populate_record(null::customers, '{\"name\": \"Ada\"}')"))
                .as("a write fills columns its text does not name").hasEntrySatisfying("{\"name\": \"Ada\"}",
                        where -> assertThat(where).contains("customers.?"));
        assertThat(targets("INSERT INTO customers SELECT * FROM json_populate_record(null::customers, $1::json) LIMIT $2"))
                .containsEntry("$1", List.of("customers.?")).containsEntry("$2", List.of("customers.?"));
        assertThat(targets("SELECT id FROM customers WHERE id > $1 LIMIT $2")).containsEntry("$2", List.of());
    }

    @Test
    void statementsAreAnalysedOneByOneAndCommentsSkipped() {
        assertThat(targets("UPDATE a SET x = 'one' /* c */; -- UPDATE b SET y = 'two'\nUPDATE b SET y = 'three'"))
                .containsEntry("one", List.of("a.x"))
                .containsEntry("three", List.of("b.y"));
    }

    @Test
    void deepNestingStopsTheAnalysisInsteadOfCostingQuadraticTime() {
        String nested = "SELECT 1 WHERE a = " + "(a = ".repeat(20_000) + "'v'" + ")".repeat(20_000);
        LiteralTargets targets = LiteralTargets.of(SqlLexer.lex(nested).tokens());
        assertThat(targets.complete()).isFalse();
        assertThat(LiteralTargets.of(SqlLexer.lex("SELECT 1 WHERE a = 'v'").tokens()).complete()).isTrue();
    }
}
