package dev.tracegate.gateway.approval;

/** An approve or deny that is not allowed or cannot be taken; the message says why (and is safe to show). */
public class ApprovalException extends Exception {

    /** Why, for mapping to HTTP statuses. */
    public enum Kind {
        /** No such approval (or it was decided so long ago it is no longer kept). */
        NOT_FOUND,
        /** The caller may not decide it: their own command, or not in an approver group. */
        FORBIDDEN,
        /** It was already approved, denied, expired or withdrawn. */
        ALREADY_DECIDED,
        /** The caller already approved it; the rest must come from other people. */
        ALREADY_VOTED,
        /** The request itself is malformed (e.g. a grant that is not a positive duration). */
        INVALID,
        /** The evidence log could not record the decision, so it was not taken. */
        UNAVAILABLE
    }

    private final Kind kind;

    public ApprovalException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
