package dev.tracegate.ledger.merkle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Published RFC 6962 / RFC 9162 test vectors over the eight reference leaves used by Certificate
 * Transparency and transparency-dev. Source of the values (data only, no code):
 * github.com/transparency-dev/merkle, files testonly/constants.go (leaf inputs, node hashes, roots
 * per size), testonly/reference_test.go and proof/verify_test.go (inclusion and consistency proofs).
 */
class ReferenceVectorsTest {
    private static final HexFormat HEX = HexFormat.of();

    static final List<byte[]> LEAVES = hexList("", "00", "10", "2021", "3031", "40414243", "5051525354555657",
            "606162636465666768696a6b6c6d6e6f");

    /** Roots for tree sizes 0..8. */
    static final List<byte[]> ROOTS = hexList(
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
            "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
            "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
            "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
            "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328");

    /** Complete subtree hashes of the 8-leaf tree, by level then index. */
    static final List<List<byte[]>> NODES = List.of(
            hexList("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
                    "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                    "0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7",
                    "07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7",
                    "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                    "4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658",
                    "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
                    "46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1"),
            hexList("fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
                    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                    "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                    "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0"),
            hexList("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
                    "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"),
            hexList("5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"));

    record InclusionVector(long index, long size, List<byte[]> proof) {}

    record ConsistencyVector(long oldSize, long newSize, List<byte[]> proof) {}

    static final List<InclusionVector> INCLUSION = List.of(
            new InclusionVector(0, 1, List.of()),
            new InclusionVector(0, 2, hexList("96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7")),
            new InclusionVector(1, 2, hexList("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d")),
            new InclusionVector(2, 3, hexList("fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125")),
            new InclusionVector(1, 5, hexList("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
                    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                    "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b")),
            new InclusionVector(0, 8, hexList("96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                    "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4")),
            new InclusionVector(5, 8, hexList("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                    "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7")));

    static final List<ConsistencyVector> CONSISTENCY = List.of(
            new ConsistencyVector(1, 1, List.of()),
            new ConsistencyVector(1, 8, hexList("96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                    "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4")),
            new ConsistencyVector(2, 5, hexList("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                    "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b")),
            new ConsistencyVector(6, 8, hexList("0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                    "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7")),
            new ConsistencyVector(6, 7, hexList("0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                    "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
                    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7")));

    @Test
    void rootsOfEveryPrefixMatchThePublishedRoots() {
        for (int size = 0; size <= 8; size++) {
            List<byte[]> leafHashes = LEAVES.subList(0, size).stream().map(MerkleHashes::leafHash).toList();
            assertThat(HEX.formatHex(MerkleTree.root(leafHashes))).as("root of size %d", size)
                    .isEqualTo(HEX.formatHex(ROOTS.get(size)));
        }
    }

    @Test
    void storedSubtreesMatchThePublishedNodeHashesAndGiveTheSameRoots() {
        MemoryTree tree = tree();
        for (int level = 0; level < NODES.size(); level++) {
            for (int index = 0; index < NODES.get(level).size(); index++) {
                assertThat(tree.hash(level, index)).as("node %d/%d", level, index).isEqualTo(NODES.get(level).get(index));
            }
        }
        for (int size = 0; size <= 8; size++) {
            assertThat(MerkleTree.rootFrom(tree, size)).as("root of size %d from subtrees", size).isEqualTo(ROOTS.get(size));
        }
    }

    @Test
    void inclusionProofsAreThePublishedOnesAndVerify() throws ProofException {
        MemoryTree tree = tree();
        for (InclusionVector v : INCLUSION) {
            List<byte[]> proof = InclusionProof.create(v.index(), v.size(), tree);
            assertThat(hexOf(proof)).as("proof for %d in %d", v.index(), v.size()).isEqualTo(hexOf(v.proof()));
            InclusionProof.verify(v.index(), v.size(), MerkleHashes.leafHash(LEAVES.get((int) v.index())), v.proof(),
                    ROOTS.get((int) v.size()));
        }
    }

    @Test
    void consistencyProofsAreThePublishedOnesAndVerify() throws ProofException {
        MemoryTree tree = tree();
        for (ConsistencyVector v : CONSISTENCY) {
            List<byte[]> proof = ConsistencyProof.create(v.oldSize(), v.newSize(), tree);
            assertThat(hexOf(proof)).as("proof %d -> %d", v.oldSize(), v.newSize()).isEqualTo(hexOf(v.proof()));
            ConsistencyProof.verify(v.oldSize(), v.newSize(), ROOTS.get((int) v.oldSize()), ROOTS.get((int) v.newSize()),
                    v.proof());
        }
    }

    @Test
    void corruptedReferenceInclusionProofsAreRejected() {
        for (InclusionVector v : INCLUSION) {
            int i = (int) v.index();
            int n = (int) v.size();
            byte[] leaf = MerkleHashes.leafHash(LEAVES.get(i));
            byte[] root = ROOTS.get(n);
            assertThat(InclusionProof.isValid(i, n * 2L, leaf, v.proof(), root)).isFalse();
            assertThat(InclusionProof.isValid(i + 1, n, leaf, v.proof(), root)).isFalse();
            assertThat(InclusionProof.isValid(i, n, MerkleHashes.leafHash(new byte[] {1}), v.proof(), root)).isFalse();
            assertThat(InclusionProof.isValid(i, n, leaf, append(v.proof(), root), root)).isFalse();
            assertThat(InclusionProof.isValid(i, n, leaf, prepend(root, v.proof()), root)).isFalse();
            for (int k = 0; k < v.proof().size(); k++) {
                assertThat(InclusionProof.isValid(i, n, leaf, flip(v.proof(), k), root)).as("flipped %d", k).isFalse();
            }
            if (!v.proof().isEmpty()) {
                assertThat(InclusionProof.isValid(i, n, leaf, v.proof().subList(0, v.proof().size() - 1), root)).isFalse();
            }
        }
    }

    @Test
    void corruptedReferenceConsistencyProofsAreRejected() {
        for (ConsistencyVector v : CONSISTENCY) {
            if (v.proof().isEmpty()) {
                continue;
            }
            long m = v.oldSize();
            long n = v.newSize();
            byte[] r1 = ROOTS.get((int) m);
            byte[] r2 = ROOTS.get((int) n);
            assertThat(ConsistencyProof.isValid(m, n, r2, r1, v.proof())).as("swapped roots").isFalse();
            assertThat(ConsistencyProof.isValid(m + 1, n, r1, r2, v.proof())).isFalse();
            assertThat(ConsistencyProof.isValid(m, n * 2, r1, r2, v.proof())).isFalse();
            assertThat(ConsistencyProof.isValid(m, n, r1, r2, List.of())).isFalse();
            assertThat(ConsistencyProof.isValid(m, n, r1, r2, append(v.proof(), r1))).isFalse();
            assertThat(ConsistencyProof.isValid(m, n, r1, r2, prepend(r2, v.proof()))).isFalse();
            for (int k = 0; k < v.proof().size(); k++) {
                assertThat(ConsistencyProof.isValid(m, n, r1, r2, flip(v.proof(), k))).as("flipped %d", k).isFalse();
            }
        }
    }

    @Test
    void verificationNamesTheProblem() {
        byte[] leaf = MerkleHashes.leafHash(LEAVES.get(5));
        List<byte[]> proof = INCLUSION.get(6).proof();
        assertThatThrownBy(() -> InclusionProof.verify(8, 8, leaf, proof, ROOTS.get(8)))
                .isInstanceOf(ProofException.class).hasMessageContaining("not below tree size 8");
        assertThatThrownBy(() -> InclusionProof.verify(5, 8, leaf, proof.subList(0, 2), ROOTS.get(8)))
                .hasMessageContaining("too few");
        assertThatThrownBy(() -> InclusionProof.verify(5, 8, leaf, append(proof, leaf), ROOTS.get(8)))
                .hasMessageContaining("more than");
        assertThatThrownBy(() -> InclusionProof.verify(5, 8, leaf, proof, ROOTS.get(7)))
                .hasMessageContaining("leads to root").hasMessageContaining(HEX.formatHex(ROOTS.get(7)));
        assertThatThrownBy(() -> ConsistencyProof.verify(6, 8, ROOTS.get(5), ROOTS.get(8), CONSISTENCY.get(3).proof()))
                .hasMessageContaining("old root");
        assertThatThrownBy(() -> ConsistencyProof.verify(8, 6, ROOTS.get(8), ROOTS.get(6), List.of()))
                .hasMessageContaining("not between");
    }

    @Test
    void edgeSizesFollowTheCommonConvention() {
        byte[] some = ROOTS.get(3);
        assertThat(ConsistencyProof.isValid(0, 5, ROOTS.get(0), ROOTS.get(5), List.of())).isTrue();
        assertThat(ConsistencyProof.isValid(0, 5, ROOTS.get(0), ROOTS.get(5), List.of(some))).isFalse();
        assertThat(ConsistencyProof.isValid(4, 4, ROOTS.get(4), ROOTS.get(4), List.of())).isTrue();
        assertThat(ConsistencyProof.isValid(4, 4, ROOTS.get(4), some, List.of())).isFalse();
        assertThat(InclusionProof.isValid(0, 0, some, List.of(), ROOTS.get(0))).isFalse();
        assertThat(InclusionProof.isValid(0, 1, some, List.of(), some)).isTrue();
        assertThat(InclusionProof.isValid(0, 1, some, List.of(), new byte[0])).isFalse();
    }

    static MemoryTree tree() {
        MemoryTree tree = new MemoryTree();
        LEAVES.forEach(tree::appendLeaf);
        return tree;
    }

    static List<byte[]> hexList(String... hex) {
        return Arrays.stream(hex).map(HEX::parseHex).toList();
    }

    static List<String> hexOf(List<byte[]> hashes) {
        return hashes.stream().map(HEX::formatHex).toList();
    }

    static List<byte[]> append(List<byte[]> proof, byte[] extra) {
        List<byte[]> copy = new java.util.ArrayList<>(proof);
        copy.add(extra);
        return copy;
    }

    static List<byte[]> prepend(byte[] extra, List<byte[]> proof) {
        List<byte[]> copy = new java.util.ArrayList<>(proof);
        copy.add(0, extra);
        return copy;
    }

    static List<byte[]> flip(List<byte[]> proof, int k) {
        List<byte[]> copy = new java.util.ArrayList<>(proof);
        byte[] changed = copy.get(k).clone();
        changed[0] ^= 8;
        copy.set(k, changed);
        return copy;
    }
}
