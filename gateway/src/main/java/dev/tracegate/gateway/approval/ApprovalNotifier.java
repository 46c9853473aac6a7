package dev.tracegate.gateway.approval;

/** Tells approvers that a command waits for them (webhook, Slack). Must not block or throw. */
public interface ApprovalNotifier {

    /**
     * @param approveCommand the exact CLI command an approver runs
     * @param approveUrl     a link to the approval in the console, or null when none is configured
     */
    void requested(PendingApproval approval, String approveCommand, String approveUrl);
}
