package dev.tracegate.gateway.evidence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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
import dev.tracegate.gateway.recording.SessionQueries;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded store's leaf log when its disk fails it, and when the database beside it is lost:
 * a log that cannot confirm a write keeps the gateway from serving (its own start is the first
 * event), and a lost query index is rebuilt from the log, which is the source of truth.
 */
class LeafLogFailureTest {

    @TempDir
    Path dir;

    @Test
    void aFullDiskStopsTheGatewayBeforeItServes() throws Exception {
        Path full = Path.of("/dev/full");
        assumeTrue(Files.exists(full), "needs /dev/full (Linux): every write to it fails with ENOSPC");
        try (Connection direct = TestTarget.direct(); Statement sql = direct.createStatement()) {
            sql.execute("CREATE TABLE IF NOT EXISTS disk_full (marker text)");
            sql.execute("GRANT ALL ON disk_full TO PUBLIC");
            sql.execute("DELETE FROM disk_full");
        }
        // The segment the log writes next lives on a disk with no space left.
        Path log = Files.createDirectories(dir.resolve("gateway/evidence-log"));
        Files.createSymbolicLink(log.resolve(String.format("%020d%s", 0, LeafLog.SUFFIX)), full);
        // The gateway records its own start first, so it refuses to serve at all rather than run anything unrecorded.
        assertThatThrownBy(() -> {
            try (Gateway gateway = Gateway.start(config()); Connection c = connect(gateway); Statement sql = c.createStatement()) {
                sql.execute("INSERT INTO disk_full VALUES ('ran')");
            }
        }).hasMessageContaining("cannot record the gateway's start in the evidence log")
                .hasMessageContaining("No space left on device");
        try (Connection direct = TestTarget.direct(); Statement sql = direct.createStatement();
             ResultSet rs = sql.executeQuery("SELECT count(*) FROM disk_full")) {
            rs.next();
            assertThat(rs.getLong(1)).as("nothing ran that the log did not confirm").isZero();
        }
    }

    @Test
    void aLostDatabaseIsReindexedFromTheLog() throws Exception {
        String session;
        List<String> recorded = new ArrayList<>();
        try (Gateway gateway = Gateway.start(config())) {
            try (Connection c = connect(gateway); Statement sql = c.createStatement()) {
                sql.execute("SELECT 'kept in the log'");
            }
            SessionQueries sessions = new SessionQueries(gateway.evidence());
            session = sessions.list(null, null, 10).getFirst().id();
            sessions.events(session).forEach(e -> recorded.add(e.toString()));
        }
        try (Stream<Path> files = Files.walk(dir.resolve("gateway/store"))) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        // The anchor still holds the last checkpoint: the rebuilt store must extend it, and does.
        try (Gateway gateway = Gateway.start(config())) {
            SessionQueries sessions = new SessionQueries(gateway.evidence());
            assertThat(sessions.list(null, null, 10)).extracting(s -> s.id()).contains(session);
            List<String> again = new ArrayList<>();
            sessions.events(session).forEach(e -> again.add(e.toString()));
            assertThat(again).isEqualTo(recorded).anyMatch(e -> e.contains("kept in the log"));
        }
    }

    private static Connection connect(Gateway gateway) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", "alice");
        props.setProperty("password", TestGateway.ALICE_TOKEN);
        props.setProperty("sslmode", "require");
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + gateway.postgresPort() + "/app", props);
    }

    private GatewayConfig config() throws Exception {
        Path token = dir.resolve("alice");
        Files.writeString(token, TestGateway.ALICE_TOKEN);
        return new GatewayConfig(dir.resolve("gateway").toString(),
                new ListenersConfig(new ListenerConfig("127.0.0.1", 0, false), new ListenerConfig("127.0.0.1", 0, false)),
                null, null, new EvidenceConfig("tracegate.test/leaflog", null, 0, null, false, 0, null),
                new IdentitiesConfig(List.of(new ApiKeyConfig("alice", SecretReference.of("file:" + token), List.of(), "human", null))),
                List.of(TestGateway.connection("app", TestTarget.TRUST_USER, null)), 0, null, null);
    }
}
