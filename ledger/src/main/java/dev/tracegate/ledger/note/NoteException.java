package dev.tracegate.ledger.note;

/** A signed note or key that does not parse or does not verify; {@link #reason()} says which. */
public final class NoteException extends Exception {
    public enum Reason {
        /** The text does not follow the signed-note, checkpoint or key format. */
        MALFORMED,
        /** No signature line is from the key the caller trusts. */
        UNKNOWN_KEY,
        /** A signature from the trusted key does not verify over the note text. */
        BAD_SIGNATURE
    }

    private final Reason reason;

    public NoteException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
