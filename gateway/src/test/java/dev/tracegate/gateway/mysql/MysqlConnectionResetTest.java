package dev.tracegate.gateway.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tracegate.gateway.TestGateway;
import dev.tracegate.wire.mysql.ComQuery;
import dev.tracegate.wire.mysql.ComStmtPrepare;
import dev.tracegate.wire.mysql.ComStmtPrepareOk;
import dev.tracegate.wire.mysql.CommandType;
import dev.tracegate.wire.mysql.ErrPacket;
import dev.tracegate.wire.mysql.MysqlPacket;
import dev.tracegate.wire.mysql.OkPacket;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * COM_RESET_CONNECTION through the gateway to a real MariaDB: recorded before it runs, and what
 * the gateway holds of the session (prepared statements, the string mode it reads SQL in, the
 * character set) follows what the server resets, so that nothing from before the reset is
 * decided, recorded or masked as it was.
 */
class MysqlConnectionResetTest {

    /** The demo's defaults; a rule lets callers change the string mode, so that a reset has one to undo. */
    private static final String POLICY = """
            defaults:
              action: allow
              highRisk: block
            rules:
              - name: string-modes
                connections: [shop]
                classes: [dangerous_admin]
                command: "^set\\\\s+sql_mode"
                action: allow
              - name: scratch-untouched
                connections: [shop]
                tables: [scratch]
                action: block
                reason: scratch is not touched in this test
            """;
    private static final int SERVER_STATUS_NO_BACKSLASH_ESCAPES = 0x0200;
    private static final int UNKNOWN_STATEMENT = 1243;
    /** A backslash before the quote: one string under the default mode, a string then a DROP under NO_BACKSLASH_ESCAPES. */
    private static final String PROBE = "SELECT 'a\\' ; DROP TABLE scratch; -- '";

    private static TestGateway gateway;

    @BeforeAll
    static void start() throws IOException {
        gateway = TestGateway.start(MysqlThroughGatewayTest.connections(TestMariaDb.get()), POLICY, 1024 * 1024);
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    private static int port() {
        return gateway.gateway().port(MysqlEngine.PROTOCOL);
    }

    @Test
    void mysqlConnectorJsResetIsRecordedAndTheStatementsPreparedBeforeItAreGone() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:mysql://127.0.0.1:" + port()
                + "/shop?sslMode=REQUIRED&useServerPrepStmts=true&user=admin&password=" + TestGateway.ADMIN_TOKEN
                + MysqlThroughGatewayTest.MYSQL_CONNECTOR_J_SETTINGS);
             PreparedStatement select = c.prepareStatement("SELECT name FROM customers WHERE id = ?")) {
            select.setInt(1, 1);
            try (ResultSet rs = select.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("Ada Lovelace");
            }
            c.createStatement().execute("SET @marker = 'before the reset'");
            long from = gateway.events("command", 0).size();

            c.unwrap(com.mysql.cj.jdbc.JdbcConnection.class).resetServerState();

            List<JsonNode> after = gateway.events("command", 0);
            List<JsonNode> resets = after.subList((int) from, after.size()).stream()
                    .filter(e -> e.path("detail").path("message").asText().equals("COM_RESET_CONNECTION")).toList();
            assertThat(resets).as("the driver really sent COM_RESET_CONNECTION, recorded as a command").hasSize(1);
            assertThat(resets.getFirst().path("detail").path("text").asText()).isEqualTo("COM_RESET_CONNECTION");
            assertThat(resultTags(resets.getFirst())).containsExactly("OK 0");
            try (ResultSet rs = c.createStatement().executeQuery("SELECT @marker")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).as("the server reset the session's variables").isNull();
            }
            // The driver still holds the statement's id; the server and the gateway no longer know it.
            long executesBefore = executes();
            assertThatThrownBy(select::executeQuery).isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getErrorCode()).isEqualTo(UNKNOWN_STATEMENT));
            assertThat(executes()).as("no execute was recorded as the forgotten statement's text").isEqualTo(executesBefore);
        }
    }

    @Test
    void aStatementIdFromBeforeTheResetIsRefusedAndTheIdsTextIsNeverReused() throws Exception {
        try (RawMysqlClient raw = new RawMysqlClient(port())) {
            assertThat(raw.login(TestGateway.ADMIN_TOKEN, "shop").isOk()).isTrue();
            long harmless = prepare(raw, "SELECT 1");
            assertThat(reset(raw).isOk()).isTrue();
            // The gateway believed this id was "SELECT 1": after the reset it answers as the server would,
            // and records no execute of a text the id no longer has.
            long executesBefore = executes();
            ErrPacket stale = error(execute(raw, harmless));
            assertThat(stale.code()).isEqualTo(UNKNOWN_STATEMENT);
            assertThat(executes()).isEqualTo(executesBefore);
            // The server may hand the same id to the next statement; it is recorded and run as that statement.
            long next = prepare(raw, "SELECT name FROM customers WHERE id = 2");
            MysqlPacket answer = execute(raw, next);
            assertThat(answer.isErr()).as("the statement prepared after the reset runs").isFalse();
            drain(raw, answer);
            JsonNode recorded = gateway.events("command", 0).stream()
                    .filter(e -> e.path("detail").path("message").asText().equals("COM_STMT_EXECUTE")
                            && e.path("detail").path("statement").asText().equals(Long.toString(next)))
                    .reduce((first, second) -> second).orElseThrow();
            assertThat(recorded.path("detail").path("text").asText()).isEqualTo("SELECT name FROM customers WHERE id = 2");
        }
    }

    @Test
    void theStringModeTheGatewayReadsFollowsTheReset() throws Exception {
        try (RawMysqlClient raw = new RawMysqlClient(port())) {
            assertThat(raw.login(TestGateway.ADMIN_TOKEN, "shop").isOk()).isTrue();
            MysqlPacket set = query(raw, "SET sql_mode = 'NO_BACKSLASH_ESCAPES'");
            assertThat(set.isOk()).as(describe(set)).isTrue();
            assertThat(OkPacket.decode(set.payload()).statusFlags() & SERVER_STATUS_NO_BACKSLASH_ESCAPES).isNotZero();
            // Read as the server now reads it: a string, then a DROP TABLE of scratch, which the policy refuses.
            ErrPacket refused = error(query(raw, PROBE));
            assertThat(refused.message()).contains("scratch-untouched");

            MysqlPacket reset = reset(raw);
            assertThat(reset.isOk()).isTrue();
            assertThat(OkPacket.decode(reset.payload()).statusFlags() & SERVER_STATUS_NO_BACKSLASH_ESCAPES)
                    .as("the server's mode is its default again").isZero();
            // Read as the server now reads it again: one string naming no table, nothing to refuse.
            MysqlPacket selected = query(raw, PROBE);
            assertThat(selected.isErr()).as(describe(selected)).isFalse();
            List<byte[]> rows = drain(raw, selected);
            assertThat(new String(rows.getFirst(), 1, rows.getFirst().length - 1, StandardCharsets.UTF_8))
                    .isEqualTo("a' ; DROP TABLE scratch; -- ");
        }
        assertThat(TestMariaDb.get().query("SELECT count(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'shop'"
                + " AND TABLE_NAME = 'scratch'").trim()).isEqualTo("1");
    }

    /** MariaDB sets the log-in's character set back itself (on MySQL the gateway does: MysqlUpstreamCachingSha2Test). */
    @Test
    void theCharacterSetIsTheOneTheCallerSignedInWith() throws Exception {
        try (RawMysqlClient raw = new RawMysqlClient(port())) {
            assertThat(raw.loginWithPlugin("mysql_clear_password",
                    (TestGateway.ADMIN_TOKEN + "\0").getBytes(StandardCharsets.UTF_8), "shop", 8).isOk()).isTrue();
            assertThat(query(raw, "SET NAMES utf8mb4").isOk()).isTrue();
            assertThat(reset(raw).isOk()).isTrue();
            MysqlPacket answer = query(raw, "SELECT @@character_set_client, @@character_set_results, @@collation_connection");
            assertThat(answer.isErr()).as(describe(answer)).isFalse();
            byte[] row = drain(raw, answer).getFirst();
            assertThat(new String(row, StandardCharsets.UTF_8)).contains("latin1", "latin1_swedish_ci").doesNotContain("utf8");
        }
    }

    @Test
    void whatTheGatewaySendsAMysqlServerAfterAResetSetsTheLogInsCollationOnARealServer() {
        String answer = TestMariaDb.get().query("SET NAMES utf8mb4; " + ConnectionReset.restoreStatement(8)
                + "; SELECT @@character_set_client, @@character_set_results, @@collation_connection");
        assertThat(answer.strip().split("\t")).containsExactly("latin1", "latin1", "latin1_swedish_ci");
    }

    // ------------------------------------------------------------ the raw client's exchanges

    private static MysqlPacket query(RawMysqlClient raw, String sql) throws IOException {
        raw.send(0, new ComQuery(sql).encode());
        return raw.read();
    }

    private static MysqlPacket reset(RawMysqlClient raw) throws IOException {
        raw.send(0, CommandType.RESET_CONNECTION.encode());
        return raw.read();
    }

    /** Prepares a statement without parameters; returns its id. */
    private static long prepare(RawMysqlClient raw, String sql) throws IOException {
        raw.send(0, new ComStmtPrepare(sql).encode());
        MysqlPacket answer = raw.read();
        assertThat(answer.isErr()).as(describe(answer)).isFalse();
        ComStmtPrepareOk ok = ComStmtPrepareOk.decode(answer.payload());
        for (int i = 0; i < ok.columns() + ok.parameters(); i++) {
            raw.read(); // column definitions (CLIENT_DEPRECATE_EOF: no EOF after them)
        }
        return ok.statementId();
    }

    private static MysqlPacket execute(RawMysqlClient raw, long statement) throws IOException {
        byte[] payload = {(byte) CommandType.STMT_EXECUTE.code(), (byte) statement, (byte) (statement >>> 8),
                (byte) (statement >>> 16), (byte) (statement >>> 24), 0, 1, 0, 0, 0};
        raw.send(0, payload);
        return raw.read();
    }

    /** The rows of a result set whose header is {@code first}, up to its terminating OK. */
    private static List<byte[]> drain(RawMysqlClient raw, MysqlPacket first) throws IOException {
        int columns = first.payload()[0];
        for (int i = 0; i < columns; i++) {
            raw.read();
        }
        List<byte[]> rows = new ArrayList<>();
        for (MysqlPacket packet = raw.read(); !packet.isEofOrTerminalOk(); packet = raw.read()) {
            rows.add(packet.payload());
        }
        return rows;
    }

    private static ErrPacket error(MysqlPacket packet) throws IOException {
        assertThat(packet.isErr()).as("an ERR packet").isTrue();
        return ErrPacket.decode(packet.payload());
    }

    private static String describe(MysqlPacket packet) {
        try {
            return packet.isErr() ? ErrPacket.decode(packet.payload()).message() : "not an error";
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static long executes() throws Exception {
        return gateway.events("command", 0).stream()
                .filter(e -> e.path("detail").path("message").asText().equals("COM_STMT_EXECUTE")).count();
    }

    /**
     * The tags of the {@code command.result} of a {@code command} event (same session, same
     * sequence), awaited: a result is written after the caller has its answer.
     */
    private static List<String> resultTags(JsonNode command) throws Exception {
        JsonNode result = null;
        for (int attempt = 0; result == null && attempt < 300; attempt++) {
            result = gateway.events("command.result", 0).stream()
                    .filter(e -> e.path("session").equals(command.path("session"))
                            && e.path("detail").path("seq").equals(command.path("detail").path("seq")))
                    .findFirst().orElse(null);
            if (result == null) {
                Thread.sleep(100);
            }
        }
        assertThat(result).as("the reset's command.result").isNotNull();
        List<String> tags = new ArrayList<>();
        result.path("detail").path("tags").forEach(t -> tags.add(t.asText()));
        return tags;
    }
}
