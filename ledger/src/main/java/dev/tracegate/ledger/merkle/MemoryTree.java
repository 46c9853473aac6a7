package dev.tracegate.ledger.merkle;

import java.util.ArrayList;
import java.util.List;

/**
 * A whole tree held in memory: every complete subtree hash, kept as {@link CompactRange} creates
 * them. For tests, tools and small exports; a database-backed log implements
 * {@link SubtreeHashes} over its own table instead.
 */
public final class MemoryTree implements SubtreeHashes {
    private final List<List<byte[]>> levels = new ArrayList<>();
    private final CompactRange range = CompactRange.empty();

    public void appendLeafHash(byte[] leafHash) {
        range.append(leafHash, created -> {
            while (levels.size() <= created.level()) {
                levels.add(new ArrayList<>());
            }
            levels.get(created.level()).add(created.hash());
        });
    }

    public void appendLeaf(byte[] leafData) {
        appendLeafHash(MerkleHashes.leafHash(leafData));
    }

    public long size() {
        return range.size();
    }

    public byte[] root() {
        return range.root();
    }

    @Override
    public byte[] hash(int level, long index) {
        if (level >= levels.size() || index >= levels.get(level).size()) {
            throw new IllegalArgumentException("no complete subtree at level " + level + " index " + index
                    + " in a tree of size " + size());
        }
        return levels.get(level).get((int) index).clone();
    }

    public List<byte[]> inclusionProof(long leafIndex, long treeSize) {
        requireSize(treeSize);
        return InclusionProof.create(leafIndex, treeSize, this);
    }

    public List<byte[]> consistencyProof(long oldSize, long newSize) {
        requireSize(newSize);
        return ConsistencyProof.create(oldSize, newSize, this);
    }

    public byte[] rootAt(long treeSize) {
        requireSize(treeSize);
        return MerkleTree.rootFrom(this, treeSize);
    }

    private void requireSize(long treeSize) {
        if (treeSize > size()) {
            throw new IllegalArgumentException("tree size " + treeSize + " exceeds the " + size() + " leaves held");
        }
    }
}
