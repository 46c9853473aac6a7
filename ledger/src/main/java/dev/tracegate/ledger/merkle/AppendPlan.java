package dev.tracegate.ledger.merkle;

import java.util.List;

/**
 * The effect of appending a batch: the complete subtree hashes to store (leaves at level 0
 * included; each is written once and never changes), the new size and root, and the new right edge
 * (largest subtree first) for {@link CompactRange#of} to continue from.
 */
public record AppendPlan(long oldSize, long newSize, List<SubtreeHash> newSubtrees, byte[] newRoot, List<byte[]> newRightEdge) {
    public AppendPlan {
        newSubtrees = List.copyOf(newSubtrees);
        newRoot = newRoot.clone();
        newRightEdge = newRightEdge.stream().map(byte[]::clone).toList();
    }

    @Override
    public byte[] newRoot() {
        return newRoot.clone();
    }

    @Override
    public List<byte[]> newRightEdge() {
        return newRightEdge.stream().map(byte[]::clone).toList();
    }
}
