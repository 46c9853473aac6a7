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
import dev.tracegate.gateway.config.SecretReference;
import dev.tracegate.gateway.config.StoreConfig;
import dev.tracegate.gateway.store.Store;
import dev.tracegate.ledger.merkle.MerkleHashes;
import dev.tracegate.ledger.merkle.SubtreeHashes;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Roots and proofs read from the stored subtree hashes must equal those of an in-memory tree of the
 * same leaves at every size, including sizes that end inside a block and batches that straddle
 * blocks: the embedded store's hash files beside its leaf log, and a PostgreSQL store, which keeps
 * only the larger subtrees and computes the small ones from the events' leaf hashes.
 */
class StoredSubtreeHashesTest {

    private static final Identity TESTER = new Identity("tracegate", "tester", "tester", null, List.of(), "human");

    @TempDir
    Path dir;

    @Test
    void rootsAndProofsFromTheEmbeddedStoreMatchAnInMemoryTree() throws Exception {
        try (Gateway gateway = Gateway.start(config())) {
            fill(gateway.evidence());
            gateway.checkpoints().signNow();
        }
        try (Gateway gateway = Gateway.start(config()); EvidenceReader reader = gateway.evidence().reader()) {
            assertMatchesMemoryTree(reader);
        }
    }

    @Test
    void rootsAndProofsFromAPostgresStoreMatchAnInMemoryTree() throws Exception {
        try (EmbeddedPostgres storeDb = EmbeddedPostgres.builder().start()) {
            Path password = Files.writeString(dir.resolve("store-password"), "unused-with-trust");
            StoreConfig config = new StoreConfig("postgresql", null,
                    "jdbc:postgresql://127.0.0.1:" + storeDb.getPort() + "/postgres", "postgres",
                    SecretReference.of("file:" + password));
            try (Store store = Store.open(config, dir.resolve("pg")); EvidenceLog log = new EvidenceLog(store, null, false)) {
                fill(log);
                // A head without its edge (a store written before the head kept it): the next append loads the edge.
                try (var c = store.dataSource().getConnection(); var sql = c.createStatement()) {
                    sql.execute("UPDATE log_head SET edge = NULL");
                }
                fill(log);
                try (EvidenceReader reader = log.reader()) {
                    assertThat(reader.subtrees()).isInstanceOf(StoredSubtreeHashes.class);
                    assertMatchesMemoryTree(reader);
                }
            }
        }
    }

    private static void fill(EvidenceLog log) throws Exception {
        for (int i = 0; i < 37; i++) {
            log.appendDurably(event());
        }
        for (int i = 0; i < 60; i++) {
            log.append(event()); // gathered into larger batches
        }
        log.appendDurably(event());
        log.awaitStored();
    }

    private static void assertMatchesMemoryTree(EvidenceReader reader) throws Exception {
        MemoryTree memory = new MemoryTree();
        reader.scan(0, reader.size(), (index, leaf) -> memory.appendLeafHash(MerkleHashes.leafHash(leaf)));
        SubtreeHashes stored = reader.subtrees();
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
