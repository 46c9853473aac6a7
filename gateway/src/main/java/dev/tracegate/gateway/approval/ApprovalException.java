package dev.tracegate.gateway.approval;

/** An approve or deny that is not allowed; the message says why (and is safe to show). */
public class ApprovalException extends Exception {

    /** Why, for mapping to HTTP statuses. */
    public enum Kind { NOT_FOUND, FORBIDDEN, ALREADY_DECIDED }

    private final Kind kind;

    public ApprovalException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
