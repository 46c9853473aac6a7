package dev.tracegate.gateway.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tracegate.gateway.TestGateway;
import dev.tracegate.gateway.approval.PendingApproval;
import dev.tracegate.wire.mysql.ComQuery;
import dev.tracegate.wire.mysql.ComStmtExecute;
import dev.tracegate.wire.mysql.ComStmtPrepare;
import dev.tracegate.wire.mysql.ComStmtPrepareOk;
import dev.tracegate.wire.mysql.ComStmtSendLongData;
import dev.tracegate.wire.mysql.ErrPacket;
import dev.tracegate.wire.mysql.FieldType;
import dev.tracegate.wire.mysql.MysqlPacket;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
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
import org.junit.jupiter.api.Test;

/**
 * Statements the policy holds for approvers, through the gateway's MySQL listener with the real
 * {@code mariadb} client and a real MariaDB: the client waits on its connection; an approval through
 * the gateway's HTTP API lets the statement run, a denial reaches the client as a MySQL error, and a
 * client that disconnects while it waits withdraws its request.
 */
class MysqlApprovalsThroughGatewayTest {

    private static final String POLICY = """
            defaults:
              action: allow
            rules:
              - name: hold-ddl
                connections: [shop]
                classes: [ddl]
                action: approve
                approvers: [admins]
                timeout: 120s
                reason: schema changes need an admin
              - name: hold-held-rows
                connections: [shop]
                tables: [held_rows]
                minClass: write
                action: approve
                approvers: [admins]
                timeout: 120s
                reason: changes to held_rows need an admin
              - name: cancel-statements
                connections: [shop]
                classes: [dangerous_admin]
                command: "^\\\\s*kill\\\\s"
                action: allow
              - name: mysql-text
                connections: [shop]
                classes: [unknown]
                action: allow
            """;

    private static final String DELETE_TWO_ROWS = "DELETE FROM held_rows WHERE id = ? OR id = ?";
    private static final int[] TWO_STRINGS = {FieldType.VAR_STRING, FieldType.VAR_STRING};

    private static TestMariaDb mariadb;
    private static TestGateway gateway;

    @BeforeAll
    static void start() throws IOException {
        mariadb = TestMariaDb.get();
        gateway = TestGateway.start(MysqlThroughGatewayTest.connections(mariadb), POLICY, 4 * 1024 * 1024);
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    @Test
    void aHeldStatementWaitsAndRunsOnceAnAdminApprovesItThroughTheApi() throws Exception {
        Cli held = Cli.start(TestGateway.ALICE_TOKEN, "CREATE TABLE approved_here (id int)");
        PendingApproval pending = awaitPending("CREATE TABLE approved_here");
        assertThat(held.process.isAlive()).as("the client waits while the statement is held").isTrue();
        assertThat(tableCount("approved_here")).as("nothing ran before the approval").isZero();

        assertThat(decide(pending.id(), "approve", "planned change")).isEqualTo(200);

        assertThat(held.output()).isEmpty();
        assertThat(held.exitCode()).isZero();
        assertThat(tableCount("approved_here")).isEqualTo(1);
        assertThat(decided(pending.id()).path("outcome").asText()).isEqualTo("approved");
    }

    @Test
    void approversOfAPreparedStatementSeeTheValuesItsExecuteBinds() throws Exception {
        mariadb.query("CREATE TABLE IF NOT EXISTS shop.held_rows (id int PRIMARY KEY); DELETE FROM shop.held_rows;"
                + " INSERT INTO shop.held_rows VALUES (7), (8)");
        try (Connection c = DriverManager.getConnection("jdbc:mariadb://127.0.0.1:"
                + gateway.gateway().port(MysqlEngine.PROTOCOL) + "/shop?sslMode=trust&useServerPrepStmts=true&user=analyst"
                + "&password=" + TestGateway.ALICE_TOKEN);
             PreparedStatement delete = c.prepareStatement("DELETE FROM held_rows WHERE id = ?")) {
            delete.setInt(1, 7);
            CompletableFuture<Integer> deleted = CompletableFuture.supplyAsync(() -> {
                try {
                    return delete.executeUpdate();
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            PendingApproval pending = awaitPending("DELETE FROM held_rows");
            // The text alone would approve deleting any row: the value bound to it is what runs.
            assertThat(pending.request().command()).isEqualTo("DELETE FROM held_rows WHERE id = ?\n"
                    + "-- bound parameters, in order: \"7\"");
            assertThat(decide(pending.id(), "approve", "order 7 only")).isEqualTo(200);
            assertThat(deleted.get(60, TimeUnit.SECONDS)).isEqualTo(1);
        }
        assertThat(mariadb.query("SELECT id FROM shop.held_rows").strip()).isEqualTo("8");
    }

    /**
     * Long data belongs to the server's next execute of the statement. An execute the gateway does
     * not forward (here denied) leaves it with the server, which reads the next execute with it: the
     * first parameter is the long data and only the second is read from the packet. The gateway
     * must read that execute as the server does, or approvers are shown values other than those
     * that run: before, it showed "999", "998", harmless, and the server deleted row 7.
     */
    @Test
    void anExecuteAfterARefusedOneIsReadWithTheLongDataTheServerStillHolds() throws Exception {
        try (RawMysqlClient client = new RawMysqlClient(gateway.gateway().port(MysqlEngine.PROTOCOL))) {
            ComStmtPrepareOk prepared = prepareDeleteOfTwoRows(client);
            client.send(0, new ComStmtSendLongData(prepared.statementId(), 0, utf8("7")).encode());
            client.send(0, new ComStmtExecute(prepared.statementId(), 0, 1, true, TWO_STRINGS, new byte[][] {null, utf8("8")}).encode());
            PendingApproval denied = awaitPending(DELETE_TWO_ROWS);
            assertThat(denied.request().command()).endsWith("-- bound parameters, in order: \"7\", \"8\"");
            assertThat(decide(denied.id(), "deny", "not these rows")).isEqualTo(200);
            assertThat(client.read().isErr()).isTrue();

            client.send(0, new ComStmtExecute(prepared.statementId(), 0, 1, true, TWO_STRINGS,
                    new byte[][] {utf8("999"), utf8("998")}).encode());
            CompletableFuture<MysqlPacket> answer = CompletableFuture.supplyAsync(() -> {
                try {
                    return client.read();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> answer.isDone() || heldAfter(denied) != null);
            PendingApproval shown = heldAfter(denied);
            if (shown != null) {
                // An approver reads values that name no row and approves.
                decide(shown.id(), "approve", "no such rows");
            }
            MysqlPacket refused = answer.get(60, TimeUnit.SECONDS);
            assertThat(mariadb.query("SELECT count(*) FROM shop.held_rows").strip()).as("rows 7 and 8 are left").isEqualTo("2");
            assertThat(shown).as("approvers were shown values the server does not run").isNull();
            assertThat(refused.isErr()).isTrue();
            assertThat(ErrPacket.decode(refused.payload()).message()).contains("protocol violation");
        }
    }

    /**
     * The same for parameter types: an execute that binds none is read with the types of the last
     * execute the server ran, not of one the gateway refused. Here the server reads two 8-byte
     * integers, 7 and 7, where the types of the denied execute read two strings of seven NUL bytes.
     */
    @Test
    void anExecuteBindingNoTypesAfterARefusedOneIsReadWithTheTypesTheServerStillHolds() throws Exception {
        int[] integers = {FieldType.LONGLONG, FieldType.LONGLONG};
        byte[] seven = {7, 0, 0, 0, 0, 0, 0, 0};
        try (RawMysqlClient client = new RawMysqlClient(gateway.gateway().port(MysqlEngine.PROTOCOL))) {
            ComStmtPrepareOk prepared = prepareDeleteOfTwoRows(client);
            client.send(0, new ComStmtExecute(prepared.statementId(), 0, 1, true, integers,
                    new byte[][] {{(byte) 0xe7, 3, 0, 0, 0, 0, 0, 0}, {(byte) 0xe6, 3, 0, 0, 0, 0, 0, 0}}).encode());
            PendingApproval ran = awaitPending(DELETE_TWO_ROWS);
            assertThat(ran.request().command()).endsWith("-- bound parameters, in order: \"999\", \"998\"");
            assertThat(decide(ran.id(), "approve", "no such rows")).isEqualTo(200);
            assertThat(client.read().isOk()).isTrue();
            client.send(0, new ComStmtExecute(prepared.statementId(), 0, 1, true, TWO_STRINGS,
                    new byte[][] {utf8("999"), utf8("998")}).encode());
            PendingApproval denied = Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> heldAfter(ran), p -> p != null);
            assertThat(decide(denied.id(), "deny", "not now")).isEqualTo(200);
            assertThat(client.read().isErr()).isTrue();

            client.send(0, new ComStmtExecute(prepared.statementId(), 0, 1, false, integers, new byte[][] {seven, seven}).encode());
            PendingApproval shown = Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> heldAfter(denied), p -> p != null);
            assertThat(shown.request().command()).as("approvers see what the server runs")
                    .endsWith("-- bound parameters, in order: \"7\", \"7\"");
            assertThat(decide(shown.id(), "deny", "row 7 stays")).isEqualTo(200);
            assertThat(client.read().isErr()).isTrue();
        }
        assertThat(mariadb.query("SELECT count(*) FROM shop.held_rows").strip()).isEqualTo("2");
    }

    /**
     * Long data over 64 KiB is kept cut short: 70,000 spaces and then "7" read as row 7 to the server,
     * while approvers would read spaces and "... (70001 bytes of long data)". Such an execute is
     * refused at once with a reason, not put to approvers who cannot see which rows it deletes.
     */
    @Test
    void anExecuteWithLongDataApproversWouldSeeCutShortIsRefusedWithoutAskingThem() throws Exception {
        try (RawMysqlClient client = new RawMysqlClient(gateway.gateway().port(MysqlEngine.PROTOCOL))) {
            ComStmtPrepareOk prepared = prepareDeleteOfTwoRows(client);
            client.send(0, new ComStmtSendLongData(prepared.statementId(), 0, utf8(" ".repeat(40_000))).encode());
            client.send(0, new ComStmtSendLongData(prepared.statementId(), 0, utf8(" ".repeat(30_000) + "7")).encode());
            client.send(0, new ComStmtExecute(prepared.statementId(), 0, 1, true, TWO_STRINGS, new byte[][] {null, utf8("999")})
                    .encode());
            CompletableFuture<MysqlPacket> answer = CompletableFuture.supplyAsync(() -> {
                try {
                    return client.read();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> answer.isDone() || heldRowsPending() != null);
            PendingApproval asked = heldRowsPending();
            if (asked != null) {
                decide(asked.id(), "deny", "cannot see it");
            }
            assertThat(asked).as("approvers were asked about a value they could not see").isNull();
            MysqlPacket refused = answer.get(60, TimeUnit.SECONDS);
            assertThat(refused.isErr()).isTrue();
            assertThat(ErrPacket.decode(refused.payload()).message()).contains("not put to approvers")
                    .contains("parameter 1 is 70001 bytes, more than approvers are shown (65536 bytes)");
        }
        assertThat(mariadb.query("SELECT count(*) FROM shop.held_rows").strip()).as("rows 7 and 8 are left").isEqualTo("2");
    }

    private static PendingApproval heldRowsPending() {
        return gateway.gateway().approvals().pending().stream()
                .filter(p -> p.request().command().startsWith("DELETE FROM held_rows") && !p.decided()).findFirst().orElse(null);
    }

    /**
     * MariaDB takes the statement id 0xFFFFFFFF for the session's last prepared statement. Long
     * data sent under it would be the first parameter of that statement's next execute at the
     * server, while the gateway, which knows no statement by that id, read the execute without it:
     * approvers saw "999", "998" and the server deleted row 7. Long data for a statement the gateway
     * does not know goes nowhere.
     */
    @Test
    void longDataForTheLastStatementByMariaDbsIdDoesNotChangeWhatRunsBehindTheApprovers() throws Exception {
        try (RawMysqlClient client = new RawMysqlClient(gateway.gateway().port(MysqlEngine.PROTOCOL))) {
            ComStmtPrepareOk prepared = prepareDeleteOfTwoRows(client);
            client.send(0, new ComStmtSendLongData(0xFFFFFFFFL, 0, utf8("7")).encode());
            client.send(0, new ComStmtExecute(prepared.statementId(), 0, 1, true, TWO_STRINGS,
                    new byte[][] {utf8("999"), utf8("998")}).encode());
            PendingApproval pending = awaitPending(DELETE_TWO_ROWS);
            assertThat(pending.request().command()).endsWith("-- bound parameters, in order: \"999\", \"998\"");
            assertThat(decide(pending.id(), "approve", "no such rows")).isEqualTo(200);
            MysqlPacket answer = client.read();
            assertThat(answer.isOk()).as("ran as approved").isTrue();
        }
        assertThat(mariadb.query("SELECT count(*) FROM shop.held_rows").strip()).as("rows 7 and 8 are left").isEqualTo("2");
    }

    /**
     * An {@code EXECUTE} names a statement the session prepared earlier; its approvers must see what
     * that statement does, which the request showed nowhere: before, they read {@code EXECUTE del}
     * and nothing else, whatever del deleted.
     */
    @Test
    void approversOfAnExecuteSeeTheStatementItRuns() throws Exception {
        mariadb.query("CREATE TABLE IF NOT EXISTS shop.held_rows (id int PRIMARY KEY); DELETE FROM shop.held_rows;"
                + " INSERT INTO shop.held_rows VALUES (7), (8)");
        try (RawMysqlClient client = new RawMysqlClient(gateway.gateway().port(MysqlEngine.PROTOCOL))) {
            assertThat(client.login(TestGateway.ALICE_TOKEN, "shop").isOk()).isTrue();
            client.send(0, new ComQuery("PREPARE del FROM 'DELETE FROM held_rows WHERE id = 7'").encode());
            PendingApproval prepare = awaitPending("PREPARE del");
            assertThat(decide(prepare.id(), "approve", "preparing only")).isEqualTo(200);
            assertThat(client.read().isOk()).isTrue();

            client.send(0, new ComQuery("EXECUTE del").encode());
            PendingApproval execute = awaitPending("EXECUTE del");
            assertThat(execute.request().command())
                    .isEqualTo("EXECUTE del\n-- which runs the statement this session prepared with:\n"
                            + "PREPARE del FROM 'DELETE FROM held_rows WHERE id = 7'");
            assertThat(decide(execute.id(), "deny", "row 7 stays")).isEqualTo(200);
            assertThat(client.read().isErr()).isTrue();
        }
        assertThat(mariadb.query("SELECT count(*) FROM shop.held_rows").strip()).isEqualTo("2");
    }

    /** A fresh held_rows with rows 7 and 8, a signed-in raw client, and {@link #DELETE_TWO_ROWS} prepared on it. */
    private static ComStmtPrepareOk prepareDeleteOfTwoRows(RawMysqlClient client) throws Exception {
        mariadb.query("CREATE TABLE IF NOT EXISTS shop.held_rows (id int PRIMARY KEY); DELETE FROM shop.held_rows;"
                + " INSERT INTO shop.held_rows VALUES (7), (8)");
        assertThat(client.login(TestGateway.ALICE_TOKEN, "shop").isOk()).isTrue();
        client.send(0, new ComStmtPrepare(DELETE_TWO_ROWS).encode());
        ComStmtPrepareOk prepared = ComStmtPrepareOk.decode(client.read().payload());
        for (int i = 0; i < prepared.parameters() + prepared.columns(); i++) {
            client.read();
        }
        return prepared;
    }

    private static PendingApproval heldAfter(PendingApproval earlier) {
        return gateway.gateway().approvals().pending().stream()
                .filter(p -> !p.id().equals(earlier.id()) && p.request().command().startsWith("DELETE FROM held_rows") && !p.decided())
                .findFirst().orElse(null);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aDeniedStatementGetsAClearMysqlErrorAndNeverRuns() throws Exception {
        Cli held = Cli.start(TestGateway.ALICE_TOKEN, "CREATE TABLE denied_here (id int)");
        PendingApproval pending = awaitPending("CREATE TABLE denied_here");

        assertThat(decide(pending.id(), "deny", "not during business hours")).isEqualTo(200);

        String output = held.output();
        assertThat(output).contains("ERROR 1227").contains("42000")
                .contains("tracegate: approval " + pending.id() + " denied: not during business hours")
                .contains("the statement was not executed");
        assertThat(held.exitCode()).isNotZero();
        assertThat(tableCount("denied_here")).isZero();
        assertThat(gateway.events("command.blocked", 0).stream().map(e -> e.path("detail")))
                .anyMatch(d -> "denied".equals(d.path("outcome").asText()) && pending.id().equals(d.path("approval").asText()));
    }

    @Test
    void aClientThatDisconnectsWhileHeldWithdrawsItsRequest() throws Exception {
        Cli held = Cli.start(TestGateway.ALICE_TOKEN, "CREATE TABLE abandoned_here (id int)");
        PendingApproval pending = awaitPending("CREATE TABLE abandoned_here");

        held.process.destroyForcibly();
        assertThat(held.process.waitFor(30, TimeUnit.SECONDS)).isTrue();

        JsonNode decided = Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> decided(pending.id()), d -> d != null);
        assertThat(decided.path("outcome").asText()).isEqualTo("withdrawn");
        assertThat(decided.path("reason").asText()).isEqualTo("the client disconnected while waiting");
        assertThat(gateway.gateway().approvals().pending()).noneMatch(p -> p.id().equals(pending.id()) && !p.decided());
        assertThat(decide(pending.id(), "approve", "too late")).as("a withdrawn request cannot be approved").isNotEqualTo(200);
        assertThat(tableCount("abandoned_here")).isZero();
    }

    @Test
    void killQueryFromTheCallersOtherConnectionWithdrawsItsHeldStatement() throws Exception {
        try (Connection held = mariadbConnectorJ(TestGateway.ALICE_TOKEN)) {
            long id = ((org.mariadb.jdbc.Connection) held).getThreadId();
            CompletableFuture<Void> waiting = CompletableFuture.runAsync(() -> {
                try (Statement statement = held.createStatement()) {
                    statement.execute("CREATE TABLE cancelled_here (id int)");
                } catch (SQLException e) {
                    throw new IllegalStateException(e.getMessage(), e);
                }
            });
            PendingApproval pending = awaitPending("CREATE TABLE cancelled_here");

            Cli kill = Cli.start(TestGateway.ALICE_TOKEN, "KILL QUERY " + id);
            assertThat(kill.output()).isEmpty();
            assertThat(kill.exitCode()).isZero();

            assertThatThrownBy(() -> waiting.get(60, TimeUnit.SECONDS)).hasMessageContaining("approval " + pending.id()
                    + " withdrawn (the client cancelled the statement)");
            assertThat(decided(pending.id()).path("outcome").asText()).isEqualTo("withdrawn");
            try (Statement statement = held.createStatement(); ResultSet rs = statement.executeQuery("SELECT 40 + 2")) {
                assertThat(rs.next()).as("the session goes on").isTrue();
            }
        }
        assertThat(tableCount("cancelled_here")).isZero();
    }

    @Test
    void killReachesOnlyTheCallersOwnSessions() throws Exception {
        try (Connection admin = mariadbConnectorJ(TestGateway.ADMIN_TOKEN)) {
            long adminId = ((org.mariadb.jdbc.Connection) admin).getThreadId();
            long adminUpstreamId;
            try (ResultSet rs = admin.createStatement().executeQuery("SELECT CONNECTION_ID()")) {
                assertThat(rs.next()).isTrue();
                adminUpstreamId = rs.getLong(1);
            }
            for (String kill : List.of("KILL QUERY " + adminId, "KILL " + adminId, "KILL CONNECTION " + adminId,
                    "KILL QUERY " + adminUpstreamId, "KILL " + adminUpstreamId, "/*!KILL " + adminId + "*/",
                    "kill /* comment */ query " + adminId)) {
                assertThat(Cli.start(TestGateway.ALICE_TOKEN, kill).output()).as(kill).contains("ERROR 1094")
                        .contains("Unknown thread id");
            }
            for (String kill : List.of("PREPARE s FROM 'KILL " + adminId + "'",
                    "EXECUTE IMMEDIATE 'KILL QUERY " + adminId + "'", "SET @q = 'KILL " + adminId + "'; PREPARE s FROM @q",
                    "KILL USER tg_native", "KILL QUERY ID 1")) {
                assertThat(Cli.start(TestGateway.ALICE_TOKEN, kill).output()).as(kill).contains("ERROR 1227")
                        .doesNotContain("ERROR 1094");
            }
            // The mariadb client splits statements itself; a driver sends them in one text.
            try (Connection alice = DriverManager.getConnection("jdbc:mariadb://127.0.0.1:"
                    + gateway.gateway().port(MysqlEngine.PROTOCOL) + "/shop?sslMode=trust&allowMultiQueries=true&user=analyst"
                    + "&password=" + TestGateway.ALICE_TOKEN); Statement statement = alice.createStatement()) {
                assertThatThrownBy(() -> statement.execute("SELECT 1; KILL QUERY " + adminId)).isInstanceOf(SQLException.class)
                        .hasMessageContaining("KILL is relayed only alone");
            }
            try (ResultSet rs = admin.createStatement().executeQuery("SELECT 40 + 2")) {
                assertThat(rs.next()).as("the admin's session was never touched").isTrue();
            }
        }
        assertThat(gateway.events("command.blocked", 0).stream().map(e -> e.path("detail").path("reason").asText()))
                .anyMatch(r -> r.contains("not one of the caller's own sessions"));
    }

    private static Connection mariadbConnectorJ(String token) throws SQLException {
        return DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + gateway.gateway().port(MysqlEngine.PROTOCOL)
                + "/shop?sslMode=trust&user=analyst&password=" + token);
    }

    /** The real {@code mariadb} client running one statement as a caller, in the background. */
    private record Cli(Process process, CompletableFuture<String> out) {

        static Cli start(String token, String sql) throws IOException {
            Process process = new ProcessBuilder("mariadb", "--no-defaults", "-h", "127.0.0.1", "-P",
                    Integer.toString(gateway.gateway().port(MysqlEngine.PROTOCOL)), "--ssl", "-u", "analyst", "-p" + token,
                    "-A", "shop", "-N", "-e", sql).redirectErrorStream(true).start();
            CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> {
                try {
                    return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    return e.toString();
                }
            });
            return new Cli(process, out);
        }

        String output() throws Exception {
            return out.get(60, TimeUnit.SECONDS).strip();
        }

        int exitCode() throws InterruptedException {
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            return process.exitValue();
        }
    }

    private static PendingApproval awaitPending(String prefix) {
        return Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> gateway.gateway().approvals().pending().stream()
                .filter(p -> p.request().command().startsWith(prefix) && !p.decided()).findFirst().orElse(null), p -> p != null);
    }

    /** Approves or denies through the gateway's HTTP API, as an admin; returns the status. */
    private static int decide(String id, String verb, String reason) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + gateway.gateway().apiPort() + "/api/approvals/" + id + "/" + verb))
                .header("Authorization", "Bearer " + TestGateway.ADMIN_TOKEN).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"reason\": \"" + reason + "\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        return response.statusCode();
    }

    /** The detail of the event that ended the request, once there is one. */
    private static JsonNode decided(String id) throws Exception {
        List<JsonNode> events = gateway.events("approval.decided", 0);
        return events.stream().map(e -> e.path("detail")).filter(d -> id.equals(d.path("id").asText())).findFirst()
                .orElse(null);
    }

    /** How many tables of that name the server has, asked directly (not through the gateway). */
    private static int tableCount(String table) throws Exception {
        return Integer.parseInt(mariadb.query("SELECT count(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'shop'"
                + " AND TABLE_NAME = '" + table + "'").strip());
    }
}
