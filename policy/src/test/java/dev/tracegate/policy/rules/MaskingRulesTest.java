package dev.tracegate.policy.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracegate.masking.ColumnRef;
import dev.tracegate.masking.HashKey;
import dev.tracegate.masking.MaskingReport;
import dev.tracegate.policy.sql.SqlClassifier;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Mask rules choose the profile a caller's results go through; everyone else sees clear text. */
class MaskingRulesTest {

    private static final String POLICY = """
            defaults:
              action: allow
            masking:
              record: personal-data
              profiles:
                personal-data:
                  columns:
                    - match: customers.email
                      entity: email
                      strategy: hash:format
                    - match: customers.card_number
                      entity: card
                      strategy: partial:4
                strict:
                  hints: []
            rules:
              - name: mask-personal-data
                connections: [shop]
                exceptGroups: [pii-readers]
                mask: personal-data
              - name: agents-see-less
                kinds: [agent]
                mask: strict
              - name: no-bulk-writes
                classes: [bulk_write]
                action: block
            """;
    private static final HashKey KEY = HashKey.of("0123456789abcdef0123".getBytes(StandardCharsets.US_ASCII));

    private final Policy policy = PolicyParser.parse(POLICY, KEY);
    private final Subject analyst = new Subject("shop", "postgres", Set.of("analysts"), "human");
    private final Subject reader = new Subject("shop", "postgres", Set.of("analysts", "pii-readers"), "human");

    @Test
    void callersOutsideTheReaderGroupGetTheProfileOfTheFirstMatchingRule() {
        CallerMasking decision = PolicyEngine.masking(policy, analyst).orElseThrow();
        assertThat(decision.rule()).isEqualTo("mask-personal-data");
        assertThat(decision.profile()).isEqualTo("personal-data");
        String masked = decision.masker().maskText(ColumnRef.of("public", "customers", "card_number", "text"),
                "4111 1111 1111 1111", new MaskingReport()).value();
        assertThat(masked).isEqualTo("**** **** **** 1111");
    }

    @Test
    void readersSeeClearTextButTheirRecordingsAreStillMasked() {
        assertThat(PolicyEngine.masking(policy, reader)).isEmpty();
        String recorded = policy.recordingMasker().maskText(ColumnRef.of("public", "customers", "email", "text"),
                "ada@example.com", new MaskingReport()).value();
        assertThat(recorded).endsWith(".example").doesNotContain("ada");
    }

    @Test
    void laterRulesApplyWhereEarlierOnesDoNot() {
        Subject agentReader = new Subject("shop", "postgres", Set.of("pii-readers"), "agent");
        assertThat(PolicyEngine.masking(policy, agentReader).orElseThrow().profile()).isEqualTo("strict");
        Subject elsewhere = new Subject("warehouse", "postgres", Set.of("analysts"), "human");
        assertThat(PolicyEngine.masking(policy, elsewhere)).isEmpty();
    }

    @Test
    void maskOnlyRulesDoNotTakePartInAllowBlockOrApprove() {
        Policy approveByDefault = PolicyParser.parse("""
                defaults: {action: approve, approvers: [dba]}
                masking: {profiles: {p: {}}}
                rules:
                  - {name: m, mask: p}
                """);
        Decision decision = PolicyEngine.decide(approveByDefault, analyst, new SqlClassifier().classify("SELECT 1"));
        assertThat(decision.action()).isEqualTo(Action.APPROVE);
        assertThat(decision.rule()).isEqualTo("default");
    }

    @Test
    void withoutMaskRulesTheRecordingProfileIsEveryDetectorRedacting() {
        Policy plain = PolicyParser.parse("defaults: {action: allow}");
        assertThat(PolicyEngine.masking(plain, analyst)).isEmpty();
        assertThat(plain.recordingMasker().maskText(ColumnRef.expression("note"), "mail ada@example.com",
                new MaskingReport()).value()).isEqualTo("mail [EMAIL]");
    }

    @Test
    void unreadableHttpBodiesAreBlockedUnlessThePolicyLetsThemPass() {
        assertThat(policy.passUnmaskable()).isFalse();
        assertThat(PolicyParser.parse("masking: {otherContent: pass}").passUnmaskable()).isTrue();
        assertThatThrownBy(() -> PolicyParser.parse("masking: {otherContent: maybe}"))
                .hasMessageContaining("masking.otherContent must be block or pass");
    }

    @Test
    void terminalOutputIsMaskedUnlessThePolicyLetsItPass() {
        assertThat(policy.maskTerminal()).isTrue();
        assertThat(PolicyParser.parse("masking: {terminal: pass}").maskTerminal()).isFalse();
        assertThatThrownBy(() -> PolicyParser.parse("masking: {terminal: off}"))
                .hasMessageContaining("masking.terminal must be mask or pass");
    }

    @Test
    void mistakesAreRejectedWithTheirPlace() {
        assertThatThrownBy(() -> PolicyParser.parse("""
                rules: [{name: m, mask: missing}]
                """)).hasMessageContaining("rule m").hasMessageContaining("'missing' is not defined");
        assertThatThrownBy(() -> PolicyParser.parse("""
                masking: {profiles: {p: {}}}
                rules: [{name: m, mask: p, tables: [customers]}]
                """)).hasMessageContaining("rule m").hasMessageContaining("whole sessions");
        assertThatThrownBy(() -> PolicyParser.parse("""
                masking: {profiles: {p: {strategies: {email: hash}}}}
                """)).hasMessageContaining("masking profile p").hasMessageContaining("masking.hashKey");
        assertThatThrownBy(() -> PolicyParser.parse("""
                masking: {profiles: {p: {detectors: [email]}}}
                """)).hasMessageContaining("'detectors'").hasMessageContaining("masking.profiles.p");
        assertThatThrownBy(() -> PolicyParser.parse("""
                masking: {record: nope, profiles: {p: {}}}
                """)).hasMessageContaining("masking.record");
    }
}
