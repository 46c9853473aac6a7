package dev.tracegate.ledger.merkle;

/**
 * Read access to stored complete-subtree hashes, the only thing proof generation needs.
 *
 * <p>{@code hash(level, index)} is the Merkle hash of the complete subtree covering leaves
 * {@code [index * 2^level, (index + 1) * 2^level)}; level 0 is the leaf hashes. A log that grows by
 * appending never changes a complete subtree, so a store can write each hash once (see
 * {@link CompactRange}) and serve any proof in O(log n) reads. Callers only ask for subtrees that
 * lie entirely inside the tree size they are working with.
 */
@FunctionalInterface
public interface SubtreeHashes {
    byte[] hash(int level, long index);
}
