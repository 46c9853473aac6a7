package dev.tracegate.ledger.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tracegate.ledger.jcs.Jcs;
import dev.tracegate.ledger.jcs.JcsException;
import dev.tracegate.ledger.merkle.MerkleHashes;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProofLineTest {
    private static final List<byte[]> HASHES = List.of(MerkleHashes.leafHash(new byte[] {1}), MerkleHashes.leafHash(new byte[] {2}));

    @Test
    void writesExactlyWhatJcsWouldAndReadsItBack() {
        for (List<byte[]> hashes : List.of(List.<byte[]>of(), HASHES)) {
            ProofLine line = new ProofLine(7, 9_007_199_254_740_992L, hashes);
            ObjectNode tree = JsonNodeFactory.instance.objectNode();
            hashes.forEach(h -> tree.withArray("hashes").add(Base64.getEncoder().encodeToString(h)));
            if (hashes.isEmpty()) {
                tree.putArray("hashes");
            }
            tree.put("tree_size", 9_007_199_254_740_992L).put("index", 7);
            assertThat(new String(line.toJson(), StandardCharsets.UTF_8)).isEqualTo(Jcs.canonicalString(tree));
            ProofLine parsed = ProofLine.parse(line.toJson());
            assertThat(parsed.index()).isEqualTo(7);
            assertThat(parsed.treeSize()).isEqualTo(9_007_199_254_740_992L);
            assertThat(parsed.hashes()).usingRecursiveFieldByFieldElementComparator().containsExactlyElementsOf(hashes);
        }
    }

    @Test
    void rejectsEverySpellingButTheCanonicalOne() {
        String good = new String(new ProofLine(3, 10, HASHES).toJson(), StandardCharsets.UTF_8);
        String b64 = Base64.getEncoder().encodeToString(HASHES.get(0));
        char last = b64.charAt(42);
        String sameBytesOtherSpelling = b64.substring(0, 42) + (char) (last + 1) + "=";
        List<String> bad = new ArrayList<>(List.of(
                good.replace("{", "{ "),
                good.replace("\"index\":3", "\"index\":03"),
                good.replace("\"index\":3", "\"index\":3.0"),
                good.replace(b64, sameBytesOtherSpelling),
                good.replace(b64, b64.substring(0, 43)),
                good.replace(",\"tree_size\":10", ",\"tree_size\":10,\"extra\":1"),
                "{\"index\":3,\"hashes\":[],\"tree_size\":10}",
                good.replace("\"tree_size\":10", "\"tree_size\":3"),
                good + "\n"));
        for (String line : bad) {
            assertThatThrownBy(() -> ProofLine.parse(line.getBytes(StandardCharsets.UTF_8))).as(line).isInstanceOf(JcsException.class);
        }
        assertThatThrownBy(() -> ProofLine.parse(good.replace(b64, sameBytesOtherSpelling).getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("not the canonical base64 of 32 bytes");
        assertThatThrownBy(() -> ProofLine.parse(good.replace("\"index\":3", "\"index\":3.0").getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("not in RFC 8785 canonical form");
    }
}
