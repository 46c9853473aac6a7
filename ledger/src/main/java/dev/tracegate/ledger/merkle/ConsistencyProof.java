package dev.tracegate.ledger.merkle;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/** RFC 9162 section 2.1.4: consistency proofs between two sizes of one append-only tree. */
public final class ConsistencyProof {
    private ConsistencyProof() {}

    /**
     * PROOF(m, D[n]) of section 2.1.4.1, leaf level first, from stored subtree hashes. The RFC
     * defines it for 0 < m < n; for m == n and for m == 0 the proof is empty (equal trees, and the
     * empty tree, are trivially consistent).
     */
    public static List<byte[]> create(long oldSize, long newSize, SubtreeHashes hashes) {
        if (oldSize < 0 || oldSize > newSize) {
            throw new IllegalArgumentException("no consistency proof from size " + oldSize + " to size " + newSize);
        }
        List<byte[]> proof = new ArrayList<>(64);
        if (oldSize == 0 || oldSize == newSize) {
            return proof;
        }
        long start = 0;
        long size = newSize;
        long m = oldSize;
        boolean oldRootIsThisNode = true; // the RFC's boolean b: is D[start:start+m] the old root itself?
        while (m != size) {
            long k = MerkleTree.splitPoint(size);
            if (m <= k) {
                proof.add(MerkleTree.rangeHash(hashes, start + k, start + size));
                size = k;
            } else {
                proof.add(MerkleTree.checkedHash(hashes, MerkleTree.log2(k), start / k));
                start += k;
                m -= k;
                size -= k;
                oldRootIsThisNode = false;
            }
        }
        if (!oldRootIsThisNode) {
            proof.add(MerkleTree.rangeHash(hashes, start, start + size));
        }
        Collections.reverse(proof);
        return proof;
    }

    /**
     * The algorithm of section 2.1.4.2; returns normally only if the proof verifies. Sizes the RFC
     * leaves open are handled the way the proofs above are made: equal sizes need an empty proof
     * and equal roots; old size 0 needs an empty proof and the empty tree's root (any other root
     * at size 0 names no tree, and would otherwise be "proven" a prefix of every log).
     */
    public static void verify(long oldSize, long newSize, byte[] oldRoot, byte[] newRoot, List<byte[]> proof)
            throws ProofException {
        InclusionProof.requireHash(oldRoot, "old root");
        InclusionProof.requireHash(newRoot, "new root");
        if (oldSize < 0 || oldSize > newSize) {
            throw new ProofException("old size " + oldSize + " is not between 0 and new size " + newSize);
        }
        requireEmptyTreeRoot(oldSize, oldRoot, "old");
        requireEmptyTreeRoot(newSize, newRoot, "new");
        if (oldSize == newSize) {
            requireEmpty(proof, "equal sizes");
            if (!Arrays.equals(oldRoot, newRoot)) {
                throw new ProofException("trees of equal size " + oldSize + " have different roots");
            }
            return;
        }
        if (oldSize == 0) {
            requireEmpty(proof, "an empty old tree");
            return;
        }
        verifyRfc(oldSize, newSize, oldRoot, newRoot, proof);
    }

    public static boolean isValid(long oldSize, long newSize, byte[] oldRoot, byte[] newRoot, List<byte[]> proof) {
        try {
            verify(oldSize, newSize, oldRoot, newRoot, proof);
            return true;
        } catch (ProofException e) {
            return false;
        }
    }

    private static void verifyRfc(long first, long second, byte[] firstHash, byte[] secondHash, List<byte[]> consistencyPath)
            throws ProofException {
        if (consistencyPath.isEmpty()) {
            throw new ProofException("consistency proof from size " + first + " to " + second + " is empty");
        }
        for (int i = 0; i < consistencyPath.size(); i++) {
            InclusionProof.requireHash(consistencyPath.get(i), "proof hash " + i);
        }
        List<byte[]> path = new ArrayList<>(consistencyPath);
        if (Long.bitCount(first) == 1) {
            path.add(0, firstHash);
        }
        long fn = first - 1;
        long sn = second - 1;
        while ((fn & 1) == 1) {
            fn >>>= 1;
            sn >>>= 1;
        }
        byte[] fr = path.get(0);
        byte[] sr = path.get(0);
        for (int i = 1; i < path.size(); i++) {
            byte[] c = path.get(i);
            if (sn == 0) {
                throw new ProofException("consistency proof from size " + first + " to " + second + " has "
                        + consistencyPath.size() + " hashes, more than needed");
            }
            if ((fn & 1) == 1 || fn == sn) {
                fr = MerkleHashes.nodeHash(c, fr);
                sr = MerkleHashes.nodeHash(c, sr);
                while ((fn & 1) == 0 && fn != 0) {
                    fn >>>= 1;
                    sn >>>= 1;
                }
            } else {
                sr = MerkleHashes.nodeHash(sr, c);
            }
            fn >>>= 1;
            sn >>>= 1;
        }
        if (sn != 0) {
            throw new ProofException("consistency proof from size " + first + " to " + second + " has "
                    + consistencyPath.size() + " hashes, too few");
        }
        if (!Arrays.equals(fr, firstHash)) {
            throw new ProofException("consistency proof does not lead to the old root " + InclusionProof.hex(firstHash)
                    + " of size " + first + " (got " + InclusionProof.hex(fr) + ")");
        }
        if (!Arrays.equals(sr, secondHash)) {
            throw new ProofException("consistency proof does not lead to the new root " + InclusionProof.hex(secondHash)
                    + " of size " + second + " (got " + InclusionProof.hex(sr) + ")");
        }
    }

    /** A tree of size 0 has exactly one root, SHA-256 of nothing (RFC 9162 section 2.1.1). */
    public static void requireEmptyTreeRoot(long size, byte[] root, String which) throws ProofException {
        if (size == 0 && !Arrays.equals(root, MerkleHashes.emptyRoot())) {
            throw new ProofException("the " + which + " tree has size 0 but its root " + InclusionProof.hex(root)
                    + " is not the empty tree's root " + InclusionProof.hex(MerkleHashes.emptyRoot()));
        }
    }

    private static void requireEmpty(List<byte[]> proof, String why) throws ProofException {
        if (!proof.isEmpty()) {
            throw new ProofException("consistency proof for " + why + " must be empty, has " + proof.size() + " hashes");
        }
    }
}
