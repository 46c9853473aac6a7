package dev.tracegate.ledger.merkle;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The right edge of a growing tree: one hash per set bit of the size, the complete subtrees that
 * {@code [0, size)} splits into, largest first. That is all it takes to append leaves and to
 * compute the root, so a store can append in O(log n) reads: load the edge with
 * {@link #load(SubtreeHashes, long)}, then write the subtrees that {@link #planAppend(List)} says
 * the batch completes.
 *
 * <p>Instances are mutable accumulators, not shared values; {@link #planAppend} leaves this one
 * untouched.
 */
public final class CompactRange {
    private long size;
    private final ArrayList<byte[]> edge;

    private CompactRange(long size, ArrayList<byte[]> edge) {
        this.size = size;
        this.edge = edge;
    }

    public static CompactRange empty() {
        return new CompactRange(0, new ArrayList<>());
    }

    /** A range for {@code size} leaves from its right-edge hashes, largest subtree first. */
    public static CompactRange of(long size, List<byte[]> rightEdge) {
        if (size < 0) {
            throw new IllegalArgumentException("negative tree size " + size);
        }
        if (rightEdge.size() != Long.bitCount(size)) {
            throw new IllegalArgumentException("a tree of " + size + " leaves has " + Long.bitCount(size)
                    + " right-edge subtrees, got " + rightEdge.size());
        }
        ArrayList<byte[]> edge = new ArrayList<>(64);
        for (byte[] hash : rightEdge) {
            if (hash.length != MerkleHashes.HASH_SIZE) {
                throw new IllegalArgumentException("subtree hash must be 32 bytes, got " + hash.length);
            }
            edge.add(hash.clone());
        }
        return new CompactRange(size, edge);
    }

    /** Reads the right edge of a tree of {@code size} leaves from stored subtree hashes. */
    public static CompactRange load(SubtreeHashes hashes, long size) {
        List<byte[]> edge = new ArrayList<>();
        for (SubtreeId id : rightEdgeIds(size)) {
            edge.add(MerkleTree.checkedHash(hashes, id.level(), id.index()));
        }
        return of(size, edge);
    }

    /** Which complete subtrees form the right edge of a tree of {@code size} leaves, largest first. */
    public static List<SubtreeId> rightEdgeIds(long size) {
        List<SubtreeId> ids = new ArrayList<>();
        long offset = 0;
        for (int level = 62; level >= 0; level--) {
            if ((size >>> level & 1) != 0) {
                ids.add(new SubtreeId(level, offset >>> level));
                offset += 1L << level;
            }
        }
        return ids;
    }

    public long size() {
        return size;
    }

    /** Copies of the right-edge hashes, largest subtree first. */
    public List<byte[]> rightEdge() {
        List<byte[]> copy = new ArrayList<>(edge.size());
        for (byte[] hash : edge) {
            copy.add(hash.clone());
        }
        return copy;
    }

    public void append(byte[] leafHash) {
        append(leafHash, (SubtreeSink) null);
    }

    /**
     * Appends one leaf hash and reports every complete subtree that now exists and did not before:
     * the leaf itself at level 0, then each parent it completes.
     *
     * @param created receives the new subtrees, or null when nobody needs them
     */
    public void append(byte[] leafHash, Consumer<SubtreeHash> created) {
        append(leafHash, created == null ? null : (level, index, hash) -> created.accept(new SubtreeHash(level, index, hash)));
    }

    /**
     * As {@link #append(byte[], Consumer)}, each new subtree handed over as its level, index and
     * the range's own hash array, which the sink must not change.
     *
     * @param created receives the new subtrees, or null when nobody needs them
     */
    public void append(byte[] leafHash, SubtreeSink created) {
        if (leafHash.length != MerkleHashes.HASH_SIZE) {
            throw new IllegalArgumentException("leaf hash must be 32 bytes, got " + leafHash.length);
        }
        if (size == Long.MAX_VALUE) {
            throw new IllegalStateException("tree is full");
        }
        byte[] hash = leafHash.clone();
        long index = size;
        int level = 0;
        if (created != null) {
            created.created(0, index, hash);
        }
        // A set bit at `level` in the old size means a complete left sibling waits on the edge.
        while ((size >>> level & 1) != 0) {
            hash = MerkleHashes.nodeHash(edge.remove(edge.size() - 1), hash);
            level++;
            index >>>= 1;
            if (created != null) {
                created.created(level, index, hash);
            }
        }
        edge.add(hash);
        size++;
    }

    /** Root of the tree {@code [0, size)}. */
    public byte[] root() {
        if (edge.isEmpty()) {
            return MerkleHashes.emptyRoot();
        }
        byte[] hash = edge.get(edge.size() - 1);
        for (int i = edge.size() - 2; i >= 0; i--) {
            hash = MerkleHashes.nodeHash(edge.get(i), hash);
        }
        return hash.clone();
    }

    /** What appending these leaf hashes would write and produce, without changing this range. */
    public AppendPlan planAppend(List<byte[]> leafHashes) {
        CompactRange after = of(size, edge);
        List<SubtreeHash> created = new ArrayList<>(leafHashes.size() * 2);
        for (byte[] leafHash : leafHashes) {
            after.append(leafHash, created::add);
        }
        return new AppendPlan(size, after.size, created, after.root(), after.edge);
    }
}
