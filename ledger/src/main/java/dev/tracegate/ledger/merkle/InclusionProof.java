package dev.tracegate.ledger.merkle;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;

/** RFC 9162 section 2.1.3: inclusion proofs (audit paths). */
public final class InclusionProof {
    private InclusionProof() {}

    /**
     * The audit path PATH(m, D[n]) of section 2.1.3.1, leaf level first, from stored subtree hashes.
     * A sibling on the incomplete right edge is folded from the complete subtrees it is made of.
     */
    public static List<byte[]> create(long leafIndex, long treeSize, SubtreeHashes hashes) {
        if (leafIndex < 0 || leafIndex >= treeSize) {
            throw new IllegalArgumentException("leaf index " + leafIndex + " is not in a tree of size " + treeSize);
        }
        List<byte[]> path = new ArrayList<>(64);
        long start = 0;
        long size = treeSize;
        long m = leafIndex;
        // Walk down from the root; the recursion appends the sibling found at each split after the
        // deeper part of the path, so the path collected top-down is reversed at the end.
        while (size > 1) {
            long k = MerkleTree.splitPoint(size);
            if (m < k) {
                path.add(MerkleTree.rangeHash(hashes, start + k, start + size));
                size = k;
            } else {
                path.add(MerkleTree.checkedHash(hashes, MerkleTree.log2(k), start / k));
                start += k;
                m -= k;
                size -= k;
            }
        }
        Collections.reverse(path);
        return path;
    }

    /** The algorithm of section 2.1.3.2; returns normally only if the proof verifies. */
    public static void verify(long leafIndex, long treeSize, byte[] leafHash, List<byte[]> proof, byte[] rootHash)
            throws ProofException {
        byte[] computed = rootFromPath(leafIndex, treeSize, leafHash, proof);
        requireHash(rootHash, "root hash");
        if (!Arrays.equals(computed, rootHash)) {
            throw new ProofException("inclusion proof for leaf " + leafIndex + " in tree of size " + treeSize
                    + " leads to root " + hex(computed) + ", not the expected " + hex(rootHash));
        }
    }

    /** {@link #verify} as a boolean, for callers that do not need the reason. */
    public static boolean isValid(long leafIndex, long treeSize, byte[] leafHash, List<byte[]> proof, byte[] rootHash) {
        try {
            verify(leafIndex, treeSize, leafHash, proof, rootHash);
            return true;
        } catch (ProofException e) {
            return false;
        }
    }

    /** Steps 1 to 5 of section 2.1.3.2 except the final root comparison. */
    static byte[] rootFromPath(long leafIndex, long treeSize, byte[] leafHash, List<byte[]> proof) throws ProofException {
        if (leafIndex < 0 || treeSize < 0) {
            throw new ProofException("negative leaf index or tree size");
        }
        if (leafIndex >= treeSize) {
            throw new ProofException("leaf index " + leafIndex + " is not below tree size " + treeSize);
        }
        requireHash(leafHash, "leaf hash");
        long fn = leafIndex;
        long sn = treeSize - 1;
        byte[] r = leafHash;
        for (int i = 0; i < proof.size(); i++) {
            byte[] p = proof.get(i);
            requireHash(p, "proof hash " + i);
            if (sn == 0) {
                throw new ProofException("inclusion proof has " + proof.size() + " hashes, more than the "
                        + i + " a leaf " + leafIndex + " in a tree of size " + treeSize + " needs");
            }
            if ((fn & 1) == 1 || fn == sn) {
                r = MerkleHashes.nodeHash(p, r);
                while ((fn & 1) == 0 && fn != 0) {
                    fn >>>= 1;
                    sn >>>= 1;
                }
            } else {
                r = MerkleHashes.nodeHash(r, p);
            }
            fn >>>= 1;
            sn >>>= 1;
        }
        if (sn != 0) {
            throw new ProofException("inclusion proof has " + proof.size() + " hashes, too few for leaf "
                    + leafIndex + " in a tree of size " + treeSize);
        }
        return r;
    }

    static void requireHash(byte[] hash, String what) throws ProofException {
        if (hash == null || hash.length != MerkleHashes.HASH_SIZE) {
            throw new ProofException(what + " is " + (hash == null ? "missing" : hash.length + " bytes") + ", not 32");
        }
    }

    static String hex(byte[] hash) {
        return HexFormat.of().formatHex(hash);
    }
}
