package dev.tracegate.gateway.guard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracegate.masking.HashKey;
import dev.tracegate.masking.Masker;
import dev.tracegate.policy.lineage.LineageVerdict;
import dev.tracegate.policy.rules.Action;
import dev.tracegate.policy.rules.PolicyParser;
import dev.tracegate.policy.rules.Subject;
import dev.tracegate.policy.sql.SqlDialect;
import dev.tracegate.policy.sql.StatementClass;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * An analysis that fails (a defect, or a parser surprised by its input) must refuse the command,
 * high risk, instead of letting it through or ending the caller's session: the engines only see a
 * ruling. The failure is simulated in the lineage check, the one part of the decision that is
 * pluggable; the same net covers classification and the policy.
 */
class GuardFailClosedTest {

    private static final String POLICY = """
            defaults:
              action: allow
            masking:
              profiles:
                personal-data:
                  hints: [email]
            rules:
              - name: mask-analysts
                connections: [shop]
                groups: [analysts]
                mask: personal-data
            """;
    private static final Subject ANALYST = new Subject("shop", "postgres", Set.of("analysts"), "human");
    private static final String SECRET_IN_TEXT = "SELECT 'hunter2-secret' FROM customers";

    private final Guard guard = new Guard(PolicyParser.parse(POLICY),
            HashKey.of("a test key of enough bytes".getBytes(StandardCharsets.UTF_8)));

    @Test
    void aFailingAnalysisRefusesTheCommandAsHighRisk() {
        Ruling ruling = guard.decide(ANALYST, new Command.Sql(SECRET_IN_TEXT, SqlDialect.POSTGRESQL,
                name -> Optional.empty(), new FailingCheck()));

        assertThat(ruling.decision().action()).isEqualTo(Action.BLOCK);
        assertThat(ruling.decision().statementClass()).isEqualTo(StatementClass.UNKNOWN);
        assertThat(ruling.decision().reason()).contains("could not analyse").doesNotContain("hunter2");
        assertThat(ruling.classification().highestRisk()).isEqualTo(StatementClass.UNKNOWN);
        assertThat(ruling.masking()).as("the caller's masking still applies to what follows").isPresent();
    }

    @Test
    void theSameCommandWithAWorkingAnalysisIsAllowed() {
        Ruling ruling = guard.decide(ANALYST, new Command.Sql(SECRET_IN_TEXT, SqlDialect.POSTGRESQL,
                name -> Optional.empty(), new AllowingCheck()));

        assertThat(ruling.decision().action()).isEqualTo(Action.ALLOW);
    }

    /** Fails the way JSqlParser's typed getters did on a data-modifying CTE. */
    private static final class FailingCheck extends AllowingCheck {
        @Override
        public LineageVerdict check(String sql, SqlDialect dialect, Masker masker) {
            throw new ClassCastException("cannot cast, while reading " + sql);
        }
    }

    private static class AllowingCheck implements MaskedStatementCheck {
        @Override
        public LineageVerdict check(String sql, SqlDialect dialect, Masker masker) {
            return LineageVerdict.ALLOWED;
        }

        @Override
        public LineageVerdict checkParameterTypes(List<Integer> types, Masker masker) {
            return LineageVerdict.ALLOWED;
        }

        @Override
        public void schemaMayChange() {
        }
    }
}
