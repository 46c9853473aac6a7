package dev.tracegate.gateway.postgres;

import static dev.tracegate.gateway.postgres.FrontendMessages.bind;
import static dev.tracegate.gateway.postgres.FrontendMessages.execute;
import static dev.tracegate.gateway.postgres.FrontendMessages.parse;
import static dev.tracegate.gateway.postgres.FrontendMessages.query;
import static dev.tracegate.gateway.postgres.FrontendMessages.sync;
import static dev.tracegate.gateway.postgres.ProtocolPairingThroughGatewayTest.types;
import static dev.tracegate.gateway.approval.HeldDdl.DBA;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tracegate.gateway.TestGateway;
import dev.tracegate.gateway.TestTarget;
import dev.tracegate.gateway.approval.PendingApproval;
import dev.tracegate.wire.postgres.PgFrame;
import dev.tracegate.wire.postgres.backend.ErrorResponse;
import dev.tracegate.wire.postgres.backend.ReadyForQuery;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An approval lets the statement approvers saw run once. A statement held at Parse and approved
 * is a prepared statement the client may Bind and Execute again, with values of its choosing:
 * each further run waits for approvers again, who see the values it binds, and a denied run fails
 * in place (the server never sees its Execute) while the session goes on.
 */
class ApprovalReplayThroughGatewayTest {

    private static final String POLICY = """
            defaults:
              action: allow
              highRisk: block
            rules:
              - name: hold-writes
                tables: [replay_orders]
                minClass: write
                action: approve
                approvers: [dba]
                timeout: 30s
                reason: writes need a DBA
            """;
    private static final String DELETE_ONE = "DELETE FROM replay_orders WHERE id = $1";

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
    void orders() throws SQLException {
        try (Connection direct = TestTarget.direct(); Statement sql = direct.createStatement()) {
            sql.execute("DROP TABLE IF EXISTS replay_orders");
            sql.execute("CREATE TABLE replay_orders (id int PRIMARY KEY)");
            sql.execute("INSERT INTO replay_orders SELECT generate_series(1, 5)");
        }
    }

    @Test
    void aStatementWithParametersIsPutToApproversAtEachRunWithTheValuesItRunsWith() throws Exception {
        try (RawPgClient client = alice()) {
            client.sendBatch(List.of(parse("del", DELETE_ONE), bind("", "del", "1"), execute(""), sync()));
            PendingApproval first = awaitPending(Set.of());
            // Not at its Parse, where approvers would see only "$1" and approve whatever the Bind brings.
            assertThat(first.request().command()).contains(DELETE_ONE).contains("bound parameters, in order: \"1\"");
            gateway.gateway().approvals().approve(first.id(), DBA, "one order", null);
            assertThat(types(client.readUntil(ReadyForQuery.TYPE, 1))).isEqualTo("N12CZ");

            // The same prepared statement, another value: not covered by the approval of the first run.
            client.sendBatch(List.of(bind("", "del", "2"), execute(""), sync()));
            PendingApproval second = awaitPending(Set.of(first.id()));
            assertThat(second.request().command()).contains(DELETE_ONE).contains("bound parameters, in order: \"2\"");
            gateway.gateway().approvals().deny(second.id(), DBA, "not that one");
            List<PgFrame> denied = client.readUntil(ReadyForQuery.TYPE, 1);
            assertThat(heldOnce(denied)).isEqualTo("2EZ");
            assertThat(error(denied).sqlState()).isEqualTo("42501");
            assertThat(error(denied).message()).contains(second.id()).contains("denied");

            // Approved, the run with its own value goes ahead; the session stayed in step.
            client.sendBatch(List.of(bind("", "del", "3"), execute(""), sync()));
            PendingApproval third = awaitPending(Set.of(first.id(), second.id()));
            assertThat(third.request().command()).contains("\"3\"");
            gateway.gateway().approvals().approve(third.id(), DBA, "that one", null);
            assertThat(heldOnce(client.readUntil(ReadyForQuery.TYPE, 1))).isEqualTo("2CZ");
            assertThat(types(client.exchange(List.of(query("SELECT 1")), 1))).isEqualTo("TDCZ");
        }
        assertThat(remaining()).containsExactly(2, 4, 5);
    }

    /**
     * A value over 4 KiB is kept by its size only ("[5000 bytes, not kept]"): approvers would approve
     * a run without seeing what it deletes (here every order its value names), so it is refused at
     * once instead of put to them, and the session goes on.
     */
    @Test
    void aRunBindingAValueApproversCannotSeeIsRefusedWithoutAskingThem() throws Exception {
        String deleteNamed = "DELETE FROM replay_orders WHERE position(',' || id || ',' in $1) > 0";
        String everyOrder = ",1,2,3,4,5," + " ".repeat(5000 - 11);
        try (RawPgClient client = alice()) {
            client.sendBatch(List.of(parse("del", deleteNamed), bind("", "del", ",5,"), execute(""), sync()));
            PendingApproval first = awaitPending(Set.of());
            gateway.gateway().approvals().approve(first.id(), DBA, "order 5", null);
            assertThat(types(client.readUntil(ReadyForQuery.TYPE, 1))).isEqualTo("N12CZ");

            client.sendBatch(List.of(bind("", "del", everyOrder), execute(""), sync()));
            List<PgFrame> refused = client.readUntil(ReadyForQuery.TYPE, 1);
            assertThat(types(refused)).isEqualTo("2EZ");
            assertThat(error(refused).sqlState()).isEqualTo("42501");
            assertThat(error(refused).message()).contains("not put to approvers")
                    .contains("parameter 1 is 5000 bytes, more than approvers are shown (4096 bytes)");
            assertThat(gateway.gateway().approvals().pending()).isEmpty();
            assertThat(types(client.exchange(List.of(query("SELECT 1")), 1))).isEqualTo("TDCZ");
        }
        assertThat(remaining()).containsExactly(1, 2, 3, 4);
    }

    @Test
    void everyExecuteOfAStatementPreparedBySqlIsHeldByTheRuleOnItsTable() throws Exception {
        try (RawPgClient client = alice()) {
            client.sendBatch(List.of(query("PREPARE del AS DELETE FROM replay_orders WHERE id = $1")));
            PendingApproval prepare = awaitPending(Set.of());
            gateway.gateway().approvals().approve(prepare.id(), DBA, "prepare it", null);
            assertThat(types(client.readUntil(ReadyForQuery.TYPE, 1))).isEqualTo("NCZ");

            // EXECUTE names no table: it is judged by what del deletes from, each time.
            client.sendBatch(List.of(query("EXECUTE del(1)")));
            PendingApproval first = awaitPending(Set.of(prepare.id()));
            // Approvers see what del deletes, not only its name.
            assertThat(first.request().command()).isEqualTo("EXECUTE del(1)\n-- which runs the statement this session prepared"
                    + " with:\nPREPARE del AS DELETE FROM replay_orders WHERE id = $1");
            gateway.gateway().approvals().deny(first.id(), DBA, "no");
            List<PgFrame> denied = client.readUntil(ReadyForQuery.TYPE, 1);
            assertThat(types(denied)).isEqualTo("NEZ");
            assertThat(error(denied).sqlState()).isEqualTo("42501");
        }
        assertThat(remaining()).containsExactly(1, 2, 3, 4, 5);
    }

    /**
     * The server keeps the statement it had under a name when a Parse of the name fails (it exists)
     * or is skipped (after an error): the gateway's map then names a harmless statement while the
     * server runs the approved one again. The session ends before that Execute reaches the server.
     */
    @Test
    void aStatementKeptByTheServerUnderAReusedNameDoesNotRunAgain() throws Exception {
        // A named statement parsed again without a Close.
        assertTheApprovedStatementDoesNotRunAgain("del", List.of(parse("del", "SELECT 1"), sync()), "EZ");
        // The unnamed statement, whose Parse the server skips after an error.
        assertTheApprovedStatementDoesNotRunAgain("", List.of(execute("no_such_portal"), parse("", "SELECT 1"), sync()),
                "EZ");
        assertThat(remaining()).containsExactly(2, 3, 4, 5);
    }

    private static void assertTheApprovedStatementDoesNotRunAgain(String name, List<PgFrame> diverge, String answers)
            throws Exception {
        try (RawPgClient client = alice()) {
            Set<String> decided = gateway.gateway().approvals().recent().stream().map(PendingApproval::id)
                    .collect(java.util.stream.Collectors.toSet());
            client.sendBatch(List.of(parse(name, DELETE_ONE), bind("", name, "1"), execute(""), sync()));
            gateway.gateway().approvals().approve(awaitPending(decided).id(), DBA, "order 1", null);
            assertThat(heldOnce(client.readUntil(ReadyForQuery.TYPE, 1))).isEqualTo("12CZ");
            assertThat(types(client.exchange(diverge, 1))).isEqualTo(answers);
            List<PgFrame> again = client.exchange(List.of(bind("", name, "2"), execute(""), sync()), 1);
            assertThat(types(again)).isEqualTo("E");
            ErrorResponse fatal = ErrorResponse.decode(again.getLast().body());
            assertThat(fatal.severity()).isEqualTo("FATAL");
            assertThat(fatal.message()).contains("parsed again without a Close");
        }
    }

    /**
     * SQL names are PostgreSQL's: {@code "DEL"} is another statement than {@code del}, and a second
     * PREPARE of a name fails and keeps the first. Either way EXECUTE del still runs the DELETE,
     * and is held like it.
     */
    @Test
    void anotherPrepareOfTheNameDoesNotMakeExecuteHarmless() throws Exception {
        try (RawPgClient client = alice()) {
            client.sendBatch(List.of(query("PREPARE del AS DELETE FROM replay_orders WHERE id = $1")));
            PendingApproval prepare = awaitPending(Set.of());
            gateway.gateway().approvals().approve(prepare.id(), DBA, "prepare it", null);
            assertThat(types(client.readUntil(ReadyForQuery.TYPE, 1))).isEqualTo("NCZ");
            assertThat(types(client.exchange(List.of(query("PREPARE \"DEL\" AS SELECT 1")), 1))).isEqualTo("CZ");
            assertThat(types(client.exchange(List.of(query("PREPARE del AS SELECT 1")), 1))).isEqualTo("EZ");

            client.sendBatch(List.of(query("EXECUTE del(3)")));
            PendingApproval held = awaitPending(Set.of(prepare.id()));
            gateway.gateway().approvals().deny(held.id(), DBA, "no");
            assertThat(types(client.readUntil(ReadyForQuery.TYPE, 1))).isEqualTo("NEZ");
        }
        assertThat(remaining()).containsExactly(1, 2, 3, 4, 5);
    }

    @Test
    void runsPipelinedBehindTheApprovedOneWaitForTheirOwnApproval() throws Exception {
        try (RawPgClient client = alice()) {
            client.sendBatch(List.of(parse("", DELETE_ONE), bind("", "", "1"), execute(""),
                    bind("", "", "2"), execute(""), bind("", "", "3"), execute(""), sync()));
            PendingApproval first = awaitPending(Set.of());
            gateway.gateway().approvals().approve(first.id(), DBA, "order 1", null);
            PendingApproval second = awaitPending(Set.of(first.id()));
            assertThat(second.request().command()).contains("\"2\"");
            gateway.gateway().approvals().deny(second.id(), DBA, "not order 2");
            // The server skips to Sync after the refused run: order 3 never comes up.
            List<PgFrame> frames = client.readUntil(ReadyForQuery.TYPE, 1);
            assertThat(types(frames).chars().filter(c -> c == 'N').count()).isEqualTo(2);
            assertThat(types(frames).replace("N", "")).isEqualTo("12C2EZ");
            assertThat(gateway.gateway().approvals().pending()).isEmpty();
        }
        // One implicit transaction up to the Sync: the refused run's error rolls back the approved one too.
        assertThat(remaining()).containsExactly(1, 2, 3, 4, 5);
    }

    @Test
    void anApprovedRunFetchedInPartsNeedsOneApproval() throws Exception {
        try (RawPgClient client = alice()) {
            client.sendBatch(List.of(parse("", "DELETE FROM replay_orders WHERE id > $1 RETURNING id"),
                    bind("p", "", "3"), execute("p", 1), execute("p", 1), sync()));
            PendingApproval held = awaitPending(Set.of());
            gateway.gateway().approvals().approve(held.id(), DBA, "the last two", null);
            assertThat(types(client.readUntil(ReadyForQuery.TYPE, 1))).isEqualTo("N12DsDsZ");
            assertThat(gateway.gateway().approvals().pending()).isEmpty();
        }
        assertThat(remaining()).containsExactly(1, 2, 3);
    }

    private static RawPgClient alice() throws Exception {
        return RawPgClient.signedIn(gateway.port(), "alice", TestGateway.ALICE_TOKEN, "app");
    }

    private static PendingApproval awaitPending(Set<String> decided) {
        return Awaitility.await().atMost(Duration.ofSeconds(20))
                .until(() -> gateway.gateway().approvals().pending().stream()
                        .filter(p -> !decided.contains(p.id())).findFirst().orElse(null), p -> p != null);
    }

    /**
     * The frames' types without the one notice of a held run. The notice is written by the gateway
     * while the server's answers to what came before the run (its Bind) are relayed, so its place
     * among them is not fixed.
     */
    private static String heldOnce(List<PgFrame> frames) {
        String types = types(frames);
        assertThat(types.chars().filter(c -> c == 'N').count()).as(types).isEqualTo(1);
        return types.replace("N", "");
    }

    private static ErrorResponse error(List<PgFrame> frames) throws Exception {
        for (PgFrame frame : frames) {
            if (frame.type() == ErrorResponse.TYPE) {
                return ErrorResponse.decode(frame.body());
            }
        }
        throw new AssertionError("no error among " + types(frames));
    }

    private static List<Integer> remaining() throws SQLException {
        List<Integer> ids = new ArrayList<>();
        try (Connection direct = TestTarget.direct(); Statement sql = direct.createStatement();
             ResultSet rs = sql.executeQuery("SELECT id FROM replay_orders ORDER BY id")) {
            while (rs.next()) {
                ids.add(rs.getInt(1));
            }
        }
        return ids;
    }
}
