package dev.tracegate.policy.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracegate.policy.sql.SqlClassifier;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@code approversSee}: approvers see held statements masked unless a rule says clear. */
class ApproversSeeTest {

    private static final Subject ANALYST = new Subject("shop", "postgres", Set.of("analysts"), "human");

    private static ApprovalSpec approval(String policy, String sql) {
        return PolicyEngine.decide(PolicyParser.parse(policy), ANALYST, new SqlClassifier().classify(sql)).approval();
    }

    @Test
    void maskedUnlessTheRuleOrTheDefaultsSayClear() {
        String rules = """
                defaults:
                  action: approve
                  approvers: [dba]
                  approversSee: clear
                rules:
                  - {name: hold-ddl, classes: [ddl], action: approve, approvers: [dba]}
                  - {name: hold-writes, classes: [write], action: approve, approvers: [support], approversSee: clear}
                  - {name: reads, classes: [read], action: allow}
                """;
        assertThat(approval(rules, "ALTER TABLE t ADD COLUMN c text").clearStatement()).isFalse();
        assertThat(approval(rules, "INSERT INTO t VALUES (1)").clearStatement()).isTrue();
        assertThat(approval(rules, "TRUNCATE t").clearStatement()).as("held by the defaults").isTrue();
    }

    @Test
    void onlyApproveRulesTakeItAndOnlyMaskedOrClear() {
        assertThatThrownBy(() -> PolicyParser.parse("rules:\n  - {name: x, action: block, approversSee: clear}\n"))
                .isInstanceOf(PolicyException.class).hasMessageContaining("rule x");
        assertThatThrownBy(() -> PolicyParser.parse("rules:\n  - {name: x, action: approve, approvers: [a], approversSee: all}\n"))
                .isInstanceOf(PolicyException.class).hasMessageContaining("approversSee must be masked or clear");
    }
}
