package dev.tracegate.gateway.evidence;

/**
 * An export was asked to prove consistency with an earlier checkpoint, and cannot: the
 * checkpoint is not this log's, or the log no longer extends it (it was truncated or rewritten
 * since). The message says which; nothing is exported.
 */
public final class EarlierCheckpointException extends RuntimeException {

    /** Why no proof can be given. */
    public enum Reason {
        /** Not signed by this log's key, or of another origin, or not a checkpoint at all. */
        NOT_THIS_LOG,
        /** A checkpoint of this log that the log no longer extends. */
        NOT_A_PREFIX
    }

    private final Reason reason;

    EarlierCheckpointException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
