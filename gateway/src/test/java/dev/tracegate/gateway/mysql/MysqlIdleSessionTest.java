package dev.tracegate.gateway.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracegate.gateway.TestGateway;
import dev.tracegate.gateway.approval.HeldDdl;
import dev.tracegate.gateway.approval.PendingApproval;
import dev.tracegate.gateway.config.CallerLimits;
import dev.tracegate.wire.mysql.ErrPacket;
import dev.tracegate.wire.mysql.MysqlPacket;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code limits.idleSessionSeconds} on the MySQL listener, with a real MariaDB behind the gateway: a
 * session whose caller asks nothing for that long is ended with MySQL's own error for it (4031,
 * {@code ER_CLIENT_INTERACTION_TIMEOUT}) and recorded as such; a query that runs longer than that,
 * or a statement held for approvers that long, is not idleness.
 */
class MysqlIdleSessionTest {

    /** Holds DDL for a DBA ({@link HeldDdl#DBA}); allows a long {@code SLEEP}, which the defaults block as a risk. */
    private static final String POLICY = """
            defaults:
              action: allow
              highRisk: block
            rules:
              - name: hold-ddl
                classes: [ddl]
                action: approve
                approvers: [dba]
                timeout: 60s
                reason: schema changes need a DBA
              - name: long-queries
                classes: [dangerous_admin]
                command: "^\\\\s*select\\\\s+sleep\\\\("
                action: allow
            """;

    private static TestMariaDb mariadb;
    private static TestGateway gateway;

    @BeforeAll
    static void start() throws IOException {
        mariadb = TestMariaDb.get();
        gateway = TestGateway.start(MysqlThroughGatewayTest.connections(mariadb), POLICY,
                new CallerLimits(0, 0, 0, 0, 0, 0, 0, 2));
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    @Test
    void anIdleSessionIsEndedWithMysqlsIdleErrorAndTheEvidenceSaysWhy() throws Exception {
        long before = gateway.gateway().evidence().size();
        try (RawMysqlClient client = new RawMysqlClient(port())) {
            assertThat(client.login(TestGateway.ALICE_TOKEN, "shop").isOk()).isTrue();
            // Asks nothing more: the gateway speaks first, past the limit (2 s), and closes the connection.
            MysqlPacket packet = client.read();
            assertThat(packet).as("the gateway ends the idle session with an ERR packet").isNotNull();
            assertThat(packet.isErr()).isTrue();
            ErrPacket error = ErrPacket.decode(packet.payload());
            assertThat(error.code()).isEqualTo(4031);
            assertThat(error.sqlState()).isEqualTo("HY000");
            assertThat(error.message()).contains("idle").contains("limits.idleSessionSeconds");
            assertThat(client.read()).as("then the connection is closed").isNull();
        }
        gateway.awaitSessionClosed(before, "idle session timeout");
    }

    @Test
    void aClientThatComesBackAfterTheLimitReadsWhyItsSessionEnded() throws Exception {
        try (Connection c = connect(); Statement sql = c.createStatement()) {
            Thread.sleep(4_000); // twice the limit
            assertThatThrownBy(() -> sql.executeQuery("SELECT 1"))
                    .isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getErrorCode()).isEqualTo(4031))
                    .hasMessageContaining("limits.idleSessionSeconds");
        }
    }

    @Test
    void aQueryRunningLongerThanTheIdleLimitIsNotIdleness() throws Exception {
        try (Connection c = connect(); Statement sql = c.createStatement()) {
            try (ResultSet rs = sql.executeQuery("SELECT SLEEP(4), 'finished'")) {
                rs.next();
                assertThat(rs.getString(2)).isEqualTo("finished");
            }
            // The limit counts from the end of the last command, not from the start of the query.
            Thread.sleep(1_000);
            assertThat(sql.execute("SELECT 1")).as("the session is still open a second after its query").isTrue();
        }
    }

    @Test
    void aStatementHeldLongerThanTheIdleLimitIsNotIdleness() throws Exception {
        mariadb.query("DROP TABLE IF EXISTS shop.idle_held");
        try (Connection c = connect(); Statement sql = c.createStatement()) {
            CompletableFuture<Void> held = HeldDdl.runAsync(sql, "CREATE TABLE idle_held (v int)");
            PendingApproval pending = HeldDdl.awaitPending(gateway);
            Thread.sleep(4_000); // twice the idle limit, while the statement waits for its approver
            gateway.gateway().approvals().approve(pending.id(), HeldDdl.DBA, "ok", null);
            held.get(30, TimeUnit.SECONDS);
            assertThat(sql.execute("SELECT 1")).as("the session is still open").isTrue();
        }
        assertThat(mariadb.query("SHOW TABLES FROM shop LIKE 'idle_held'").strip()).isEqualTo("idle_held");
    }

    private static Connection connect() throws SQLException {
        return DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + port() + "/shop?sslMode=trust&user=analyst&password="
                + TestGateway.ALICE_TOKEN + MysqlThroughGatewayTest.MARIADB_CONNECTOR_J_SETTINGS);
    }

    private static int port() {
        return gateway.gateway().port(MysqlEngine.PROTOCOL);
    }
}
