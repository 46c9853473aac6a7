package dev.tracegate.gateway.evidence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracegate.gateway.Gateway;
import dev.tracegate.gateway.TestGateway;
import dev.tracegate.gateway.config.EvidenceConfig;
import dev.tracegate.gateway.config.GatewayConfig;
import dev.tracegate.gateway.config.ListenerConfig;
import dev.tracegate.gateway.config.ListenersConfig;
import dev.tracegate.gateway.identity.Identity;
import dev.tracegate.gateway.store.StoreException;
import dev.tracegate.ledger.note.Checkpoint;
import dev.tracegate.ledger.note.LogKeyPair;
import dev.tracegate.ledger.note.SignedNote;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Someone with write access to the gateway's store (its database and its leaf log files), and no
 * publish directory configured, deletes the checkpoint rows, truncates, rewrites or replaces the
 * evidence log, and restarts the gateway: the checkpoint anchored in the data directory catches
 * every variant, and the gateway refuses to start with what it found and what to do, rather than
 * signing the new history.
 */
class StoreTamperTest {

    private static final Identity TESTER = new Identity("tracegate", "tester", "tester", null, List.of(), "human");

    @TempDir
    Path dir;

    @Test
    void aTruncatedLogWithoutItsCheckpointsStopsTheGateway() throws Exception {
        writeEventsAndCheckpoint(20, "original");
        LeafLogFiles.truncate(log(), 15);
        tamper("DELETE FROM checkpoint", "DELETE FROM evidence_chunk WHERE last_idx >= 15", "UPDATE log_head SET tree_size = 15");

        assertRefused("the evidence store holds 15 events but the anchored checkpoint in " + anchor()
                + " holds a checkpoint of 21 events", "Restore the store from a backup taken after that checkpoint");
    }

    @Test
    void aTruncatedLogWhoseIndexStillKnowsTheEventsStopsTheGateway() throws Exception {
        writeEventsAndCheckpoint(20, "original");
        LeafLogFiles.truncate(log(), 15);
        Files.delete(anchor());

        assertRefused("the evidence log in " + log() + " holds 15 events but the store has indexed 21",
                "events were removed from the log");
    }

    @Test
    void aRewrittenEventWithTheCheckpointsDeletedStopsTheGateway() throws Exception {
        writeEventsAndCheckpoint(20, "original");
        // Event 3 replaced by a copy of event 4, every hash table left as it was, the store's checkpoints gone.
        copyEvent(4, 3);
        tamper("DELETE FROM checkpoint");

        assertRefused("the first 21 events of the evidence store no longer match the anchored checkpoint", "the log was rewritten");
    }

    @Test
    void aConsistentForgeryOfTheSameSizeStopsTheGateway() throws Exception {
        writeEventsAndCheckpoint(20, "original");
        forgeStore(20);

        assertRefused("the first 21 events of the evidence store no longer match the anchored checkpoint", "the log was rewritten");
    }

    @Test
    void aLongerConsistentForgeryStopsTheGateway() throws Exception {
        writeEventsAndCheckpoint(20, "original");
        forgeStore(35);

        assertRefused("the first 21 events of the evidence store no longer match the anchored checkpoint");
    }

    @Test
    void aMissingStoreWithAnAnchorStopsTheGatewayAndSaysWhatToDo() throws Exception {
        writeEventsAndCheckpoint(20, "original");
        deleteStore();

        assertRefused("the evidence store holds no events, but the anchored checkpoint in " + anchor(),
                "Point the gateway at the store it was using", "move the anchor away");
    }

    @Test
    void editedHashTablesStopTheGateway() throws Exception {
        writeEventsAndCheckpoint(20, "original");
        LeafLogFiles.overwriteHash(log(), 4, 0, LeafLogFiles.hash(log(), 0, 0));
        tamper("DELETE FROM checkpoint");

        assertRefused("hash tables (evidence-log/merkle) disagree with its 21 events");
    }

    @Test
    void withTheAnchorGoneTooEditedHashTablesStillStopTheGateway() throws Exception {
        writeEventsAndCheckpoint(20, "original");
        copyEvent(4, 3);
        tamper("DELETE FROM checkpoint");
        Files.delete(anchor());

        // Nothing is left to compare the history with, but checkpoints are signed from the hash tables: they must hold.
        assertRefused("disagree with its 21 events");
    }

    @Test
    void anAnchorNotSignedByTheLogKeyStopsTheGateway() throws Exception {
        writeEventsAndCheckpoint(20, "original");
        LogKeyPair stranger = LogKeyPair.generate("tracegate.test/tamper");
        Files.writeString(anchor(), stranger.signer().sign(new Checkpoint("tracegate.test/tamper", 3, new byte[32])));

        assertRefused("the anchored checkpoint in " + anchor() + " does not verify with the log key");
    }

    @Test
    void anUntouchedLogStartsKeepsGrowingAndTheAnchorFollows() throws Exception {
        writeEventsAndCheckpoint(20, "original");
        try (Gateway gateway = Gateway.start(config())) {
            gateway.evidence().appendDurably(event("later"));
            String note = gateway.checkpoints().signNow().note();

            // Two starts (each a gateway.started event), 20 events, one more.
            assertThat(SignedNote.verify(note, gateway.checkpoints().verifierKey()).size()).isEqualTo(23);
            assertThat(Files.readString(anchor())).isEqualTo(note);
        }
        assertThat(Files.exists(dir.resolve("data/evidence-anchor.tmp"))).as("no half-written anchor is left").isFalse();
    }

    @Test
    void aRemovedAnchorIsRecreatedAndTheGatewaySaysSoInTheLog() throws Exception {
        writeEventsAndCheckpoint(20, "original");
        Files.delete(anchor());

        try (Gateway gateway = Gateway.start(config())) {
            gateway.evidence().appendDurably(event("after"));
            gateway.evidence().awaitStored();
            assertThat(anchorEvents(gateway)).as("an auditor sees the log was anchored afresh").isEqualTo(1);
            assertThat(SignedNote.verify(Files.readString(anchor()), gateway.checkpoints().verifierKey()).size())
                    .isGreaterThanOrEqualTo(20);
        }
    }

    @Test
    void theFirstStartAnchorsEvenAnEmptyLog() throws Exception {
        try (Gateway gateway = Gateway.start(config())) {
            assertThat(SignedNote.verify(Files.readString(anchor()), gateway.checkpoints().verifierKey()).size()).isZero();
        }
    }

    private void assertRefused(String... messageParts) {
        assertThatThrownBy(() -> Gateway.start(config()).close())
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("refusing to start")
                .satisfies(e -> assertThat(e.getMessage()).contains(messageParts));
    }

    private void writeEventsAndCheckpoint(int events, String note) throws Exception {
        try (Gateway gateway = Gateway.start(config())) {
            long started = gateway.checkpoints().signNow().checkpoint().size();
            for (int i = 0; i < events; i++) {
                gateway.evidence().appendDurably(event(note + " " + i));
            }
            assertThat(gateway.checkpoints().signNow().checkpoint().size()).isGreaterThanOrEqualTo(events);
        }
    }

    /**
     * A forger with the database only: a whole new store of {@code events} events whose hash
     * tables are all consistent (written by a gateway, with the anchor out of its way), its
     * checkpoint rows deleted; the original anchor back where it was.
     */
    private void forgeStore(int events) throws Exception {
        Path kept = Files.move(anchor(), dir.resolve("anchor-kept"));
        deleteStore();
        writeEventsAndCheckpoint(events, "forged");
        Files.move(kept, anchor(), StandardCopyOption.REPLACE_EXISTING);
        tamper("DELETE FROM checkpoint");
    }

    /** Edits the store's database directly. */
    private void tamper(String... statements) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + dir.resolve("data/store/tracegate")
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE", "tracegate", ""); Statement sql = c.createStatement()) {
            for (String statement : statements) {
                sql.execute(statement);
            }
        }
    }

    /** Writes event {@code from}'s leaf over event {@code to}'s, in a well-formed record. */
    private void copyEvent(int from, int to) throws Exception {
        LeafLogFiles.replaceLeaf(log(), to, LeafLogFiles.leaves(log()).get(from));
    }

    private void deleteStore() throws Exception {
        deleteTree(dir.resolve("data/store"));
        deleteTree(log());
    }

    private Path log() {
        return dir.resolve("data/evidence-log");
    }

    private static void deleteTree(Path root) throws Exception {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static long anchorEvents(Gateway gateway) throws Exception {
        return TestGateway.eventsOfType(gateway.evidence(), "admin.action").stream()
                .filter(event -> event.path("detail").path("action").asText().equals("evidence.anchor.created"))
                .count();
    }

    private Path anchor() {
        return dir.resolve("data/evidence-anchor").toAbsolutePath();
    }

    private GatewayConfig config() {
        return new GatewayConfig(dir.resolve("data").toString(),
                new ListenersConfig(new ListenerConfig("127.0.0.1", 0, false), new ListenerConfig("127.0.0.1", 0, false)),
                null, null, new EvidenceConfig("tracegate.test/tamper", null, 0, null, false, 0, null),
                null, List.of(), 0, null, null);
    }

    private static EvidenceEvent event(String note) {
        var detail = EvidenceEvent.newDetail();
        detail.put("note", note);
        return new EvidenceEvent(Instant.now(), EventType.ADMIN_ACTION, TESTER, null, null, null, detail);
    }
}
