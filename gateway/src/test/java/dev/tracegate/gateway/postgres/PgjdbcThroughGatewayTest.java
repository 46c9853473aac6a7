package dev.tracegate.gateway.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tracegate.gateway.TestGateway;
import dev.tracegate.gateway.TestTarget;
import dev.tracegate.gateway.recording.SessionQueries;
import dev.tracegate.gateway.recording.SessionSummary;
import java.io.ByteArrayOutputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.postgresql.copy.CopyManager;

/** pgjdbc, unchanged, through the gateway to a real PostgreSQL. */
class PgjdbcThroughGatewayTest {

    private static TestGateway gateway;

    @BeforeAll
    static void start() throws SQLException {
        gateway = TestGateway.start(List.of(), TestGateway.LONG_QUERIES_POLICY);
        try (Connection direct = TestTarget.direct(); Statement sql = direct.createStatement()) {
            sql.execute("DROP TABLE IF EXISTS items");
            sql.execute("CREATE TABLE items (id int PRIMARY KEY, name text, payload bytea)");
            sql.execute("GRANT ALL ON items TO PUBLIC");
        }
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    @ParameterizedTest(name = "upstream authentication via connection {0}")
    @ValueSource(strings = {"app", "app_md5", "app_clear", "app_trust"})
    void logsInUpstreamWithTheHeldCredential(String connection) throws SQLException {
        try (Connection c = gateway.connect(connection); Statement sql = c.createStatement();
             ResultSet rs = sql.executeQuery("SELECT current_user, 1 + 1")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(2)).isEqualTo(2);
        }
    }

    @Test
    void preparedStatementsWithTextAndBinaryParameters() throws SQLException {
        Properties binary = new Properties();
        binary.setProperty("prepareThreshold", "1");
        binary.setProperty("binaryTransfer", "true");
        try (Connection c = gateway.connect("app", binary)) {
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO items (id, name, payload) VALUES (?, ?, ?)")) {
                for (int i = 1; i <= 5; i++) {
                    insert.setInt(1, 100 + i);
                    insert.setString(2, "item-" + i);
                    insert.setBytes(3, new byte[] {(byte) i, 0, (byte) 0xff});
                    assertThat(insert.executeUpdate()).isEqualTo(1);
                }
            }
            try (PreparedStatement select = c.prepareStatement("SELECT name, payload FROM items WHERE id = ?")) {
                for (int i = 1; i <= 5; i++) {
                    select.setInt(1, 100 + i);
                    try (ResultSet rs = select.executeQuery()) {
                        assertThat(rs.next()).isTrue();
                        assertThat(rs.getString(1)).isEqualTo("item-" + i);
                        assertThat(rs.getBytes(2)).containsExactly(i, 0, 0xff);
                    }
                }
            }
        }
    }

    @Test
    void batchesArePipelinedAndAllApplied() throws SQLException {
        try (Connection c = gateway.connect("app")) {
            c.setAutoCommit(false);
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO items (id, name) VALUES (?, ?)")) {
                for (int i = 0; i < 500; i++) {
                    insert.setInt(1, 1000 + i);
                    insert.setString(2, "batch-" + i);
                    insert.addBatch();
                }
                int[] counts = insert.executeBatch();
                assertThat(counts).hasSize(500).containsOnly(1);
            }
            c.commit();
        }
        try (Connection direct = TestTarget.direct(); Statement sql = direct.createStatement();
             ResultSet rs = sql.executeQuery("SELECT count(*) FROM items WHERE name LIKE 'batch-%'")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(500);
        }
    }

    /**
     * COPY in both directions, and what the evidence keeps of its data: never the values (a COPY
     * names no column the record profile could mask by), but how much moved each way and its HMAC
     * under the gateway's masking key, so an auditor holding the key and a file confirms it is what
     * was loaded or read.
     */
    @Test
    void copyInAndOutThroughCopyManager() throws Exception {
        long from = TestGateway.leaves(gateway.gateway().evidence(), 0).size();
        StringBuilder csv = new StringBuilder();
        for (int i = 0; i < 2000; i++) {
            csv.append(i).append(",label ").append(i).append('\n');
        }
        try (Connection c = gateway.connect("app"); Statement sql = c.createStatement()) {
            sql.execute("CREATE TEMP TABLE copied (id int, label text)");
            CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
            long in = copy.copyIn("COPY copied FROM STDIN (FORMAT csv)", new StringReader(csv.toString()));
            assertThat(in).isEqualTo(2000);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            long outRows = copy.copyOut("COPY (SELECT * FROM copied ORDER BY id) TO STDOUT (FORMAT csv)", out);
            assertThat(outRows).isEqualTo(2000);
            assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(csv.toString());
        }
        byte[] data = csv.toString().getBytes(StandardCharsets.UTF_8);
        JsonNode copiedIn = resultEvent(from, commandEvent(from, "COPY copied FROM STDIN (FORMAT csv)")).path("detail");
        assertThat(copiedIn.path("copy").has("out")).isFalse();
        assertThat(copiedIn.path("copy").path("in").path("bytes").asLong()).isEqualTo(data.length);
        assertThat(copiedIn.path("copy").path("in").path("hmac").asText()).isEqualTo(maskingHmac(data));
        JsonNode copiedOut = resultEvent(from, commandEvent(from, "COPY (SELECT * FROM copied ORDER BY id) TO STDOUT (FORMAT csv)"))
                .path("detail");
        assertThat(copiedOut.path("copy").has("in")).isFalse();
        assertThat(copiedOut.path("copy").path("out").path("bytes").asLong()).isEqualTo(data.length);
        assertThat(copiedOut.path("copy").path("out").path("messages").asLong()).isEqualTo(2000);
        assertThat(copiedOut.path("copy").path("out").path("hmac").asText()).isEqualTo(maskingHmac(data));
        assertThat(copiedOut.toString()).as("no value of the data is kept").doesNotContain("label 1");
    }

    /** HMAC-SHA256 under the gateway's masking key, as {@code openssl dgst -sha256 -hmac "$(cat masking.key)"} computes it. */
    private static String maskingHmac(byte[] data) throws Exception {
        String key = Files.readString(gateway.dataDir().resolve("keys").resolve("masking.key")).strip();
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal(data));
    }

    /**
     * A cancel stops what the session runs, so it is a command of that session (its own seq),
     * recorded before it reaches the server: the statement's 57014 follows its cause in the log.
     */
    @Test
    void cancelReachesTheUpstreamThroughTheGatewaysOwnKeyRecordedFirst() throws Exception {
        long from = TestGateway.leaves(gateway.gateway().evidence(), 0).size();
        try (Connection c = gateway.connect("app"); Statement sql = c.createStatement()) {
            CompletableFuture<Void> cancel = CompletableFuture.runAsync(() -> {
                try {
                    Thread.sleep(500);
                    sql.cancel();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            long started = System.nanoTime();
            assertThatThrownBy(() -> sql.execute("SELECT pg_sleep(30)"))
                    .isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("57014"));
            cancel.join();
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(20));
            // The session is still usable after the cancel.
            try (ResultSet rs = sql.executeQuery("SELECT 42")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(42);
            }
        }
        JsonNode sleep = commandEvent(from, "SELECT pg_sleep(30)");
        JsonNode cancel = gateway.events("command", from).stream()
                .filter(e -> e.path("detail").path("message").asText().equals("CancelRequest")).findFirst().orElseThrow();
        assertThat(cancel.path("session").asText()).as("recorded in the session it cancelled")
                .isEqualTo(sleep.path("session").asText());
        assertThat(cancel.path("detail").path("text").asText()).startsWith("CancelRequest (from 127.0.0.1:");
        assertThat(cancel.path("detail").path("seq").asLong()).isGreaterThan(sleep.path("detail").path("seq").asLong());
        assertThat(resultEvent(from, cancel).path("detail").path("status").asText()).isEqualTo("ok");
        JsonNode stopped = resultEvent(from, sleep);
        assertThat(stopped.path("detail").path("error").path("sqlstate").asText()).isEqualTo("57014");
        assertThat(cancel.path("index").asLong()).as("written ahead of the end it caused")
                .isLessThan(stopped.path("index").asLong());
    }

    private static JsonNode commandEvent(long from, String text) throws Exception {
        return gateway.events("command", from).stream()
                .filter(e -> e.path("detail").path("text").asText().equals(text)).findFirst().orElseThrow();
    }

    private static JsonNode resultEvent(long from, JsonNode command) throws Exception {
        return gateway.events("command.result", from).stream()
                .filter(e -> e.path("session").equals(command.path("session"))
                        && e.path("detail").path("seq").equals(command.path("detail").path("seq"))).findFirst().orElseThrow();
    }

    @Test
    void transactionsCommitRollBackAndRecoverFromErrors() throws SQLException {
        try (Connection c = gateway.connect("app"); Statement sql = c.createStatement()) {
            c.setAutoCommit(false);
            sql.execute("INSERT INTO items (id, name) VALUES (5000, 'rolled back')");
            c.rollback();
            sql.execute("INSERT INTO items (id, name) VALUES (5001, 'committed')");
            c.commit();
            assertThatThrownBy(() -> sql.execute("SELECT * FROM no_such_table"))
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("42P01"));
            assertThatThrownBy(() -> sql.execute("SELECT 1"))
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("25P02"));
            c.rollback();
            try (ResultSet rs = sql.executeQuery("SELECT count(*) FROM items WHERE id IN (5000, 5001)")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(1);
            }
        }
    }

    @Test
    void fetchSizeUsesPortalSuspension() throws SQLException {
        try (Connection c = gateway.connect("app")) {
            c.setAutoCommit(false);
            try (Statement sql = c.createStatement()) {
                sql.setFetchSize(100);
                long sum = 0;
                int rows = 0;
                try (ResultSet rs = sql.executeQuery("SELECT g FROM generate_series(1, 10000) g")) {
                    while (rs.next()) {
                        sum += rs.getLong(1);
                        rows++;
                    }
                }
                assertThat(rows).isEqualTo(10000);
                assertThat(sum).isEqualTo(10000L * 10001 / 2);
            }
            c.commit();
        }
    }

    @Test
    void largeObjectsUseTheFunctionCallProtocol() throws SQLException {
        byte[] content = "a large object through the fast-path interface".getBytes(StandardCharsets.UTF_8);
        try (Connection c = gateway.connect("app")) {
            c.setAutoCommit(false);
            org.postgresql.largeobject.LargeObjectManager objects = c.unwrap(PGConnection.class).getLargeObjectAPI();
            long oid = objects.createLO();
            try (org.postgresql.largeobject.LargeObject object = objects.open(oid, org.postgresql.largeobject.LargeObjectManager.WRITE)) {
                object.write(content);
            }
            try (org.postgresql.largeobject.LargeObject object = objects.open(oid, org.postgresql.largeobject.LargeObjectManager.READ)) {
                assertThat(object.read(content.length)).isEqualTo(content);
            }
            objects.delete(oid);
            c.commit();
        }
    }

    @Test
    void noticesAndNotificationsPassThrough() throws SQLException {
        try (Connection listener = gateway.connect("app"); Connection sender = gateway.connect("app");
             Statement listen = listener.createStatement(); Statement notify = sender.createStatement()) {
            listen.execute("LISTEN tracegate_test");
            notify.execute("NOTIFY tracegate_test, 'hello'");
            listen.execute("DROP TABLE IF EXISTS no_such_table_for_a_notice");
            java.sql.SQLWarning warning = listen.getWarnings();
            assertThat((Object) warning).isNotNull();
            assertThat(warning.getMessage()).contains("does not exist, skipping");
            PGNotification[] notifications = listener.unwrap(PGConnection.class).getNotifications(5000);
            assertThat(notifications).isNotNull();
            assertThat(notifications[0].getName()).isEqualTo("tracegate_test");
            assertThat(notifications[0].getParameter()).isEqualTo("hello");
        }
    }

    @Test
    void everyStatementIsRecordedWithItsBindParametersAndResult() throws Exception {
        try (Connection c = gateway.connect("app");
             PreparedStatement select = c.prepareStatement("SELECT name FROM items WHERE id = ? AND name <> ?")) {
            select.setInt(1, 424242);
            select.setString(2, "marker-value-77");
            select.executeQuery().close();
        }
        SessionQueries queries = new SessionQueries(gateway.gateway().evidence());
        JsonNode command = org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> {
            for (SessionSummary session : queries.list(null, "app", 50)) {
                for (JsonNode event : queries.events(session.id())) {
                    if (event.path("type").asText().equals("command")
                            && event.path("detail").path("text").asText().contains("name <> $2")) {
                        return event;
                    }
                }
            }
            return null;
        }, found -> found != null);
        assertThat(command.path("detail").path("params").toString()).contains("424242", "marker-value-77");
        assertThat(command.path("actor").path("sub").asText()).isEqualTo("apikey:alice");
        assertThat(command.path("actor").path("groups").toString()).contains("analysts");
        List<JsonNode> events = queries.events(command.path("session").asText());
        assertThat(events).anySatisfy(e -> {
            assertThat(e.path("type").asText()).isEqualTo("command.result");
            assertThat(e.path("detail").path("seq").asLong()).isEqualTo(command.path("detail").path("seq").asLong());
            assertThat(e.path("detail").path("tags").toString()).contains("SELECT 0");
        });
        assertThat(events.getFirst().path("type").asText()).isEqualTo("session.open");
        assertThat(events.getLast().path("type").asText()).isEqualTo("session.close");
    }
}
