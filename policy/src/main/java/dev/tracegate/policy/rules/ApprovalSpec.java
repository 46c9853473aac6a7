package dev.tracegate.policy.rules;

import java.time.Duration;
import java.util.List;

/**
 * Who must approve a held command, and for how long it may wait.
 *
 * @param approverGroups  groups whose members may approve
 * @param minApprovals    approvals needed, from distinct approvers
 * @param timeout         after this the request expires and the command is refused
 * @param breakGlassGroups members may approve alone, whatever minApprovals says; always recorded as break-glass
 * @param clearStatement  approvers see the held statement's personal data in clear ({@code approversSee: clear});
 *                        by default they see it as the evidence records it, masked. Credentials are never shown.
 * @param ruleDefinition  what the rule that asks for this approval says: a digest of what it matches, its action
 *                        and its approvers, its name, reason, timeout and {@code approversSee} aside; empty for the
 *                        policy's defaults. A grant given under a rule covers only what a rule saying the same
 *                        holds, so a reload that gives the rule's name to another rule passes it none of its grants.
 */
public record ApprovalSpec(List<String> approverGroups, int minApprovals, Duration timeout, List<String> breakGlassGroups,
                           boolean clearStatement, String ruleDefinition) {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(15);

    public ApprovalSpec {
        approverGroups = approverGroups == null ? List.of() : List.copyOf(approverGroups);
        breakGlassGroups = breakGlassGroups == null ? List.of() : List.copyOf(breakGlassGroups);
        minApprovals = Math.max(1, minApprovals);
        timeout = timeout == null ? DEFAULT_TIMEOUT : timeout;
        ruleDefinition = ruleDefinition == null ? "" : ruleDefinition;
        if (approverGroups.isEmpty() && breakGlassGroups.isEmpty()) {
            throw new PolicyException("an approve rule needs approvers (groups whose members may approve)");
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new PolicyException("an approval timeout must be positive");
        }
    }

    /** The policy's defaults, or a rule whose definition does not matter where it is used. */
    public ApprovalSpec(List<String> approverGroups, int minApprovals, Duration timeout, List<String> breakGlassGroups,
                        boolean clearStatement) {
        this(approverGroups, minApprovals, timeout, breakGlassGroups, clearStatement, "");
    }

    /** Approvers see held statements masked, as the evidence records them. */
    public ApprovalSpec(List<String> approverGroups, int minApprovals, Duration timeout, List<String> breakGlassGroups) {
        this(approverGroups, minApprovals, timeout, breakGlassGroups, false);
    }
}
