package dev.tracegate.policy.rules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracegate.policy.sql.SqlClassifier;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * What an approve rule says ({@link ApprovalSpec#ruleDefinition()}), to which grants are bound:
 * it changes with what the rule holds and who approves, not with its name, words or waiting.
 */
class RuleDefinitionTest {

    private static final Subject ANALYST = new Subject("shop", "postgres", Set.of("analysts"), "human");
    private static final String RULE = """
            rules:
              - name: hold-ledger
                tables: [ledger]
                minClass: write
                action: approve
                approvers: [dba]
                timeout: 30s
                reason: ledger writes need a DBA
            """;

    private static String definition(String policy, String sql) {
        return PolicyEngine.decide(PolicyParser.parse(policy), ANALYST, new SqlClassifier().classify(sql)).approval()
                .ruleDefinition();
    }

    @Test
    void changesWithWhatTheRuleHoldsOrWhoApprovesButNotWithItsNameOrWords() {
        String ledger = definition(RULE, "DELETE FROM ledger");
        assertThat(ledger).matches("[0-9a-f]{64}");
        assertThat(definition(RULE.replace("timeout: 30s", "timeout: 5m").replace("need a DBA", "need a DBA's eye")
                .replace("name: hold-ledger", "name: ledger-writes") + "    approversSee: clear\n", "DELETE FROM ledger"))
                .as("the same rule, renamed, reworded, waiting longer").isEqualTo(ledger);
        assertThat(definition(RULE.replace("tables: [ledger]", "tables: [vault]"), "DELETE FROM vault"))
                .as("another table").isNotEqualTo(ledger);
        assertThat(definition(RULE.replace("tables: [ledger]", "tables: [ledger, vault]"), "DELETE FROM ledger"))
                .as("more tables").isNotEqualTo(ledger);
        assertThat(definition(RULE.replace("minClass: write", "minClass: ddl"), "DROP TABLE ledger"))
                .as("other classes").isNotEqualTo(ledger);
        assertThat(definition(RULE.replace("approvers: [dba]", "approvers: [dba]\n    breakGlass: [oncall]"), "DELETE FROM ledger"))
                .as("other approvers").isNotEqualTo(ledger);
        assertThat(definition("defaults: {action: approve, approvers: [dba]}\n", "DELETE FROM ledger"))
                .as("the defaults").isEmpty();
    }
}
