package dev.tracegate.gateway.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tracegate.gateway.TestGateway;
import dev.tracegate.gateway.TestTarget;
import dev.tracegate.gateway.approval.ApprovalException;
import dev.tracegate.gateway.approval.PendingApproval;
import dev.tracegate.gateway.identity.Identity;
import dev.tracegate.gateway.recording.SessionQueries;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Blocking and holding with real clients: the client sees a clean error or waits, and stays in step.
 * The policy is the demo's guardrails: DDL and anything riskier held ({@code minClass: ddl}), bulk
 * writes blocked. The upstream role is a superuser, so a statement that slipped through would do
 * its harm, and the target shows that none did.
 */
class GuardrailsThroughGatewayTest {

    private static final String POLICY = """
            defaults:
              action: allow
              highRisk: block
            rules:
              - name: hold-ddl
                minClass: ddl
                action: approve
                approvers: [dba]
                timeout: 3s
                reason: schema changes need a DBA
              - name: no-bulk-writes
                classes: [bulk_write]
                action: block
                reason: UPDATE or DELETE without WHERE is not allowed
            """;
    private static final Identity DBA = new Identity("tracegate", "apikey:dora", "dora", null, List.of("dba"), "human");
    private static final Identity OTHER_ANALYST = new Identity("tracegate", "apikey:bob", "bob", null, List.of("analysts"), "human");

    private static TestGateway gateway;

    @BeforeAll
    static void start() {
        gateway = TestGateway.start(List.of(), POLICY);
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    @BeforeEach
    void table() throws SQLException {
        try (Connection direct = TestTarget.direct(); Statement sql = direct.createStatement()) {
            sql.execute("DROP TABLE IF EXISTS guarded");
            sql.execute("CREATE TABLE guarded (id int PRIMARY KEY, v text)");
            sql.execute("INSERT INTO guarded SELECT g, 'row' FROM generate_series(1, 10) g");
            sql.execute("GRANT ALL ON guarded TO PUBLIC");
        }
    }

    @Test
    void aBlockedSimpleQueryGets42501AndNothingRuns() throws SQLException {
        try (Connection c = gateway.connect("app"); Statement sql = c.createStatement()) {
            assertThatThrownBy(() -> sql.execute("DELETE FROM guarded"))
                    .isInstanceOf(SQLException.class)
                    .satisfies(e -> {
                        assertThat(((SQLException) e).getSQLState()).isEqualTo("42501");
                        assertThat(e.getMessage()).contains("no-bulk-writes").contains("without WHERE");
                    });
            try (ResultSet rs = sql.executeQuery("SELECT count(*) FROM guarded")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(10);
            }
        }
    }

    @Test
    void aBlockedPreparedStatementFailsAtParseAndTheTransactionBehavesAsForAnyError() throws SQLException {
        try (Connection c = gateway.connect("app")) {
            c.setAutoCommit(false);
            try (Statement sql = c.createStatement()) {
                sql.execute("UPDATE guarded SET v = 'changed' WHERE id = 1");
            }
            try (PreparedStatement bulk = c.prepareStatement("UPDATE guarded SET v = ?")) {
                bulk.setString(1, "everything");
                assertThatThrownBy(bulk::executeUpdate)
                        .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("42501"));
            }
            try (Statement sql = c.createStatement()) {
                assertThatThrownBy(() -> sql.execute("SELECT 1"))
                        .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("25P02"));
            }
            c.rollback();
            try (Statement sql = c.createStatement(); ResultSet rs = sql.executeQuery("SELECT count(*) FROM guarded WHERE v = 'row'")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(10);
            }
        }
    }

    @Test
    void aBlockedStatementInsideAPipelinedBatchSkipsTheRestOfTheBatchOnly() throws SQLException {
        try (Connection c = gateway.connect("app")) {
            c.setAutoCommit(false);
            try (Statement batch = c.createStatement()) {
                batch.addBatch("UPDATE guarded SET v = 'a' WHERE id = 2");
                batch.addBatch("DELETE FROM guarded");
                batch.addBatch("UPDATE guarded SET v = 'b' WHERE id = 3");
                assertThatThrownBy(batch::executeBatch).isInstanceOf(SQLException.class)
                        .satisfies(e -> assertThat(e.getMessage()).contains("no-bulk-writes"));
            }
            c.rollback();
            try (Statement sql = c.createStatement(); ResultSet rs = sql.executeQuery("SELECT count(*) FROM guarded")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(10);
            }
        }
    }

    @Test
    void aHeldStatementRunsOnceADbaApprovesAndTheRequesterCannotApproveIt() throws Exception {
        try (Connection c = gateway.connect("app"); Statement sql = c.createStatement()) {
            CompletableFuture<Void> ddl = CompletableFuture.runAsync(() -> {
                try {
                    sql.execute("ALTER TABLE guarded ADD COLUMN approved_column int");
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            PendingApproval pending = awaitPending();
            assertThat(pending.request().command()).contains("ALTER TABLE guarded");
            assertThatThrownBy(() -> gateway.gateway().approvals().approve(pending.id(), pending.request().requester(), "mine", null))
                    .isInstanceOf(ApprovalException.class).hasMessageContaining("your own command");
            assertThatThrownBy(() -> gateway.gateway().approvals().approve(pending.id(), OTHER_ANALYST, "looks fine", null))
                    .isInstanceOf(ApprovalException.class).hasMessageContaining("[dba]");
            assertThat(ddl).isNotDone();
            gateway.gateway().approvals().approve(pending.id(), DBA, "planned migration", null);
            ddl.get(10, TimeUnit.SECONDS);
            java.sql.SQLWarning notice = sql.getWarnings();
            assertThat((Object) notice).as("the client was told it waits").isNotNull();
            assertThat(notice.getMessage()).contains("tracegate approvals approve " + pending.id());
        }
        try (Connection direct = TestTarget.direct(); Statement sql = direct.createStatement();
             ResultSet rs = sql.executeQuery("SELECT count(*) FROM information_schema.columns WHERE column_name = 'approved_column'")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(1);
        }
    }

    @Test
    void deniedAndExpiredRequestsAreRefusedWithAClearError() throws Exception {
        try (Connection c = gateway.connect("app"); Statement sql = c.createStatement()) {
            CompletableFuture<SQLException> denied = failureOf(sql, "ALTER TABLE guarded ADD COLUMN denied_column int");
            gateway.gateway().approvals().deny(awaitPending().id(), DBA, "not during business hours");
            SQLException error = denied.get(10, TimeUnit.SECONDS);
            assertThat(error.getSQLState()).isEqualTo("42501");
            assertThat(error.getMessage()).contains("denied").contains("not during business hours");

            CompletableFuture<SQLException> expired = failureOf(sql, "ALTER TABLE guarded ADD COLUMN late_column int");
            SQLException timeout = expired.get(15, TimeUnit.SECONDS);
            assertThat(timeout.getSQLState()).isEqualTo("42501");
            assertThat(timeout.getMessage()).contains("expired");
            try (ResultSet rs = sql.executeQuery("SELECT 1")) {
                assertThat(rs.next()).isTrue();
            }
        }
    }

    @Test
    void aClientThatDisconnectsWhileHeldWithdrawsItsRequest() throws Exception {
        Process psql = new ProcessBuilder("psql", gateway.libpqUri("app"), "-X", "-c",
                "ALTER TABLE guarded ADD COLUMN abandoned_column int").redirectErrorStream(true).start();
        PendingApproval pending = awaitPending();
        psql.destroyForcibly();
        assertThat(psql.waitFor(30, TimeUnit.SECONDS)).isTrue();

        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> gateway.gateway().approvals().pending().stream()
                .noneMatch(p -> p.id().equals(pending.id()) && !p.decided()));
        assertThatThrownBy(() -> gateway.gateway().approvals().approve(pending.id(), DBA, "too late", null))
                .isInstanceOf(ApprovalException.class).hasMessageContaining("withdrawn");
    }

    @Test
    void theEvidenceShowsRequestDecisionAndExecutionInOrder() throws Exception {
        String sessionId;
        try (Connection c = gateway.connect("app"); Statement sql = c.createStatement()) {
            CompletableFuture<Void> ddl = CompletableFuture.runAsync(() -> {
                try {
                    sql.execute("CREATE INDEX guarded_v ON guarded (v)");
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            PendingApproval pending = awaitPending();
            sessionId = pending.request().sessionId();
            gateway.gateway().approvals().approve(pending.id(), DBA, "ok", null);
            ddl.get(10, TimeUnit.SECONDS);
        }
        var events = new SessionQueries(gateway.gateway().evidence()).events(sessionId);
        List<String> types = events.stream().map(e -> e.path("type").asText()).filter(t -> !t.startsWith("session")).toList();
        assertThat(types).containsSubsequence("command", "approval.requested", "approval.decided", "command.result");
        // The request names its command by seq: the auditor's report links them by it, not by which was recorded last.
        long held = events.stream().filter(e -> e.path("type").asText().equals("command")
                && e.path("detail").path("text").asText().startsWith("CREATE INDEX guarded_v")).findFirst().orElseThrow()
                .path("detail").path("seq").asLong();
        assertThat(events.stream().filter(e -> e.path("type").asText().equals("approval.requested")).findFirst().orElseThrow()
                .path("detail").path("seq").asLong(-1)).isEqualTo(held);
    }

    @Test
    void aTimeBoxedGrantLetsTheNextStatementOfThatClassRunAtOnceAndSaysSo() throws Exception {
        try (Connection c = gateway.connect("app"); Statement sql = c.createStatement()) {
            CompletableFuture<Void> first = CompletableFuture.runAsync(() -> {
                try {
                    sql.execute("ALTER TABLE guarded ADD COLUMN granted_one int");
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            PendingApproval pending = awaitPending();
            gateway.gateway().approvals().approve(pending.id(), DBA, "migration window", Duration.ofMinutes(10));
            first.get(10, TimeUnit.SECONDS);
            sql.execute("ALTER TABLE guarded ADD COLUMN granted_two int");
            assertThat(gateway.gateway().approvals().pending()).isEmpty();
            List<JsonNode> granted = new SessionQueries(gateway.gateway().evidence()).events(pending.request().sessionId())
                    .stream().filter(e -> e.path("detail").path("outcome").asText().equals("granted")).toList();
            assertThat(granted).hasSize(1);
            assertThat(granted.getFirst().path("detail").path("id").asText()).isEqualTo(pending.id());
        }
    }

    /** Issue 15, finding 1: privilege changes passed a rule that named DDL only. */
    @Test
    void privilegeChangesAreHeldAsAtLeastDdlAndNoneRunsWhenDenied() throws Exception {
        try (Connection direct = TestTarget.direct(); Statement sql = direct.createStatement()) {
            sql.execute("DROP TABLE IF EXISTS owned_by_app");
            sql.execute("DROP FUNCTION IF EXISTS touch_all()");
            sql.execute("ALTER ROLE " + TestTarget.SCRAM_USER + " RESET ALL");
            sql.execute("CREATE TABLE owned_by_app (id int)");
            sql.execute("ALTER TABLE owned_by_app OWNER TO " + TestTarget.SCRAM_USER);
        }
        List<String> statements = List.of(
                "ALTER TABLE guarded ADD COLUMN x text, OWNER TO CURRENT_USER",
                "CREATE FUNCTION touch_all() RETURNS void LANGUAGE sql SECURITY DEFINER AS $$ UPDATE guarded SET v = 'x' $$",
                "ALTER ROLE CURRENT_USER SET search_path = public, evil",
                "DROP OWNED BY CURRENT_USER");
        try (Connection c = gateway.connect("app"); Statement sql = c.createStatement()) {
            for (String statement : statements) {
                CompletableFuture<SQLException> outcome = failureOf(sql, statement);
                PendingApproval pending = awaitPending();
                assertThat(pending.request().command()).isEqualTo(statement);
                assertThat(pending.request().statementClass()).isEqualTo("privilege");
                assertThat(pending.request().rule()).isEqualTo("hold-ddl");
                gateway.gateway().approvals().deny(pending.id(), DBA, "not through the analyst's session");
                SQLException refused = outcome.get(10, TimeUnit.SECONDS);
                assertThat((Throwable) refused).as(statement).isNotNull();
                assertThat(refused.getSQLState()).isEqualTo("42501");
                assertThat(refused.getMessage()).contains("denied");
            }
        }
        try (Connection direct = TestTarget.direct(); Statement sql = direct.createStatement()) {
            assertThat(single(sql, "SELECT tableowner FROM pg_tables WHERE tablename = 'guarded'")).isEqualTo("postgres");
            assertThat(single(sql, "SELECT count(*) FROM information_schema.columns WHERE table_name = 'guarded'"
                    + " AND column_name = 'x'")).isEqualTo("0");
            assertThat(single(sql, "SELECT count(*) FROM pg_proc WHERE proname = 'touch_all'")).isEqualTo("0");
            assertThat(single(sql, "SELECT count(*) FROM pg_db_role_setting s JOIN pg_roles r ON r.oid = s.setrole"
                    + " WHERE r.rolname = '" + TestTarget.SCRAM_USER + "'")).isEqualTo("0");
            assertThat(single(sql, "SELECT count(*) FROM pg_tables WHERE tablename = 'owned_by_app'")).isEqualTo("1");
        }
    }

    /** Issue 15, finding 2: a bulk delete in a CTE body that begins with its own WITH was READ. */
    @Test
    void aBulkDeleteInACteBodyWithItsOwnWithIsBlocked() throws SQLException {
        try (Connection c = gateway.connect("app"); Statement sql = c.createStatement()) {
            assertThatThrownBy(() -> sql.execute(
                    "WITH d AS (WITH x AS (SELECT 1) DELETE FROM guarded RETURNING 1) SELECT count(*) FROM d"))
                    .isInstanceOf(SQLException.class)
                    .satisfies(e -> {
                        assertThat(((SQLException) e).getSQLState()).isEqualTo("42501");
                        assertThat(e.getMessage()).contains("no-bulk-writes");
                    });
            assertThat(single(sql, "SELECT count(*) FROM guarded")).isEqualTo("10");
        }
    }

    /**
     * Spellings PostgreSQL reads like the guarded ones: a quoted EXPLAIN option runs the DELETE, and
     * an UPDATE of pg_settings is a SET. Before the classifier read them so, the first emptied the
     * table as a READ and the second turned triggers off as a WRITE.
     */
    @Test
    void quotedExplainOptionsAndWritesToPgSettingsAreRefusedAndRunNothing() throws SQLException {
        try (Connection c = gateway.connect("app"); Statement sql = c.createStatement()) {
            assertThatThrownBy(() -> sql.execute("EXPLAIN (\"analyze\") DELETE FROM guarded"))
                    .isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("42501"))
                    .hasMessageContaining("no-bulk-writes");
            assertThatThrownBy(() -> sql.execute(
                    "UPDATE pg_settings SET setting = 'replica' WHERE name = 'session_replication_role'"))
                    .isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("42501"))
                    .hasMessageContaining("pg_settings");
            assertThat(single(sql, "SELECT count(*) FROM guarded")).isEqualTo("10");
            assertThat(single(sql, "SHOW session_replication_role")).isEqualTo("origin");
        }
    }

    /**
     * Each of these changes every row of the table, though its WHERE names columns: they belong to
     * another table (UPDATE ... FROM, DELETE ... USING, a MERGE's source) or to a subquery's own
     * tables, or a test is OR'd with its complement or compares an operand with itself, or an upsert
     * reads its rows from its own table. They were WRITE and emptied or rewrote the table past the
     * rule blocking bulk writes.
     */
    @Test
    void conditionsThatDoNotLimitTheChangedRowsAreBulkWritesAndRunNothing() throws SQLException {
        try (Connection direct = TestTarget.direct(); Statement setup = direct.createStatement()) {
            setup.execute("DROP TABLE IF EXISTS guard_side");
            setup.execute("CREATE TABLE guard_side (id int PRIMARY KEY, banned boolean)");
            setup.execute("INSERT INTO guard_side VALUES (7, true)");
            setup.execute("GRANT ALL ON guard_side TO PUBLIC");
        }
        List<String> bulk = List.of(
                "DELETE FROM guarded WHERE EXISTS (SELECT 1 FROM pg_class)",
                "DELETE FROM guarded WHERE (SELECT count(*) FROM guard_side) > 0",
                "DELETE FROM guarded WHERE EXISTS (SELECT guarded.id)",
                "UPDATE guarded SET v = 'gone' FROM guard_side s WHERE s.id = 7",
                "DELETE FROM guarded USING guard_side s WHERE s.banned",
                "MERGE INTO guarded g USING guard_side s ON s.id = 7 WHEN MATCHED THEN DELETE",
                "DELETE FROM guarded WHERE v IS NULL OR v IS NOT NULL",
                "UPDATE guarded SET v = 'gone' WHERE id = 3 OR NOT id = 3",
                "DELETE FROM guarded WHERE (id) = guarded.id",
                "DELETE FROM guarded g USING guarded p WHERE g.id = p.id",
                "DELETE FROM guarded WHERE id IN (SELECT id FROM guarded)",
                "MERGE INTO guarded g USING guarded s ON g.id = s.id WHEN MATCHED THEN DELETE",
                "INSERT INTO guarded SELECT id, 'gone' FROM guarded ON CONFLICT (id) DO UPDATE SET v = EXCLUDED.v");
        try (Connection c = gateway.connect("app"); Statement sql = c.createStatement()) {
            for (String statement : bulk) {
                assertThatThrownBy(() -> sql.execute(statement)).as(statement)
                        .isInstanceOf(SQLException.class)
                        .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("42501"))
                        .hasMessageContaining("no-bulk-writes");
            }
            try (PreparedStatement prepared = c.prepareStatement(
                    "DELETE FROM guarded WHERE EXISTS (SELECT 1 FROM guard_side WHERE id = ?)")) {
                prepared.setInt(1, 7);
                assertThatThrownBy(prepared::executeUpdate)
                        .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("42501"));
            }
            assertThat(single(sql, "SELECT count(*) FROM guarded WHERE v = 'row'")).isEqualTo("10");
            // Conditions on the changed table's own columns still run as ordinary writes.
            assertThat(sql.executeUpdate("UPDATE guarded g SET v = 'side' FROM guard_side s WHERE s.id = g.id")).isEqualTo(1);
            assertThat(sql.executeUpdate(
                    "DELETE FROM guarded g WHERE EXISTS (SELECT 1 FROM guard_side s WHERE s.id = g.id)")).isEqualTo(1);
            assertThat(single(sql, "SELECT count(*) FROM guarded")).isEqualTo("9");
        }
    }

    @Test
    void whatCannotBeClassifiedIsBlockedAlthoughTheHoldRuleMatchesIt() throws SQLException {
        try (Connection c = gateway.connect("app"); Statement sql = c.createStatement()) {
            assertThatThrownBy(() -> sql.execute("DO $$ BEGIN EXECUTE 'DELETE FROM guarded'; END $$"))
                    .isInstanceOf(SQLException.class)
                    .satisfies(e -> {
                        assertThat(((SQLException) e).getSQLState()).isEqualTo("42501");
                        assertThat(e.getMessage()).contains("default:high-risk");
                    });
            assertThat(gateway.gateway().approvals().pending()).noneMatch(p -> !p.decided());
            assertThat(single(sql, "SELECT count(*) FROM guarded")).isEqualTo("10");
        }
    }

    private static String single(Statement sql, String query) throws SQLException {
        try (ResultSet rs = sql.executeQuery(query)) {
            assertThat(rs.next()).isTrue();
            return rs.getString(1);
        }
    }

    private static CompletableFuture<SQLException> failureOf(Statement sql, String statement) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                sql.execute(statement);
                return null;
            } catch (SQLException e) {
                return e;
            }
        });
    }

    private static PendingApproval awaitPending() {
        return Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> gateway.gateway().approvals().pending().stream().filter(p -> !p.decided()).findFirst()
                        .orElse(null), p -> p != null);
    }
}
