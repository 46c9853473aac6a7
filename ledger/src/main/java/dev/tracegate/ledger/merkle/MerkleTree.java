package dev.tracegate.ledger.merkle;

import java.util.List;

/** Root hashes of RFC 9162 trees, from leaf hashes or from stored complete subtrees. */
public final class MerkleTree {
    private MerkleTree() {}

    /** The root over the given leaf hashes, in one pass with O(log n) working memory. */
    public static byte[] root(List<byte[]> leafHashes) {
        CompactRange range = CompactRange.empty();
        for (byte[] leafHash : leafHashes) {
            range.append(leafHash);
        }
        return range.root();
    }

    /** The root of the tree of {@code size} leaves, from O(log n) stored subtree hashes. */
    public static byte[] rootFrom(SubtreeHashes hashes, long size) {
        if (size < 0) {
            throw new IllegalArgumentException("negative tree size " + size);
        }
        return rangeHash(hashes, 0, size);
    }

    /**
     * MTH(D[start:end]) for a range that is a node of some RFC 9162 tree: {@code start} is a
     * multiple of the power of two at or above {@code end - start}. Such a range splits into
     * complete subtrees along the binary digits of its length, largest first, and its hash folds
     * them from the right, which is exactly the recursive split at the largest power of two.
     */
    static byte[] rangeHash(SubtreeHashes hashes, long start, long end) {
        long length = end - start;
        if (length == 0) {
            return MerkleHashes.emptyRoot();
        }
        int parts = Long.bitCount(length);
        byte[][] subtrees = new byte[parts][];
        long offset = start;
        int i = 0;
        for (int level = 63 - Long.numberOfLeadingZeros(length); level >= 0; level--) {
            if ((length >>> level & 1) == 0) {
                continue;
            }
            if ((offset & ((1L << level) - 1)) != 0) {
                throw new IllegalArgumentException("range [" + start + ", " + end + ") is not a node of a Merkle tree");
            }
            subtrees[i++] = checkedHash(hashes, level, offset >>> level);
            offset += 1L << level;
        }
        byte[] hash = subtrees[parts - 1];
        for (int j = parts - 2; j >= 0; j--) {
            hash = MerkleHashes.nodeHash(subtrees[j], hash);
        }
        return hash;
    }

    static byte[] checkedHash(SubtreeHashes hashes, int level, long index) {
        byte[] hash = hashes.hash(level, index);
        if (hash == null || hash.length != MerkleHashes.HASH_SIZE) {
            throw new IllegalStateException("subtree store returned " + (hash == null ? "nothing" : hash.length + " bytes")
                    + " for level " + level + " index " + index);
        }
        return hash;
    }

    /** The largest power of two strictly below {@code n}, for n >= 2: the RFC 9162 split point. */
    static long splitPoint(long n) {
        return Long.highestOneBit(n - 1);
    }

    static int log2(long powerOfTwo) {
        return Long.numberOfTrailingZeros(powerOfTwo);
    }
}
