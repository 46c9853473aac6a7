package dev.tracegate.gateway.evidence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracegate.gateway.Gateway;
import dev.tracegate.gateway.config.EvidenceConfig;
import dev.tracegate.gateway.config.GatewayConfig;
import dev.tracegate.gateway.config.ListenerConfig;
import dev.tracegate.gateway.config.ListenersConfig;
import dev.tracegate.gateway.identity.Identity;
import dev.tracegate.gateway.store.StoreException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Someone with write access to the gateway's database truncates or rewrites the evidence log:
 * the next start-up compares the store with the last signed checkpoint and refuses to run.
 */
class StoreTamperTest {

    private static final Identity TESTER = new Identity("tracegate", "tester", "tester", null, List.of(), "human");

    @TempDir
    Path dir;

    @Test
    void aTruncatedLogStopsTheGateway() throws Exception {
        long signed = writeEventsAndCheckpoint(20);
        tamper("DELETE FROM evidence_event WHERE idx >= 15", "DELETE FROM merkle_subtree WHERE node_index * POWER(2, level) + POWER(2, level) > 15",
                "UPDATE log_head SET tree_size = 15");
        assertThatThrownBy(() -> Gateway.start(config()).close())
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("holds 15 events but checkpoint " + signed)
                .hasMessageContaining("refusing to start");
    }

    @Test
    void aRewrittenLogStopsTheGateway() throws Exception {
        writeEventsAndCheckpoint(20);
        // Event 3 replaced by a copy of event 4, leaving every hash table as it was.
        tamper("UPDATE evidence_event SET leaf = (SELECT leaf FROM evidence_event WHERE idx = 4) WHERE idx = 3");
        assertThatThrownBy(() -> Gateway.start(config()).close())
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("no longer match the signed checkpoint");
    }

    @Test
    void anUntouchedLogStartsAndKeepsGrowing() throws Exception {
        long signed = writeEventsAndCheckpoint(20);
        try (Gateway gateway = Gateway.start(config())) {
            long started = gateway.checkpoints().signNow().checkpoint().size();
            assertThat(started).as("the restart is an event").isEqualTo(signed + 1);
            gateway.evidence().appendDurably(event());
            assertThat(gateway.checkpoints().signNow().checkpoint().size()).isEqualTo(started + 1);
        }
    }

    /** Appends {@code events} after the start-up's own events and returns the size of the checkpoint over them. */
    private long writeEventsAndCheckpoint(int events) throws Exception {
        try (Gateway gateway = Gateway.start(config())) {
            long started = gateway.checkpoints().signNow().checkpoint().size();
            for (int i = 0; i < events; i++) {
                gateway.evidence().appendDurably(event());
            }
            long signed = gateway.checkpoints().signNow().checkpoint().size();
            assertThat(signed).isEqualTo(started + events);
            return signed;
        }
    }

    /** Edits the store directly, and removes the journal as an attacker covering their tracks would. */
    private void tamper(String... statements) throws Exception {
        try (Connection c = java.sql.DriverManager.getConnection("jdbc:h2:file:" + dir.resolve("data/store/tracegate")
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE", "tracegate", ""); Statement sql = c.createStatement()) {
            for (String statement : statements) {
                sql.execute(statement);
            }
        }
        try (Stream<Path> files = Files.walk(dir.resolve("data/evidence-journal"))) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private GatewayConfig config() {
        return new GatewayConfig(dir.resolve("data").toString(),
                new ListenersConfig(new ListenerConfig("127.0.0.1", 0, false), new ListenerConfig("127.0.0.1", 0, false)),
                null, null, new EvidenceConfig("tracegate.test/tamper", null, 0, dir.resolve("published").toString(), false, 0, null),
                null, List.of(), 0, null, null);
    }

    private static EvidenceEvent event() {
        return new EvidenceEvent(Instant.now(), EventType.ADMIN_ACTION, TESTER, null, null, null, null);
    }
}
