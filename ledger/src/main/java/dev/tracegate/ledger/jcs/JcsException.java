package dev.tracegate.ledger.jcs;

/** A JSON value that RFC 8785 cannot canonicalize, or input that is not valid JSON. */
public final class JcsException extends RuntimeException {
    public JcsException(String message) {
        super(message);
    }

    public JcsException(String message, Throwable cause) {
        super(message, cause);
    }
}
