package dev.tracegate.ledger.merkle;

import java.util.Arrays;
import java.util.List;

/**
 * Verifies many inclusion proofs against one tree head, with the same outcome as calling
 * {@link InclusionProof#verify} for each, but without recomputing the part of a path that the
 * previous verified proof already covered. Used for bundles of a million proofs, where neighbouring
 * leaves share all but the lowest levels of their paths.
 *
 * <p>Why this is exact: in the RFC 9162 section 2.1.3.2 algorithm, after {@code s} right shifts
 * the state is {@code fn = m >> s}, {@code sn = (size - 1) >> s} and {@code r}. If a proof reaches
 * the same {@code s}, {@code fn} and {@code r} as the last proof that verified, and its remaining
 * hashes equal that proof's remaining hashes, the algorithm continues on identical state and input,
 * so it ends in the same success. Otherwise the algorithm simply runs on.
 */
public final class SequentialInclusionVerifier {
    private static final int LEVELS = 64;

    private final long treeSize;
    private final byte[] rootHash;

    /** What the last verified proof looked like after each number of shifts. */
    private List<byte[]> lastProof;
    private long lastLeaf;
    private final byte[][] lastR = new byte[LEVELS][];
    private final int[] lastConsumed = new int[LEVELS];

    public SequentialInclusionVerifier(long treeSize, byte[] rootHash) {
        if (treeSize < 0 || rootHash == null || rootHash.length != MerkleHashes.HASH_SIZE) {
            throw new IllegalArgumentException("need a tree size >= 0 and a 32-byte root hash");
        }
        this.treeSize = treeSize;
        this.rootHash = rootHash.clone();
    }

    public void verify(long leafIndex, byte[] leafHash, List<byte[]> proof) throws ProofException {
        if (leafIndex < 0 || leafIndex >= treeSize) {
            throw new ProofException("leaf index " + leafIndex + " is not below tree size " + treeSize);
        }
        InclusionProof.requireHash(leafHash, "leaf hash");
        byte[][] r = new byte[LEVELS][];
        int[] consumed = new int[LEVELS];
        long fn = leafIndex;
        long sn = treeSize - 1;
        int shifts = 0;
        byte[] hash = leafHash;
        record(r, consumed, shifts, hash, 0);
        for (int i = 0; i < proof.size(); i++) {
            if (continuesLastPath(leafIndex, shifts, hash, proof, i)) {
                remember(leafIndex, proof, r, consumed, shifts, i - lastConsumed[shifts]);
                return;
            }
            byte[] p = proof.get(i);
            InclusionProof.requireHash(p, "proof hash " + i);
            if (sn == 0) {
                throw new ProofException("inclusion proof has " + proof.size() + " hashes, more than the " + i
                        + " a leaf " + leafIndex + " in a tree of size " + treeSize + " needs");
            }
            if ((fn & 1) == 1 || fn == sn) {
                hash = MerkleHashes.nodeHash(p, hash);
                while ((fn & 1) == 0 && fn != 0) {
                    fn >>>= 1;
                    sn >>>= 1;
                    shifts++;
                }
            } else {
                hash = MerkleHashes.nodeHash(hash, p);
            }
            fn >>>= 1;
            sn >>>= 1;
            shifts++;
            record(r, consumed, shifts, hash, i + 1);
        }
        if (sn != 0) {
            throw new ProofException("inclusion proof has " + proof.size() + " hashes, too few for leaf " + leafIndex
                    + " in a tree of size " + treeSize);
        }
        if (!Arrays.equals(hash, rootHash)) {
            throw new ProofException("inclusion proof for leaf " + leafIndex + " in tree of size " + treeSize
                    + " leads to root " + InclusionProof.hex(hash) + ", not the expected " + InclusionProof.hex(rootHash));
        }
        remember(leafIndex, proof, r, consumed, LEVELS, 0);
    }

    private static void record(byte[][] r, int[] consumed, int shifts, byte[] hash, int used) {
        if (shifts < LEVELS) {
            r[shifts] = hash;
            consumed[shifts] = used;
        }
    }

    private boolean continuesLastPath(long leafIndex, int shifts, byte[] hash, List<byte[]> proof, int used) {
        if (lastProof == null || shifts >= LEVELS || lastR[shifts] == null
                || (leafIndex >>> shifts) != (lastLeaf >>> shifts) || !Arrays.equals(hash, lastR[shifts])) {
            return false;
        }
        int lastUsed = lastConsumed[shifts];
        if (proof.size() - used != lastProof.size() - lastUsed) {
            return false;
        }
        for (int k = 0; used + k < proof.size(); k++) {
            if (!Arrays.equals(proof.get(used + k), lastProof.get(lastUsed + k))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Keeps this verified proof as the reference: its own states below {@code fromShifts}, and
     * above it the previous proof's states, which it shares, with positions moved by {@code offset}.
     */
    private void remember(long leafIndex, List<byte[]> proof, byte[][] r, int[] consumed, int fromShifts, int offset) {
        for (int s = fromShifts; s < LEVELS; s++) {
            lastConsumed[s] += offset;
        }
        for (int s = 0; s < Math.min(fromShifts, LEVELS); s++) {
            lastR[s] = r[s];
            lastConsumed[s] = consumed[s];
        }
        lastProof = List.copyOf(proof);
        lastLeaf = leafIndex;
    }
}
