package dev.tracegate.gateway.evidence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracegate.gateway.Gateway;
import dev.tracegate.gateway.TestGateway;
import dev.tracegate.gateway.TestTarget;
import dev.tracegate.gateway.config.ApiKeyConfig;
import dev.tracegate.gateway.config.EvidenceConfig;
import dev.tracegate.gateway.config.GatewayConfig;
import dev.tracegate.gateway.config.IdentitiesConfig;
import dev.tracegate.gateway.config.ListenerConfig;
import dev.tracegate.gateway.config.ListenersConfig;
import dev.tracegate.gateway.config.SecretReference;
import dev.tracegate.gateway.config.StoreConfig;
import dev.tracegate.gateway.identity.Identity;
import dev.tracegate.gateway.store.Store;
import dev.tracegate.ledger.merkle.CompactRange;
import dev.tracegate.ledger.merkle.MerkleHashes;
import dev.tracegate.ledger.merkle.MerkleTree;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The evidence log on a shared PostgreSQL store: the same migrations as H2, several writers
 * extending one consistent log, and commands refused when the store cannot be written.
 */
class PostgresStoreTest {

    private static final Identity WRITER = new Identity("tracegate", "writer", "writer", null, List.of(), "service");

    @TempDir
    Path dir;

    @Test
    void twoGatewayNodesAppendOneConsistentLog() throws Exception {
        try (EmbeddedPostgres storeDb = EmbeddedPostgres.builder().start()) {
            StoreConfig config = storeConfig(storeDb);
            try (Store nodeA = Store.open(config, dir.resolve("a")); Store nodeB = Store.open(config, dir.resolve("b"));
                 EvidenceLog logA = new EvidenceLog(nodeA, null, false); EvidenceLog logB = new EvidenceLog(nodeB, null, false)) {
                List<CompletableFuture<Long>> appended = new ArrayList<>();
                for (int i = 0; i < 500; i++) {
                    appended.add(logA.append(event("a" + i)));
                    appended.add(logB.append(event("b" + i)));
                }
                for (CompletableFuture<Long> index : appended) {
                    EvidenceLog.awaitDurable(index);
                }
                assertThat(appended.stream().map(CompletableFuture::join).distinct().count()).isEqualTo(1000);
                try (Connection c = nodeA.dataSource().getConnection(); Statement sql = c.createStatement();
                     ResultSet rs = sql.executeQuery("SELECT idx, leaf FROM evidence_event ORDER BY idx")) {
                    List<byte[]> leafHashes = new ArrayList<>();
                    while (rs.next()) {
                        assertThat(rs.getLong(1)).isEqualTo(leafHashes.size());
                        leafHashes.add(MerkleHashes.leafHash(rs.getBytes(2)));
                    }
                    assertThat(leafHashes).hasSize(1000);
                    try (StoredSubtreeHashes subtrees = new StoredSubtreeHashes(c)) {
                        assertThat(MerkleTree.rootFrom(subtrees, 1000)).isEqualTo(MerkleTree.root(leafHashes));
                    }
                }
            }
        }
    }

    /**
     * Three nodes, four threads each, appending and waiting as commands do, all at once, so batches
     * find the head moved by another node and are sealed again (and, losing three times, lock it):
     * the log holds every event exactly once, at the index its caller was told, in one order; each
     * leaf carries its own index and the event appended there, its stored hash is its leaf hash, the
     * stored subtree hashes and the head's right edge are those of the leaves; no node refused a
     * batch as a removal or rewrite of what it wrote, and the log as each node's last batch left it
     * ({@code WrittenHead}) is a prefix of the stored one.
     */
    @Test
    void nodesRacingForTheHeadPlaceEveryEventOnceInOneOrder() throws Exception {
        try (EmbeddedPostgres storeDb = EmbeddedPostgres.builder().start()) {
            StoreConfig config = storeConfig(storeDb);
            try (Store nodeA = Store.open(config, dir.resolve("a")); Store nodeB = Store.open(config, dir.resolve("b"));
                 Store nodeC = Store.open(config, dir.resolve("c"));
                 EvidenceLog logA = new EvidenceLog(nodeA, null, false); EvidenceLog logB = new EvidenceLog(nodeB, null, false);
                 EvidenceLog logC = new EvidenceLog(nodeC, null, false);
                 ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
                List<EvidenceLog> logs = List.of(logA, logB, logC);
                Map<Long, String> noteAt = new ConcurrentHashMap<>();
                List<CompletableFuture<Void>> writers = new ArrayList<>();
                for (int node = 0; node < logs.size(); node++) {
                    for (int thread = 0; thread < 4; thread++) {
                        EvidenceLog log = logs.get(node);
                        String writer = "n" + node + "t" + thread;
                        writers.add(CompletableFuture.runAsync(() -> {
                            for (int i = 0; i < 60; i++) {
                                String note = writer + "-" + i;
                                try {
                                    assertThat(noteAt.put(log.appendDurably(event(note)), note)).as("one index each").isNull();
                                } catch (EvidenceLogUnavailableException e) {
                                    throw new AssertionError(e);
                                }
                            }
                        }, threads));
                    }
                }
                CompletableFuture.allOf(writers.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
                assertThat(noteAt.keySet()).containsExactlyInAnyOrderElementsOf(
                        LongStream.range(0, 720).boxed().toList());
                List<byte[]> leafHashes = assertTheStoredLogIsItsLeaves(nodeA, noteAt);
                for (EvidenceLog log : logs) {
                    WrittenHead written = log.written().orElseThrow();
                    assertThat(written.size()).isBetween(1L, 720L);
                    assertThat(written.root()).isEqualTo(MerkleTree.root(leafHashes.subList(0, (int) written.size())));
                }
            }
        }
    }

    /**
     * Every stored event against the notes appended at each index, the stored hashes against the
     * leaves; the stored leaf hashes, in order.
     */
    private static List<byte[]> assertTheStoredLogIsItsLeaves(Store store, Map<Long, String> noteAt) throws Exception {
        ObjectMapper json = new ObjectMapper();
        try (Connection c = store.dataSource().getConnection(); Statement sql = c.createStatement()) {
            List<byte[]> leafHashes = new ArrayList<>();
            try (ResultSet rs = sql.executeQuery("SELECT idx, leaf, leaf_hash FROM evidence_event ORDER BY idx")) {
                while (rs.next()) {
                    long index = rs.getLong(1);
                    assertThat(index).isEqualTo(leafHashes.size());
                    JsonNode leaf = json.readTree(rs.getBytes(2));
                    assertThat(leaf.path("index").asLong()).isEqualTo(index);
                    assertThat(leaf.path("detail").path("note").asText()).isEqualTo(noteAt.get(index));
                    assertThat(rs.getBytes(3)).isEqualTo(MerkleHashes.leafHash(rs.getBytes(2)));
                    leafHashes.add(rs.getBytes(3));
                }
            }
            assertThat(leafHashes).hasSize(noteAt.size());
            try (StoredSubtreeHashes subtrees = new StoredSubtreeHashes(c)) {
                assertThat(MerkleTree.rootFrom(subtrees, leafHashes.size())).isEqualTo(MerkleTree.root(leafHashes));
            }
            CompactRange range = CompactRange.empty();
            leafHashes.forEach(range::append);
            ByteArrayOutputStream edge = new ByteArrayOutputStream();
            range.rightEdge().forEach(edge::writeBytes);
            try (ResultSet rs = sql.executeQuery("SELECT tree_size, edge FROM log_head WHERE id = 1")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getLong(1)).isEqualTo(leafHashes.size());
                assertThat(rs.getBytes(2)).isEqualTo(edge.toByteArray());
            }
            return leafHashes;
        }
    }

    /**
     * The query index two nodes build in the shared store, batch by batch (one statement per table,
     * with the rows as arrays): every session found where it opened and closed, opened and closed
     * in one batch or across batches and nodes, and every event of a session, user, trace and
     * time range found, none of another's.
     */
    @Test
    void theSharedStoresIndexFindsEverySessionAndEvent() throws Exception {
        try (EmbeddedPostgres storeDb = EmbeddedPostgres.builder().start()) {
            StoreConfig config = storeConfig(storeDb);
            try (Store nodeA = Store.open(config, dir.resolve("a")); Store nodeB = Store.open(config, dir.resolve("b"));
                 EvidenceLog logA = new EvidenceLog(nodeA, null, false); EvidenceLog logB = new EvidenceLog(nodeB, null, false)) {
                Map<String, List<CompletableFuture<Long>>> bySession = new LinkedHashMap<>();
                Map<String, List<CompletableFuture<Long>>> byTrace = new LinkedHashMap<>();
                List<CompletableFuture<Long>> all = new ArrayList<>();
                List<CompletableFuture<Long>> secondMinute = new ArrayList<>();
                Instant start = Instant.parse("2026-12-05T10:00:00.123456Z");
                for (int round = 0; round < 3; round++) {
                    for (int s = 0; s < 6; s++) {
                        EvidenceLog log = s % 2 == 0 ? logA : logB;
                        String session = "s" + round + "-" + s;
                        String trace = String.format("%032x", s % 3 + 1);
                        Identity user = new Identity("tracegate", "user" + s % 2, "user", null, List.of(), "human");
                        Instant at = start.plusSeconds(round * 60L + s);
                        List<CompletableFuture<Long>> events = bySession.computeIfAbsent(session, k -> new ArrayList<>());
                        events.add(log.append(sessionEvent(at, EventType.SESSION_OPEN, user, session, null)));
                        for (int c = 0; c < 3; c++) {
                            CompletableFuture<Long> command = log.append(sessionEvent(at, EventType.COMMAND, user, session, trace));
                            events.add(command);
                            byTrace.computeIfAbsent(trace, k -> new ArrayList<>()).add(command);
                        }
                        if (s % 3 != 2) {
                            // Most close in the batch that opened them; one in three stays open.
                            events.add(log.append(sessionEvent(at, EventType.SESSION_CLOSE, user, session, null)));
                        }
                        all.addAll(events);
                        if (round == 1) {
                            secondMinute.addAll(events);
                        }
                    }
                    CompletableFuture<Long> between = logA.append(new EvidenceEvent(start.plusSeconds(round * 60L + 50),
                            EventType.ADMIN_ACTION, WRITER, null, null, null, null));
                    all.add(between);
                    if (round == 1) {
                        secondMinute.add(between);
                    }
                    EvidenceLog.awaitDurable(between);
                }
                for (CompletableFuture<Long> index : all) {
                    EvidenceLog.awaitDurable(index);
                }
                // The sessions left open close now, each in a batch of its own, long after they opened.
                for (var entry : bySession.entrySet()) {
                    if (entry.getKey().endsWith("-2") || entry.getKey().endsWith("-5")) {
                        Identity user = new Identity("tracegate", "user0", "user", null, List.of(), "human");
                        long closed = logB.appendDurably(sessionEvent(Instant.now(), EventType.SESSION_CLOSE, user, entry.getKey(), null));
                        entry.getValue().add(CompletableFuture.completedFuture(closed));
                    }
                }
                logA.awaitStored();
                try (EvidenceReader reader = logA.reader()) {
                    List<SessionRow> sessions = reader.sessions(new SessionSelection(null, null, null, null, null, null),
                            Long.MAX_VALUE, 100);
                    assertThat(sessions).hasSize(bySession.size());
                    for (var entry : bySession.entrySet()) {
                        List<Long> indices = entry.getValue().stream().map(CompletableFuture::join).toList();
                        assertThat(sessions).as(entry.getKey()).contains(new SessionRow(indices.getFirst(), indices.getLast()));
                        assertThat(reader.indices(EventSelection.ofSession(entry.getKey())))
                                .as(entry.getKey()).containsExactly(sorted(entry.getValue()));
                    }
                    for (var entry : byTrace.entrySet()) {
                        assertThat(reader.indices(EventSelection.ofTrace(entry.getKey()))).as(entry.getKey())
                                .containsExactly(sorted(entry.getValue()));
                    }
                    assertThat(reader.indices(new EventSelection(null, null, null, null, start.plusSeconds(60),
                            start.plusSeconds(120), 0))).as("the second minute's events")
                            .containsExactly(sorted(secondMinute));
                }
            }
        }
    }

    @Test
    void commandsAreRefusedWhenTheStoreFails() throws Exception {
        try (Connection direct = TestTarget.direct(); Statement sql = direct.createStatement()) {
            sql.execute("CREATE TABLE IF NOT EXISTS fail_closed (marker text)");
            sql.execute("GRANT ALL ON fail_closed TO PUBLIC");
        }
        EmbeddedPostgres storeDb = EmbeddedPostgres.builder().start();
        try (Gateway gateway = Gateway.start(gatewayConfig(storeConfig(storeDb)))) {
            Properties props = new Properties();
            props.setProperty("user", "alice");
            props.setProperty("password", TestGateway.ALICE_TOKEN);
            props.setProperty("sslmode", "require");
            String url = "jdbc:postgresql://127.0.0.1:" + gateway.postgresPort() + "/app";
            try (Connection c = DriverManager.getConnection(url, props); Statement sql = c.createStatement()) {
                sql.execute("INSERT INTO fail_closed VALUES ('before')");
                storeDb.close();
                assertThatThrownBy(() -> sql.execute("INSERT INTO fail_closed VALUES ('after')"))
                        .isInstanceOf(SQLException.class)
                        .satisfies(e -> {
                            assertThat(((SQLException) e).getSQLState()).isEqualTo("58000");
                            assertThat(e.getMessage()).contains("evidence log is unavailable");
                        });
            }
        }
        try (Connection direct = TestTarget.direct(); Statement sql = direct.createStatement();
             ResultSet rs = sql.executeQuery("SELECT marker FROM fail_closed")) {
            List<String> markers = new ArrayList<>();
            while (rs.next()) {
                markers.add(rs.getString(1));
            }
            assertThat(markers).containsExactly("before");
        }
    }

    @Test
    void aDatabaseAdministratorsRewriteIsRefusedAtTheNextStart() throws Exception {
        try (EmbeddedPostgres storeDb = EmbeddedPostgres.builder().start()) {
            StoreConfig store = storeConfig(storeDb);
            try (Gateway gateway = Gateway.start(gatewayConfig(store))) {
                for (int i = 0; i < 12; i++) {
                    gateway.evidence().appendDurably(event("kept " + i));
                }
                gateway.checkpoints().signNow();
            }
            // The DBA covers their tracks in the shared store: the checkpoints go, an event is replaced.
            try (Connection c = storeDb.getPostgresDatabase().getConnection(); Statement sql = c.createStatement()) {
                sql.execute("DELETE FROM checkpoint");
                sql.execute("UPDATE evidence_event SET leaf = (SELECT leaf FROM evidence_event WHERE idx = 7) WHERE idx = 6");
            }

            assertThatThrownBy(() -> Gateway.start(gatewayConfig(store)).close())
                    .hasMessageContaining("no longer match the anchored checkpoint")
                    .hasMessageContaining("refusing to start");
        }
    }

    /**
     * The events written since the last checkpoint are signed by nothing yet: a DBA of the shared
     * store removes the last five (commands that ran: each was durable before it did), with their
     * subtree hashes and the head, before the next checkpoint. The gateway that wrote them refuses to
     * sign the cut log and to write on top of it; before, it signed the log without them and every
     * bundle after verified, the five gone for good.
     */
    @Test
    void eventsNoCheckpointCoversYetCannotBeCutFromTheStore() throws Exception {
        try (EmbeddedPostgres storeDb = EmbeddedPostgres.builder().start();
             Gateway gateway = Gateway.start(gatewayConfig(storeConfig(storeDb)))) {
            long signed = twelveEventsSigned(gateway);
            for (int i = 0; i < 5; i++) {
                gateway.evidence().appendDurably(event("ran " + i));
            }
            cutTo(storeDb, signed);

            assertThatThrownBy(() -> gateway.checkpoints().signNow())
                    .hasMessageContaining("holds " + signed + " events, but this gateway wrote " + (signed + 5) + " durably")
                    .hasMessageContaining("refusing to sign");
            assertThatThrownBy(() -> gateway.evidence().appendDurably(event("after the cut")))
                    .isInstanceOf(EvidenceLogUnavailableException.class)
                    .hasMessageContaining("events were removed from the store since");
            assertThatThrownBy(() -> gateway.checkpoints().signNow()).hasMessageContaining("refusing to sign");
        }
    }

    /**
     * As above, but the DBA rewrites the last of those events in place instead (its leaf, leaf hash,
     * subtree hashes and head recomputed, so the store agrees with itself): the gateway refuses to
     * sign the rewritten log and to write on top of it.
     */
    @Test
    void eventsNoCheckpointCoversYetCannotBeRewrittenInTheStore() throws Exception {
        try (EmbeddedPostgres storeDb = EmbeddedPostgres.builder().start();
             Gateway gateway = Gateway.start(gatewayConfig(storeConfig(storeDb)))) {
            twelveEventsSigned(gateway);
            long last = gateway.evidence().appendDurably(event("DROP TABLE payroll"));
            try (Connection c = storeDb.getPostgresDatabase().getConnection(); Statement sql = c.createStatement()) {
                byte[] leaf;
                try (ResultSet rs = sql.executeQuery("SELECT leaf FROM evidence_event WHERE idx = " + last)) {
                    assertThat(rs.next()).isTrue();
                    leaf = new String(rs.getBytes(1), java.nio.charset.StandardCharsets.UTF_8)
                            .replace("DROP TABLE payroll", "SELECT 1 AS healthy").getBytes(java.nio.charset.StandardCharsets.UTF_8);
                }
                try (var update = c.prepareStatement("UPDATE evidence_event SET leaf = ?, leaf_hash = ? WHERE idx = ?")) {
                    update.setBytes(1, leaf);
                    update.setBytes(2, MerkleHashes.leafHash(leaf));
                    update.setLong(3, last);
                    update.executeUpdate();
                }
                List<byte[]> leafHashes = new ArrayList<>();
                try (ResultSet rs = sql.executeQuery("SELECT leaf_hash FROM evidence_event ORDER BY idx")) {
                    while (rs.next()) {
                        leafHashes.add(rs.getBytes(1));
                    }
                }
                try (var update = c.prepareStatement("UPDATE merkle_subtree SET hash = ? WHERE level = ? AND node_index = ?")) {
                    for (int level = 4; (1L << level) <= leafHashes.size(); level++) {
                        long node = last >> level;
                        if ((node + 1) << level <= leafHashes.size()) {
                            update.setBytes(1, MerkleTree.root(leafHashes.subList((int) (node << level), (int) ((node + 1) << level))));
                            update.setInt(2, level);
                            update.setLong(3, node);
                            update.executeUpdate();
                        }
                    }
                }
                sql.execute("UPDATE log_head SET edge = NULL"); // loaded again from the rewritten rows
            }

            assertThatThrownBy(() -> gateway.checkpoints().signNow())
                    .hasMessageContaining("is not an extension of the " + (last + 1) + " events this gateway wrote")
                    .hasMessageContaining("refusing to sign");
            assertThatThrownBy(() -> gateway.evidence().appendDurably(event("after the rewrite")))
                    .isInstanceOf(EvidenceLogUnavailableException.class)
                    .hasMessageContaining("were rewritten since");
        }
    }

    /**
     * As above, but the DBA cuts the events after the gateway that wrote them crashed (a clean stop
     * signs a last checkpoint, which the anchor keeps): what it wrote is kept in its data directory,
     * so at the next start the store no longer extends it and the gateway refuses to start (it
     * cannot record its start); before, it started on the cut log and anchored it.
     */
    @Test
    void eventsCutFromTheStoreAfterTheGatewayCrashedAreFoundAtItsNextStart() throws Exception {
        Gateway crashed = null;
        try (EmbeddedPostgres storeDb = EmbeddedPostgres.builder().start()) {
            StoreConfig store = storeConfig(storeDb);
            crashed = Gateway.start(gatewayConfig(store)); // never closed: no last checkpoint, as after a crash
            long signed = twelveEventsSigned(crashed);
            for (int i = 0; i < 5; i++) {
                crashed.evidence().appendDurably(event("ran " + i));
            }
            cutTo(storeDb, signed);

            assertThatThrownBy(() -> Gateway.start(gatewayConfig(store)).close())
                    .hasMessageContaining("holds " + signed + " events, but this gateway wrote")
                    .hasMessageContaining("events no checkpoint covered yet were removed from the store")
                    .hasMessageContaining("refuses commands");
        } finally {
            closeQuietly(crashed);
        }
    }

    /**
     * A gateway that crashed restarts on an untouched store and writes on. Then the file keeping
     * what it wrote is corrupt in both its slots (not a torn write, which spoils one): nothing says
     * what the gateway wrote, so it refuses to start rather than trust the store blindly.
     */
    @Test
    void aCorruptRecordOfWhatTheGatewayWroteIsNotTrusted() throws Exception {
        Gateway crashed = null;
        try (EmbeddedPostgres storeDb = EmbeddedPostgres.builder().start()) {
            StoreConfig store = storeConfig(storeDb);
            crashed = Gateway.start(gatewayConfig(store)); // never closed, as after a crash
            twelveEventsSigned(crashed);
            crashed.evidence().appendDurably(event("unsigned"));
            try (Gateway gateway = Gateway.start(gatewayConfig(store))) {
                gateway.evidence().appendDurably(event("after a restart on an untouched store"));
            }
            Path kept = dir.resolve("gateway").resolve("evidence-written-head");
            byte[] bytes = Files.readAllBytes(kept);
            for (int i = 0; i < bytes.length; i += 97) {
                bytes[i] ^= 1;
            }
            Files.write(kept, bytes);

            assertThatThrownBy(() -> Gateway.start(gatewayConfig(store)).close())
                    .hasMessageContaining("is corrupt")
                    .hasMessageContaining("refuses commands");
        } finally {
            closeQuietly(crashed);
        }
    }

    /** #21 faults: the store goes away and comes back; the gateway refuses meanwhile and serves again without a restart. */
    @Test
    void aStoreThatComesBackIsUsedAgainWithoutARestart() throws Exception {
        try (Connection direct = TestTarget.direct(); Statement sql = direct.createStatement()) {
            sql.execute("CREATE TABLE IF NOT EXISTS store_outage (marker text)");
            sql.execute("GRANT ALL ON store_outage TO PUBLIC");
            sql.execute("DELETE FROM store_outage");
        }
        Path storeData = Files.createDirectories(dir.resolve("store-data"));
        EmbeddedPostgres storeDb = EmbeddedPostgres.builder().setDataDirectory(storeData).setCleanDataDirectory(false).start();
        int storePort = storeDb.getPort();
        try (Gateway gateway = Gateway.start(gatewayConfig(storeConfig(storeDb)))) {
            String url = "jdbc:postgresql://127.0.0.1:" + gateway.postgresPort() + "/app";
            try (Connection c = DriverManager.getConnection(url, alice()); Statement sql = c.createStatement()) {
                sql.execute("INSERT INTO store_outage VALUES ('before')");
                storeDb.close();
                assertThatThrownBy(() -> sql.execute("INSERT INTO store_outage VALUES ('during')"))
                        .isInstanceOf(SQLException.class)
                        .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("58000"));
            } catch (SQLException sessionEnded) {
                // the refusal ends the session; closing it may fail too
            }
            storeDb = EmbeddedPostgres.builder().setDataDirectory(storeData).setCleanDataDirectory(false).setPort(storePort).start();
            Awaitility.await().atMost(60, TimeUnit.SECONDS).pollInterval(1, TimeUnit.SECONDS).untilAsserted(() -> {
                try (Connection c = DriverManager.getConnection(url, alice()); Statement sql = c.createStatement()) {
                    sql.execute("INSERT INTO store_outage VALUES ('after')");
                }
            });
            gateway.evidence().awaitStored();
            assertThat(gateway.checkpoints().signNow().checkpoint().size()).as("one log across the outage")
                    .isEqualTo(gateway.evidence().size());
        } finally {
            storeDb.close();
        }
        try (Connection direct = TestTarget.direct(); Statement sql = direct.createStatement();
             ResultSet rs = sql.executeQuery("SELECT marker FROM store_outage ORDER BY marker")) {
            List<String> markers = new ArrayList<>();
            while (rs.next()) {
                markers.add(rs.getString(1));
            }
            assertThat(markers).as("nothing ran unrecorded while the store was away").containsExactly("after", "before");
        }
    }

    private static void closeQuietly(Gateway gateway) {
        if (gateway != null) {
            try {
                gateway.close();
            } catch (Exception ignored) {
                // the store is gone by now; its last checkpoint is refused either way
            }
        }
    }

    /** What a DBA of the store does to remove the events from {@code size} on: their rows, subtree hashes, index rows and head. */
    private static void cutTo(EmbeddedPostgres storeDb, long size) throws SQLException {
        try (Connection c = storeDb.getPostgresDatabase().getConnection(); Statement sql = c.createStatement()) {
            sql.execute("DELETE FROM evidence_event WHERE idx >= " + size);
            sql.execute("DELETE FROM merkle_subtree WHERE (node_index + 1) * (1::bigint << level) > " + size);
            sql.execute("DELETE FROM evidence_chunk WHERE first_idx >= " + size);
            sql.execute("UPDATE log_head SET tree_size = " + size + ", edge = NULL");
        }
    }

    /** Twelve events and a checkpoint of them: what a store's writer finds signed; the checkpoint's size. */
    private static long twelveEventsSigned(Gateway gateway) throws Exception {
        for (int i = 0; i < 12; i++) {
            gateway.evidence().appendDurably(event("kept " + i));
        }
        return gateway.checkpoints().signNow().checkpoint().size();
    }

    private static Properties alice() {
        Properties props = new Properties();
        props.setProperty("user", "alice");
        props.setProperty("password", TestGateway.ALICE_TOKEN);
        props.setProperty("sslmode", "require");
        return props;
    }

    private GatewayConfig gatewayConfig(StoreConfig store) throws Exception {
        Path token = dir.resolve("alice");
        Files.writeString(token, TestGateway.ALICE_TOKEN);
        return new GatewayConfig(dir.resolve("gateway").toString(),
                new ListenersConfig(new ListenerConfig("127.0.0.1", 0, false), new ListenerConfig("127.0.0.1", 0, false)),
                null, store, new EvidenceConfig("tracegate.test/pgstore", null, 0, null, false, 0, null),
                new IdentitiesConfig(List.of(new ApiKeyConfig("alice", SecretReference.of("file:" + token), List.of(), "human", null))),
                List.of(TestGateway.connection("app", TestTarget.TRUST_USER, null)), 0, null, null);
    }

    private StoreConfig storeConfig(EmbeddedPostgres storeDb) throws Exception {
        Path password = dir.resolve("store-password");
        Files.writeString(password, "unused-with-trust");
        return new StoreConfig("postgresql", null, "jdbc:postgresql://127.0.0.1:" + storeDb.getPort() + "/postgres",
                "postgres", SecretReference.of("file:" + password));
    }

    private static long[] sorted(List<CompletableFuture<Long>> indices) {
        return indices.stream().mapToLong(CompletableFuture::join).sorted().toArray();
    }

    private static EvidenceEvent sessionEvent(Instant at, String type, Identity user, String session, String trace) {
        return new EvidenceEvent(at, type, user, session, trace, new EvidenceEvent.Resource("app", "postgres", "db:5432"), null);
    }

    private static EvidenceEvent event(String note) {
        var detail = EvidenceEvent.newDetail();
        detail.put("note", note);
        return new EvidenceEvent(Instant.now(), EventType.ADMIN_ACTION, WRITER, null, null, null, detail);
    }
}
