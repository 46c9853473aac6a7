package dev.tracegate.gateway.approval;

import java.util.List;

/**
 * The end of a wait.
 *
 * @param outcome    approved, denied, expired or withdrawn
 * @param votes      the approvals given, in order
 * @param reason     the decider's reason (or why it expired or was withdrawn)
 * @param breakGlass approved alone by a break-glass approver
 */
public record ApprovalResult(ApprovalOutcome outcome, List<ApproverVote> votes, String reason, boolean breakGlass) {

    public ApprovalResult {
        votes = List.copyOf(votes);
    }
}
