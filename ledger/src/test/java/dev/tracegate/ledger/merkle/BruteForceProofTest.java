package dev.tracegate.ledger.merkle;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every inclusion and consistency proof for trees of 1..64 leaves, checked against a direct
 * transcription of the recursive definitions in RFC 9162 sections 2.1.1, 2.1.3.1 and 2.1.4.1.
 */
class BruteForceProofTest {
    private static final int MAX = 64;

    @Test
    void inclusionProofsMatchTheDefinitionAndVerifyForEverySizeAndIndex() throws ProofException {
        List<byte[]> leaves = leafHashes(MAX);
        MemoryTree tree = tree(leaves);
        for (int n = 1; n <= MAX; n++) {
            List<byte[]> prefix = leaves.subList(0, n);
            byte[] root = mth(prefix);
            assertThat(MerkleTree.rootFrom(tree, n)).isEqualTo(root);
            assertThat(MerkleTree.root(prefix)).isEqualTo(root);
            for (int m = 0; m < n; m++) {
                List<byte[]> proof = InclusionProof.create(m, n, tree);
                assertThat(hex(proof)).as("PATH(%d, D[%d])", m, n).isEqualTo(hex(path(m, prefix)));
                InclusionProof.verify(m, n, leaves.get(m), proof, root);
                if (n > 1) {
                    assertThat(InclusionProof.isValid(m, n, leaves.get((m + 1) % n), proof, root)).as("other leaf").isFalse();
                }
                for (int k = 0; k < proof.size(); k++) {
                    assertThat(InclusionProof.isValid(m, n, leaves.get(m), ReferenceVectorsTest.flip(proof, k), root)).isFalse();
                }
                if (m + 1 < n) {
                    assertThat(InclusionProof.isValid(m + 1, n, leaves.get(m), proof, root)).isFalse();
                }
            }
        }
    }

    @Test
    void consistencyProofsMatchTheDefinitionAndVerifyForEveryPairOfSizes() throws ProofException {
        List<byte[]> leaves = leafHashes(MAX);
        MemoryTree tree = tree(leaves);
        for (int n = 1; n <= MAX; n++) {
            byte[] newRoot = mth(leaves.subList(0, n));
            for (int m = 1; m <= n; m++) {
                byte[] oldRoot = mth(leaves.subList(0, m));
                List<byte[]> proof = ConsistencyProof.create(m, n, tree);
                List<byte[]> expected = m == n ? List.of() : subproof(m, leaves.subList(0, n), true);
                assertThat(hex(proof)).as("PROOF(%d, D[%d])", m, n).isEqualTo(hex(expected));
                ConsistencyProof.verify(m, n, oldRoot, newRoot, proof);
                for (int k = 0; k < proof.size(); k++) {
                    assertThat(ConsistencyProof.isValid(m, n, oldRoot, newRoot, ReferenceVectorsTest.flip(proof, k))).isFalse();
                }
                if (m < n) {
                    byte[] otherOld = mth(leaves.subList(0, m - 1 == 0 ? 2 : m - 1));
                    assertThat(ConsistencyProof.isValid(m, n, otherOld, newRoot, proof)).isFalse();
                    assertThat(ConsistencyProof.isValid(m, n, oldRoot, oldRoot, proof)).isFalse();
                }
            }
        }
    }

    @Test
    void appendPlansWriteEveryCompleteSubtreeExactlyOnce() {
        List<byte[]> leaves = leafHashes(MAX);
        CompactRange range = CompactRange.empty();
        List<SubtreeHash> written = new ArrayList<>();
        int[] batches = {1, 2, 5, 1, 8, 13, 3, 31};
        int next = 0;
        for (int batch : batches) {
            AppendPlan plan = range.planAppend(leaves.subList(next, next + batch));
            assertThat(range.size()).as("planning leaves the range unchanged").isEqualTo(next);
            assertThat(plan.oldSize()).isEqualTo(next);
            assertThat(plan.newSize()).isEqualTo(next + batch);
            assertThat(plan.newRoot()).isEqualTo(mth(leaves.subList(0, next + batch)));
            written.addAll(plan.newSubtrees());
            range = CompactRange.of(plan.newSize(), plan.newRightEdge());
            next += batch;
        }
        assertThat(next).isEqualTo(MAX);
        List<SubtreeHash> expected = new ArrayList<>();
        for (int level = 0; (1 << level) <= MAX; level++) {
            for (int index = 0; (index + 1) << level <= MAX; index++) {
                expected.add(new SubtreeHash(level, index, mth(leaves.subList(index << level, (index + 1) << level))));
            }
        }
        assertThat(written).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void rightEdgeIsReadFromStoredSubtrees() {
        assertThat(CompactRange.rightEdgeIds(6)).containsExactly(new SubtreeId(2, 0), new SubtreeId(1, 2));
        assertThat(CompactRange.rightEdgeIds(0)).isEmpty();
        List<byte[]> leaves = leafHashes(MAX);
        MemoryTree tree = tree(leaves);
        for (int n = 0; n <= MAX; n++) {
            CompactRange loaded = CompactRange.load(tree, n);
            assertThat(loaded.root()).isEqualTo(n == 0 ? MerkleHashes.emptyRoot() : mth(leaves.subList(0, n)));
            if (n < MAX) {
                loaded.append(leaves.get(n));
                assertThat(loaded.root()).isEqualTo(mth(leaves.subList(0, n + 1)));
            }
        }
    }

    /**
     * A million leaves (more than any other test builds, and past 2^19 so the tree is unbalanced at
     * several levels) give the same root computed whole and leaf by leaf. How fast is measured by
     * the ledger's benchmarks (docs/benchmarks.md), not asserted here.
     */
    @Test
    void rootOfAMillionLeavesIsTheRootTheirCompactRangeReaches() {
        List<byte[]> leaves = leafHashes(1_000_000);
        CompactRange range = CompactRange.empty();
        leaves.forEach(range::append);
        assertThat(MerkleTree.root(leaves)).isEqualTo(range.root());
    }

    // --- RFC 9162 definitions, transcribed recursively and independently of the code under test.

    static byte[] mth(List<byte[]> d) {
        if (d.isEmpty()) {
            return MerkleHashes.emptyRoot();
        }
        if (d.size() == 1) {
            return d.get(0);
        }
        int k = largestPowerOfTwoBelow(d.size());
        return MerkleHashes.nodeHash(mth(d.subList(0, k)), mth(d.subList(k, d.size())));
    }

    static List<byte[]> path(int m, List<byte[]> d) {
        List<byte[]> out = new ArrayList<>();
        if (d.size() <= 1) {
            return out;
        }
        int k = largestPowerOfTwoBelow(d.size());
        if (m < k) {
            out.addAll(path(m, d.subList(0, k)));
            out.add(mth(d.subList(k, d.size())));
        } else {
            out.addAll(path(m - k, d.subList(k, d.size())));
            out.add(mth(d.subList(0, k)));
        }
        return out;
    }

    static List<byte[]> subproof(int m, List<byte[]> d, boolean b) {
        List<byte[]> out = new ArrayList<>();
        int n = d.size();
        if (m == n) {
            if (!b) {
                out.add(mth(d));
            }
            return out;
        }
        int k = largestPowerOfTwoBelow(n);
        if (m <= k) {
            out.addAll(subproof(m, d.subList(0, k), b));
            out.add(mth(d.subList(k, n)));
        } else {
            out.addAll(subproof(m - k, d.subList(k, n), false));
            out.add(mth(d.subList(0, k)));
        }
        return out;
    }

    static int largestPowerOfTwoBelow(int n) {
        int k = 1;
        while (k * 2 < n) {
            k *= 2;
        }
        return k;
    }

    static List<byte[]> leafHashes(int count) {
        List<byte[]> hashes = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            hashes.add(MerkleHashes.leafHash(ByteBuffer.allocate(8).putLong(i).array()));
        }
        return hashes;
    }

    static MemoryTree tree(List<byte[]> leafHashes) {
        MemoryTree tree = new MemoryTree();
        leafHashes.forEach(tree::appendLeafHash);
        return tree;
    }

    static List<String> hex(List<byte[]> hashes) {
        return hashes.stream().map(HexFormat.of()::formatHex).toList();
    }
}
