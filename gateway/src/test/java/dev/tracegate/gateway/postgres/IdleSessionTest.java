package dev.tracegate.gateway.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracegate.gateway.TestGateway;
import dev.tracegate.gateway.TestTarget;
import dev.tracegate.gateway.approval.HeldDdl;
import dev.tracegate.gateway.approval.PendingApproval;
import dev.tracegate.gateway.config.CallerLimits;
import dev.tracegate.gateway.identity.Identity;
import dev.tracegate.wire.postgres.backend.ErrorResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code limits.idleSessionSeconds}: a session whose client asks nothing for that long is ended
 * with PostgreSQL's own idle-session error and recorded as such; a query that runs longer than
 * that, or a statement held for approvers that long, is not idleness.
 */
class IdleSessionTest {

    /** Holds DDL for a DBA ({@link HeldDdl#DBA}); allows a long {@code pg_sleep}, which the defaults block as a risk. */
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
                command: "pg_sleep\\\\("
                action: allow
            """;

    private static TestGateway gateway;

    @BeforeAll
    static void start() {
        gateway = TestGateway.start(POLICY, new CallerLimits(0, 0, 0, 0, 0, 0, 0, 2));
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    @Test
    void anIdleSessionIsEndedWithTheIdleSessionErrorAndTheEvidenceSaysWhy() throws Exception {
        long before = gateway.gateway().evidence().size();
        try (RawPgClient client = RawPgClient.signedIn(gateway.port(), "alice", TestGateway.ALICE_TOKEN, "app")) {
            client.readTimeout(60_000);
            ErrorResponse error = client.readUntilError();
            assertThat(error).as("the gateway ends the idle session").isNotNull();
            assertThat(error.sqlState()).isEqualTo("57P05");
            assertThat(error.message()).contains("idle-session timeout").contains("limits.idleSessionSeconds");
            assertThat(client.closedByPeer()).isTrue();
        }
        gateway.awaitSessionClosed(before, "idle session timeout");
    }

    @Test
    void aStatementHeldLongerThanTheIdleLimitIsNotIdleness() throws Exception {
        try (Connection direct = TestTarget.direct(); Statement sql = direct.createStatement()) {
            sql.execute("DROP TABLE IF EXISTS idle_held");
        }
        try (Connection c = gateway.connect("app"); Statement sql = c.createStatement()) {
            CompletableFuture<Void> held = HeldDdl.runAsync(sql, "CREATE TABLE idle_held (v int)");
            PendingApproval pending = HeldDdl.awaitPending(gateway);
            Thread.sleep(4_000); // twice the idle limit, while the statement waits for its approver
            gateway.gateway().approvals().approve(pending.id(), HeldDdl.DBA, "ok", null);
            held.get(30, TimeUnit.SECONDS);
            assertThat(sql.execute("SELECT 1")).as("the session is still open").isTrue();
        }
    }

    @Test
    void aSessionIdleAfterAQueryLongerThanTheLimitHasTheWholeLimitFromTheQuerysEnd() throws Exception {
        // The limit (2 s) counts from the end of the last command: a read timeout renewed while the query ran
        // (at 2 s, then 4 s) ended this session 0.5 s after its 3.5 s query.
        try (Connection c = gateway.connect("app"); Statement sql = c.createStatement()) {
            sql.execute("SELECT pg_sleep(3.5)");
            Thread.sleep(1_000);
            assertThat(sql.execute("SELECT 1")).as("the session is still open a second after its query").isTrue();
        }
    }

    @Test
    void aQueryRunningLongerThanTheIdleLimitIsNotIdleness() throws Exception {
        try (Connection c = gateway.connect("app"); Statement sql = c.createStatement();
             ResultSet rs = sql.executeQuery("SELECT pg_sleep(4), 'finished'")) {
            rs.next();
            assertThat(rs.getString(2)).isEqualTo("finished");
        }
    }
}
