package dev.tracegate.ledger.merkle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The path-reusing verifier must accept and reject exactly what the plain RFC algorithm does. */
class SequentialInclusionVerifierTest {

    @Test
    void agreesWithThePlainAlgorithmOnValidAndCorruptedProofsInAnyOrder() {
        Random random = new Random(9162);
        List<byte[]> leaves = BruteForceProofTest.leafHashes(70);
        MemoryTree tree = BruteForceProofTest.tree(leaves);
        for (int n = 1; n <= 70; n++) {
            byte[] root = tree.rootAt(n);
            SequentialInclusionVerifier verifier = new SequentialInclusionVerifier(n, root);
            for (int round = 0; round < 4 * n; round++) {
                long m = round < n ? round : random.nextInt(n); // first in order, then random order and repeats
                List<byte[]> proof = new ArrayList<>(InclusionProof.create(m, n, tree));
                byte[] leaf = leaves.get((int) m);
                switch (random.nextInt(5)) {
                    case 0 -> {
                        if (!proof.isEmpty()) {
                            proof = ReferenceVectorsTest.flip(proof, random.nextInt(proof.size()));
                        }
                    }
                    case 1 -> {
                        if (!proof.isEmpty()) {
                            proof = ReferenceVectorsTest.flip(proof, proof.size() - 1); // top of the path only
                        }
                    }
                    case 2 -> proof.add(root);
                    case 3 -> leaf = leaves.get((int) ((m + 1) % leaves.size()));
                    default -> { }
                }
                boolean expected = InclusionProof.isValid(m, n, leaf, proof, root);
                assertThat(accepts(verifier, m, leaf, proof)).as("size %d leaf %d round %d", n, m, round).isEqualTo(expected);
            }
        }
    }

    @Test
    void reportsTheSameReasonsAsThePlainAlgorithm() {
        MemoryTree tree = ReferenceVectorsTest.tree();
        byte[] root = tree.rootAt(8);
        SequentialInclusionVerifier verifier = new SequentialInclusionVerifier(8, root);
        byte[] leaf = MerkleHashes.leafHash(ReferenceVectorsTest.LEAVES.get(5));
        List<byte[]> proof = InclusionProof.create(5, 8, tree);
        assertThatThrownBy(() -> verifier.verify(8, leaf, proof)).hasMessageContaining("not below tree size 8");
        assertThatThrownBy(() -> verifier.verify(5, leaf, proof.subList(0, 2))).hasMessageContaining("too few");
        assertThatThrownBy(() -> verifier.verify(5, leaf, ReferenceVectorsTest.flip(proof, 2))).hasMessageContaining("leads to root");
    }

    private static boolean accepts(SequentialInclusionVerifier verifier, long m, byte[] leaf, List<byte[]> proof) {
        try {
            verifier.verify(m, leaf, proof);
            return true;
        } catch (ProofException e) {
            return false;
        }
    }
}
