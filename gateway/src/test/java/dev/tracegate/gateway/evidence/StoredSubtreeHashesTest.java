package dev.tracegate.gateway.evidence;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracegate.gateway.Gateway;
import dev.tracegate.gateway.config.EvidenceConfig;
import dev.tracegate.gateway.config.GatewayConfig;
import dev.tracegate.gateway.config.ListenerConfig;
import dev.tracegate.gateway.config.ListenersConfig;
import dev.tracegate.gateway.identity.Identity;
import dev.tracegate.ledger.merkle.ConsistencyProof;
import dev.tracegate.ledger.merkle.InclusionProof;
import dev.tracegate.ledger.merkle.MemoryTree;
import dev.tracegate.ledger.merkle.MerkleTree;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store keeps only the larger subtrees and computes the small ones from the events' leaf
 * hashes. Roots and proofs read that way must equal those of an in-memory tree of the same leaves
 * at every size, including sizes that end inside a block and batches that straddle blocks.
 */
class StoredSubtreeHashesTest {

    private static final Identity TESTER = new Identity("tracegate", "tester", "tester", null, List.of(), "human");

    @TempDir
    Path dir;

    @Test
    void rootsAndProofsFromTheStoreMatchAnInMemoryTree() throws Exception {
        try (Gateway gateway = Gateway.start(config())) {
            for (int i = 0; i < 37; i++) {
                gateway.evidence().appendDurably(event());
            }
            for (int i = 0; i < 60; i++) {
                gateway.evidence().append(event()); // gathered into larger store batches
            }
            gateway.evidence().appendDurably(event());
            gateway.checkpoints().signNow();
        }
        try (Connection connection = DriverManager.getConnection("jdbc:h2:file:" + dir.resolve("data/store/tracegate")
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE", "tracegate", "");
             StoredSubtreeHashes stored = new StoredSubtreeHashes(connection)) {
            MemoryTree memory = leavesOf(connection);
            long size = memory.size();
            assertThat(size).isGreaterThanOrEqualTo(98);
            for (long n = 1; n <= size; n++) {
                assertThat(MerkleTree.rootFrom(stored, n)).as("root at %d", n).isEqualTo(memory.rootAt(n));
            }
            for (long leaf = 0; leaf < size; leaf++) {
                assertThat(InclusionProof.create(leaf, size, stored)).as("inclusion of %d", leaf)
                        .containsExactlyElementsOf(memory.inclusionProof(leaf, size));
            }
            for (long old = 1; old < size; old += 7) {
                assertThat(ConsistencyProof.create(old, size, stored)).as("consistency %d..%d", old, size)
                        .containsExactlyElementsOf(memory.consistencyProof(old, size));
            }
        }
    }

    private static MemoryTree leavesOf(Connection connection) throws Exception {
        MemoryTree tree = new MemoryTree();
        try (Statement sql = connection.createStatement();
             ResultSet rs = sql.executeQuery("SELECT leaf_hash FROM evidence_event ORDER BY idx")) {
            while (rs.next()) {
                tree.appendLeafHash(rs.getBytes(1));
            }
        }
        return tree;
    }

    private GatewayConfig config() {
        return new GatewayConfig(dir.resolve("data").toString(),
                new ListenersConfig(new ListenerConfig("127.0.0.1", 0, false), new ListenerConfig("127.0.0.1", 0, false)),
                null, null, new EvidenceConfig("tracegate.test/subtrees", null, 0, dir.resolve("published").toString(), false, 0, null),
                null, List.of(), 0, null, null);
    }

    private static EvidenceEvent event() {
        return new EvidenceEvent(Instant.now(), EventType.ADMIN_ACTION, TESTER, null, null, null, null);
    }
}
