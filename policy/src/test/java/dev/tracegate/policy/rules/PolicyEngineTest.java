package dev.tracegate.policy.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracegate.policy.sql.SqlClassifier;
import java.time.Duration;
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
                classes: [ddl]
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
}
