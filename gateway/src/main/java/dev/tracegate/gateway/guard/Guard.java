package dev.tracegate.gateway.guard;

import dev.tracegate.gateway.recording.CommandRedaction;
import dev.tracegate.masking.HashKey;
import dev.tracegate.masking.Masker;
import dev.tracegate.policy.rules.ApprovalSpec;
import dev.tracegate.policy.rules.Decision;
import dev.tracegate.policy.rules.HttpRequestFacts;
import dev.tracegate.policy.rules.MaskingDecision;
import dev.tracegate.policy.rules.Policy;
import dev.tracegate.policy.rules.PolicyEngine;
import dev.tracegate.policy.rules.Subject;
import dev.tracegate.policy.sql.SqlClassification;
import dev.tracegate.policy.sql.SqlClassifier;
import dev.tracegate.policy.sql.StatementClass;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * The one policy decision point every protocol asks: classify the command, then let the policy
 * decide. The policy can be replaced at any time (reload); each check sees one consistent policy.
 */
public final class Guard {

    private final AtomicReference<Policy> policy;
    private final SqlClassifier classifier = new SqlClassifier();
    private final HashKey maskingKey;
    private final CommandRedaction credentialsOnly;
    private final AtomicReference<Recording> recording = new AtomicReference<>();

    /** The redaction built for one record profile. */
    private record Recording(Masker record, CommandRedaction redaction) {
    }

    /** @param maskingKey the gateway's masking key: the evidence keeps a keyed hash of every value it masks in commands */
    public Guard(Policy initial, HashKey maskingKey) {
        this.policy = new AtomicReference<>(initial);
        this.maskingKey = maskingKey;
        this.credentialsOnly = CommandRedaction.credentialsOnly(maskingKey);
    }

    /** A decision with the classification it was made on. */
    public record Verdict(Decision decision, SqlClassification classification) {
    }

    /**
     * @param preparedClasses classes of the session's SQL-level prepared statements, for {@code EXECUTE name}
     */
    public Verdict checkSql(Subject subject, String sql, Function<String, Optional<StatementClass>> preparedClasses) {
        SqlClassification classification = classifier.classify(sql, preparedClasses);
        return new Verdict(PolicyEngine.decide(policy.get(), subject, classification), classification);
    }

    /** Whether deciding this HTTP request needs its JSON body (a rule asks about body fields). */
    public boolean needsBody(Subject subject, HttpRequestFacts request) {
        return PolicyEngine.needsBody(policy.get(), subject, request);
    }

    /** The policy's decision on one HTTP request. */
    public Decision checkHttp(Subject subject, HttpRequestFacts request) {
        return PolicyEngine.decide(policy.get(), subject, request);
    }

    /** The masking profile the caller's results go through, if any rule names one for them. */
    public Optional<MaskingDecision> masking(Subject subject) {
        return PolicyEngine.masking(policy.get(), subject);
    }

    /** How the evidence keeps the commands clients write: through the policy's record profile. */
    public CommandRedaction recording() {
        Masker record = policy.get().recordingMasker();
        Recording current = recording.get();
        if (current == null || current.record() != record) {
            current = new Recording(record, CommandRedaction.forRecord(record, maskingKey));
            recording.set(current); // one per policy: it remembers which columns it protects
        }
        return current.redaction();
    }

    /** What approvers see of a held command: as recorded, unless the approval lets them see it in clear. */
    public CommandRedaction forApprovers(ApprovalSpec approval) {
        return approval != null && approval.clearStatement() ? credentialsOnly : recording();
    }

    public Policy policy() {
        return policy.get();
    }

    public void replace(Policy next) {
        policy.set(next);
    }
}
