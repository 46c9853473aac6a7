package dev.tracegate.ledger.merkle;

/** A Merkle proof that does not verify; the message says which check failed. */
public final class ProofException extends Exception {
    public ProofException(String message) {
        super(message);
    }
}
