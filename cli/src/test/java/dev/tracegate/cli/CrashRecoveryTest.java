package dev.tracegate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracegate.ledger.bundle.BundleVerifier;
import dev.tracegate.ledger.bundle.VerificationReport;
import dev.tracegate.ledger.note.VerifierKey;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway is killed with SIGKILL in the middle of a busy session. After a restart the log
 * verifies, and every statement that reached the database has its {@code command} event: the
 * write-ahead rule held even for the commands in flight when the process died.
 */
class CrashRecoveryTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void sigkillLosesNoEvidenceOfWhatRan(@TempDir Path dir) throws Exception {
        try (EmbeddedPostgres target = EmbeddedPostgres.builder().start()) {
            try (Connection direct = target.getPostgresDatabase().getConnection(); Statement sql = direct.createStatement()) {
                sql.execute("CREATE TABLE crash_test (id int PRIMARY KEY)");
            }
            int pgPort = freePort();
            int apiPort = freePort();
            Path config = config(dir, target.getPort(), pgPort, apiPort);
            Process first = start(config);
            AtomicInteger sent = new AtomicInteger();
            Thread writer = Thread.ofPlatform().start(() -> insertUntilKilled(pgPort, sent));
            while (sent.get() < 300) {
                Thread.sleep(20);
            }
            first.destroyForcibly();
            first.waitFor(30, TimeUnit.SECONDS);
            writer.join(30_000);

            Set<Integer> ran = new HashSet<>();
            try (Connection direct = target.getPostgresDatabase().getConnection(); Statement sql = direct.createStatement();
                 ResultSet rs = sql.executeQuery("SELECT id FROM crash_test")) {
                while (rs.next()) {
                    ran.add(rs.getInt(1));
                }
            }
            assertThat(ran).hasSizeGreaterThanOrEqualTo(300);

            Process second = start(config);
            try {
                Path bundle = dir.resolve("bundle");
                assertThat(Main.run("evidence", "export", "--out", bundle.toString(), "--server",
                        "http://127.0.0.1:" + apiPort, "--token", "tg_crash_admin")).isZero();
                VerifierKey key = VerifierKey.parse(Files.readString(dir.resolve("data/keys/log.pub")).strip());
                VerificationReport report = BundleVerifier.verify(bundle, Optional.of(key));
                assertThat(report.ok()).as(report.summary()).isTrue();

                Set<Integer> recorded = new HashSet<>();
                for (String line : Files.readAllLines(bundle.resolve("events.jsonl"))) {
                    JsonNode event = JSON.readTree(line);
                    JsonNode params = event.path("detail").path("params");
                    if (event.path("type").asText().equals("command") && params.size() == 1) {
                        recorded.add(Integer.parseInt(params.get(0).asText()));
                    }
                }
                assertThat(recorded).containsAll(ran);
            } finally {
                second.destroy();
                second.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    private static void insertUntilKilled(int port, AtomicInteger sent) {
        Properties props = new Properties();
        props.setProperty("user", "loader");
        props.setProperty("password", "tg_crash_loader");
        props.setProperty("sslmode", "require");
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/crash", props);
             PreparedStatement insert = c.prepareStatement("INSERT INTO crash_test (id) VALUES (?)")) {
            for (int id = 1; id < 1_000_000; id++) {
                insert.setInt(1, id);
                insert.executeUpdate();
                sent.set(id);
            }
        } catch (Exception expected) {
            // The gateway was killed under the client.
        }
    }

    private static Path config(Path dir, int targetPort, int pgPort, int apiPort) throws Exception {
        Files.writeString(dir.resolve("loader"), "tg_crash_loader");
        Files.writeString(dir.resolve("admin"), "tg_crash_admin");
        Path config = dir.resolve("tracegate.yaml");
        Files.writeString(config, String.join("\n",
                "dataDir: " + dir.resolve("data"),
                "listeners:",
                "  postgres: {address: 127.0.0.1, port: " + pgPort + "}",
                "  api: {address: 127.0.0.1, port: " + apiPort + "}",
                "identities:",
                "  apiKeys:",
                "    - {name: loader, key: 'file:" + dir.resolve("loader") + "', kind: service}",
                "    - {name: admin, key: 'file:" + dir.resolve("admin") + "', groups: [admins], kind: human}",
                "connections:",
                "  - {name: crash, host: 127.0.0.1, port: " + targetPort + ", database: postgres, username: postgres, upstreamAuth: trust}",
                ""), StandardCharsets.UTF_8);
        return config;
    }

    private static Process start(Path config) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process gateway = new ProcessBuilder(List.of(java.toString(), "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "serve", "--config", config.toString())).redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(gateway.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        for (String line = out.readLine(); line != null; line = out.readLine()) {
            seen.append(line).append('\n');
            if (line.equals("tracegate ready")) {
                Thread.ofVirtual().start(() -> out.lines().forEach(l -> { }));
                return gateway;
            }
        }
        throw new AssertionError("gateway exited before it was ready:\n" + seen);
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
