package dev.tracegate.ledger.bundle;

/** Which key the checkpoint signature was checked against. */
public enum KeySource {
    /** A key the auditor supplied and trusts independently of the bundle. */
    TRUSTED_KEY,
    /**
     * The bundle's own {@code log-key.pub}: proves the bundle is intact and self-consistent, not
     * that it comes from the log; compare the key with the log's published key.
     */
    BUNDLE_KEY
}
