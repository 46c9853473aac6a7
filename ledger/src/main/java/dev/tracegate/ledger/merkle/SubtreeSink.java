package dev.tracegate.ledger.merkle;

/**
 * Receives the complete subtrees an append creates ({@link CompactRange#append(byte[], SubtreeSink)}),
 * without a {@link SubtreeHash} and its two copies of the hash for each: a store that appends every
 * leaf of its log writes about two of them per leaf.
 */
@FunctionalInterface
public interface SubtreeSink {

    /**
     * One new subtree. {@code hash} is the range's own array (it stays on the right edge): read it
     * or copy it, never change it.
     */
    void created(int level, long index, byte[] hash);
}
