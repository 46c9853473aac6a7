package dev.tracegate.ledger.merkle;

/** Coordinates of a complete subtree: leaves {@code [index * 2^level, (index + 1) * 2^level)}. */
public record SubtreeId(int level, long index) {
    public SubtreeId {
        if (level < 0 || level > 62 || index < 0) {
            throw new IllegalArgumentException("no subtree at level " + level + " index " + index);
        }
    }
}
