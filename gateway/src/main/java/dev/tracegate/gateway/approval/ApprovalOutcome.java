package dev.tracegate.gateway.approval;

/** How a held command's wait ended. Only APPROVED lets it run. */
public enum ApprovalOutcome {
    APPROVED, DENIED, EXPIRED, WITHDRAWN
}
