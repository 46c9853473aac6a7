package dev.tracegate.gateway.postgres;

import static dev.tracegate.gateway.postgres.FrontendMessages.bind;
import static dev.tracegate.gateway.postgres.FrontendMessages.closePortal;
import static dev.tracegate.gateway.postgres.FrontendMessages.closeStatement;
import static dev.tracegate.gateway.postgres.FrontendMessages.copyData;
import static dev.tracegate.gateway.postgres.FrontendMessages.copyDone;
import static dev.tracegate.gateway.postgres.FrontendMessages.copyFail;
import static dev.tracegate.gateway.postgres.FrontendMessages.describePortal;
import static dev.tracegate.gateway.postgres.FrontendMessages.execute;
import static dev.tracegate.gateway.postgres.FrontendMessages.flush;
import static dev.tracegate.gateway.postgres.FrontendMessages.functionCall;
import static dev.tracegate.gateway.postgres.FrontendMessages.parse;
import static dev.tracegate.gateway.postgres.FrontendMessages.query;
import static dev.tracegate.gateway.postgres.FrontendMessages.sync;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tracegate.gateway.TestGateway;
import dev.tracegate.gateway.TestTarget;
import dev.tracegate.gateway.approval.PendingApproval;
import dev.tracegate.gateway.identity.Identity;
import dev.tracegate.wire.postgres.PgFrame;
import dev.tracegate.wire.postgres.backend.CommandComplete;
import dev.tracegate.wire.postgres.backend.ErrorResponse;
import dev.tracegate.wire.postgres.backend.ReadyForQuery;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Message orders real drivers rarely send, from a masked caller through the gateway to a real
 * PostgreSQL: the gateway pairs every response with the command it belongs to as the server does
 * (an error skips to Sync, a Query inside a failed batch is skipped, COPY swallows Syncs), so rows
 * reach the client only through their own command's masking and are recorded under it; where the
 * pairing cannot be known, the session ends.
 */
class ProtocolPairingThroughGatewayTest {

    private static final String POLICY = """
            defaults:
              action: allow
            masking:
              profiles:
                personal-data:
                  columns:
                    - {match: pairing_people.email, entity: email, strategy: redact}
                    - {match: pairing_people.card, entity: card, strategy: redact}
                    - {match: pairing_codenames.codename, entity: person_name, strategy: redact}
            rules:
              - name: hold-ddl
                classes: [ddl]
                action: approve
                approvers: [dba]
                timeout: 30s
                reason: schema changes need a DBA
              - name: no-bulk-writes
                classes: [bulk_write]
                action: block
                reason: UPDATE or DELETE without WHERE is not allowed
              - name: fast-path-allowed
                classes: [unknown]
                action: allow
              - name: mask-personal-data
                exceptGroups: [admins]
                mask: personal-data
            """;
    /** Protected by a column rule only: no detector finds it in text, so only its column's rule masks it. */
    private static final String CODENAME = "bluebird-seventeen";
    private static final List<String> CLEAR = List.of("ada.lovelace@example.com", "grace.hopper@example.org",
            "alan.turing@example.net", "4111 1111 1111 1111", "ada.lovelace", "grace.hopper", "alan.turing",
            CODENAME);
    private static final String SELECT_ALL = "SELECT id, email, card FROM pairing_people ORDER BY id";
    private static final String SELECT_BY_ID = "SELECT email, card FROM pairing_people WHERE id = $1";
    private static final Identity DBA = new Identity("tracegate", "apikey:dora", "dora", null, List.of("dba"), "human");

    private static TestGateway gateway;
    private static int textcatOid;

    @BeforeAll
    static void start() throws SQLException {
        try (Connection direct = TestTarget.direct(); Statement sql = direct.createStatement()) {
            sql.execute("DROP TABLE IF EXISTS pairing_people, pairing_copy, pairing_held");
            sql.execute("CREATE TABLE pairing_people (id int PRIMARY KEY, email text, card text)");
            sql.execute("INSERT INTO pairing_people VALUES (1, 'ada.lovelace@example.com', '4111 1111 1111 1111'),"
                    + " (2, 'grace.hopper@example.org', '4111 1111 1111 1111'),"
                    + " (3, 'alan.turing@example.net', '4111 1111 1111 1111')");
            sql.execute("DROP TABLE IF EXISTS pairing_codenames");
            sql.execute("CREATE TABLE pairing_codenames (id int, codename text)");
            sql.execute("INSERT INTO pairing_codenames VALUES (1, '" + CODENAME + "')");
            sql.execute("CREATE TABLE pairing_copy (id int)");
            sql.execute("CREATE TABLE pairing_held (id int)");
        }
        TestTarget.createRefusingTable("pairing_trigger");
        textcatOid = TestTarget.functionOid("textcat(text,text)");
        gateway = TestGateway.start(List.of(), POLICY);
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    @Test
    void aQueryPipelinedBehindAFailedExecuteIsSkippedAndTheNextQueryIsStillMasked() throws Exception {
        Set<String> earlier = aliceSessions();
        String session;
        try (RawPgClient client = alice()) {
            session = newSession(earlier);
            List<PgFrame> batch = client.exchange(List.of(execute("no_such_portal"), query("SELECT email FROM"
                    + " pairing_people WHERE id = 1"), sync()), 1);
            assertThat(types(batch)).as("the server skips the Query up to the Sync").isEqualTo("EZ");
            List<PgFrame> next = client.exchange(List.of(query(SELECT_ALL)), 1);
            assertThat(types(next)).isEqualTo("TDDDCZ");
            assertNothingClear(batch, next);
            assertThat(text(next)).contains("[EMAIL]", "[CARD]");
        }
        List<JsonNode> events = closedSessionEvents(session);
        assertThat(result(events, "").path("error").path("sqlstate").asText()).isEqualTo("34000");
        assertThat(result(events, "SELECT email FROM pairing_people WHERE id = 1").path("status").asText())
                .isEqualTo("skipped");
        assertMaskedResult(events, SELECT_ALL, 3);
    }

    @Test
    void aQueryInsideAnOpenBatchRunsThereAndEachResultKeepsItsOwnMasking() throws Exception {
        Set<String> earlier = aliceSessions();
        String session;
        try (RawPgClient client = alice()) {
            session = newSession(earlier);
            List<PgFrame> frames = client.exchange(List.of(parse("", SELECT_BY_ID), bind("", "", "1"), describePortal(""),
                    execute(""), query(SELECT_ALL), sync()), 2);
            assertThat(types(frames)).isEqualTo("12TDCTDDDCZZ");
            assertNothingClear(frames);
        }
        List<JsonNode> events = closedSessionEvents(session);
        assertMaskedResult(events, SELECT_BY_ID, 1);
        assertMaskedResult(events, SELECT_ALL, 3);
    }

    @Test
    void syncsWithNothingToSyncAnswerReadyForQueryEach() throws Exception {
        try (RawPgClient client = alice()) {
            assertThat(types(client.exchange(List.of(sync()), 1))).isEqualTo("Z");
            assertThat(types(client.exchange(List.of(sync(), sync(), flush(), sync()), 3))).isEqualTo("ZZZ");
            assertMaskedAfterwards(client);
        }
    }

    @Test
    void extendedMessagesThatFailSkipToTheSyncAndTheSessionStaysInStep() throws Exception {
        try (RawPgClient client = alice()) {
            // Execute before any Bind (the gateway's own Describe fails first, and the client sees that error).
            assertOrder(client, List.of(parse("", SELECT_BY_ID), execute(""), sync()), "1EZ");
            // Bind to a statement that does not exist.
            assertOrder(client, List.of(bind("", "no_such_statement"), execute(""), sync()), "EZ");
            // Describe of a portal that does not exist, then Execute of it.
            assertOrder(client, List.of(describePortal("no_such_portal"), execute("no_such_portal"), sync()), "EZ");
            // Close of names that do not exist is no error.
            assertOrder(client, List.of(closeStatement("nope"), closePortal("nope"), sync()), "33Z");
            // A Parse that fails: Bind, Execute and the Query behind it are skipped, the Sync answers.
            assertOrder(client, List.of(parse("", "SELEC email FROM pairing_people"), bind("", ""), execute(""),
                    query(SELECT_ALL), sync()), "EZ");
            // Double Sync after a completed batch.
            assertOrder(client, List.of(parse("", SELECT_BY_ID), bind("", "", "2"), execute(""), sync(), sync()), "12DCZZ");
            assertMaskedAfterwards(client);
        }
    }

    @Test
    void theGatewaysOwnDescribeIsAnsweredInvisiblyAndFlushOnlyPipelinesAreMasked() throws Exception {
        try (RawPgClient client = alice()) {
            client.sendBatch(List.of(parse("by_id", SELECT_BY_ID), bind("", "by_id", "3"), execute(""), flush()));
            List<PgFrame> flushed = client.readUntil(CommandComplete.TYPE, 1);
            assertThat(types(flushed)).as("no RowDescription the client did not ask for").isEqualTo("12DC");
            List<PgFrame> synced = client.exchange(List.of(sync()), 1);
            assertThat(types(synced)).isEqualTo("Z");
            List<PgFrame> paged = client.exchange(List.of(bind("p", "by_id", "1"), execute("p", 1), execute("p", 1),
                    sync()), 1);
            assertThat(types(paged)).isEqualTo("2DsCZ");
            assertNothingClear(flushed, synced, paged);
        }
    }

    @Test
    void aBlockedParseOrQueryFailsInPlaceAndWhatFollowsStaysMasked() throws Exception {
        try (RawPgClient client = alice()) {
            List<PgFrame> blockedParse = client.exchange(List.of(parse("", "DELETE FROM pairing_people"), bind("", ""),
                    execute(""), sync(), query(SELECT_ALL)), 2);
            assertThat(types(blockedParse)).isEqualTo("EZTDDDCZ");
            assertThat(error(blockedParse).sqlState()).isEqualTo("42501");
            List<PgFrame> blockedQuery = client.exchange(List.of(parse("", SELECT_BY_ID), bind("", "", "1"), execute(""),
                    query("DELETE FROM pairing_people"), sync()), 2);
            assertThat(types(blockedQuery)).as("a Query's error does not skip the batch's Sync").isEqualTo("12DCEZZ");
            assertThat(error(blockedQuery).sqlState()).isEqualTo("42501");
            assertNothingClear(blockedParse, blockedQuery);
        }
        try (Connection direct = TestTarget.direct(); Statement sql = direct.createStatement();
             ResultSet rs = sql.executeQuery("SELECT count(*) FROM pairing_people")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(3);
        }
    }

    @Test
    void messagesPipelinedBehindAHeldCommandWaitAndArePairedAfterTheDecision() throws Exception {
        try (RawPgClient client = alice()) {
            client.sendBatch(List.of(query("ALTER TABLE pairing_held ADD COLUMN IF NOT EXISTS note text"), query(SELECT_ALL)));
            gateway.gateway().approvals().deny(awaitPending().id(), DBA, "not now");
            List<PgFrame> denied = client.readUntil(ReadyForQuery.TYPE, 2);
            assertThat(types(denied)).isEqualTo("NEZTDDDCZ");
            client.sendBatch(List.of(parse("", "ALTER TABLE pairing_held ADD COLUMN IF NOT EXISTS note text"), bind("", ""),
                    execute(""), sync(), parse("", SELECT_BY_ID), bind("", "", "2"), execute(""), sync()));
            gateway.gateway().approvals().approve(awaitPending().id(), DBA, "fine", null);
            List<PgFrame> approved = client.readUntil(ReadyForQuery.TYPE, 2);
            assertThat(types(approved)).isEqualTo("N12CZ12DCZ");
            assertNothingClear(denied, approved);
        }
    }

    @Test
    void copyFromStdinThatFailsInEachWayLeavesTheSessionInStep() throws Exception {
        Set<String> earlier = aliceSessions();
        String session;
        try (RawPgClient client = alice()) {
            session = newSession(earlier);
            // Simple query, bad data: the error quotes the row, which holds an e-mail.
            List<PgFrame> simple = client.exchange(List.of(query("COPY pairing_copy FROM STDIN"),
                    copyData("ada.lovelace@example.com\n"), copyDone(), query(SELECT_ALL)), 2);
            assertThat(types(simple)).isEqualTo("GEZTDDDCZ");
            // Extended protocol, as libpq sends it: the Sync after Execute is swallowed by the COPY, and
            // after the bad row the server skips to the last Sync.
            List<PgFrame> dataError = client.exchange(List.of(parse("", "COPY pairing_copy FROM STDIN"), bind("", ""),
                    execute(""), sync(), copyData("grace.hopper@example.org\n"), copyDone(), sync(), query(SELECT_ALL)), 2);
            assertThat(types(dataError)).isEqualTo("12GEZTDDDCZ");
            // The same order, but a trigger fails before the COPY reads anything: both Syncs answer.
            List<PgFrame> triggerError = client.exchange(List.of(parse("", "COPY pairing_trigger FROM STDIN"), bind("", ""),
                    execute(""), sync(), copyData("1\n"), copyDone(), sync(), query(SELECT_ALL)), 3);
            assertThat(types(triggerError)).isEqualTo("12GEZZTDDDCZ");
            // The client gives up.
            List<PgFrame> copyFail = client.exchange(List.of(query("COPY pairing_copy FROM STDIN"), copyData("1\n"),
                    copyFail("client gave up"), query(SELECT_ALL)), 2);
            assertThat(types(copyFail)).isEqualTo("GEZTDDDCZ");
            // COPY messages outside any COPY are ignored by the server.
            List<PgFrame> stray = client.exchange(List.of(copyData("x\n"), copyDone(), copyFail("x"), query(SELECT_ALL)), 1);
            assertThat(types(stray)).isEqualTo("TDDDCZ");
            assertNothingClear(simple, dataError, triggerError, copyFail, stray);
        }
        List<JsonNode> events = closedSessionEvents(session);
        assertThat(result(events, "COPY pairing_copy FROM STDIN").path("error").path("message").asText())
                .doesNotContain("ada.lovelace");
    }

    /**
     * A COPY FROM STDIN reads the client's CopyData up to its CopyDone or CopyFail; CopyData sent
     * after that, before the next statement, reach no COPY (the server ignores them). Sent pipelined,
     * all before the server's CopyInResponse, the data the COPY read is what its result records, by
     * count and HMAC: before, the stray messages after CopyDone were counted into the COPY's
     * {@code copy.in}, so the evidence named data as loaded that never was; the same after CopyFail.
     * A Query holding two COPYs reads a block each, both its own: before, the second CopyDone was
     * taken for a repeat of the first and the session ended with 08P01.
     */
    @Test
    void pipelinedCopyDataAreRecordedWithTheCopyThatReadThemAndStrayOnesWithNone() throws Exception {
        Set<String> earlier = aliceSessions();
        String session;
        try (RawPgClient client = alice()) {
            session = newSession(earlier);
            List<PgFrame> loaded = client.exchange(List.of(query("COPY pairing_copy FROM STDIN"), copyData("71\n"),
                    copyDone(), copyData("72\n"), copyData("73\n"), query("SELECT count(*) FROM pairing_copy WHERE id > 70")), 2);
            assertThat(types(loaded)).isEqualTo("GCZTDCZ");
            assertThat(text(loaded)).contains("COPY 1");
            List<PgFrame> failed = client.exchange(List.of(query("COPY pairing_copy FROM STDIN"), copyData("74\n"),
                    copyFail("client gave up"), copyData("75\n"), query("SELECT 1")), 2);
            assertThat(types(failed)).isEqualTo("GEZTDCZ");
            List<PgFrame> twice = client.exchange(List.of(query("COPY pairing_copy FROM STDIN; COPY pairing_copy FROM STDIN"),
                    copyData("76\n"), copyDone(), copyData("77\n"), copyDone(), copyData("78\n")), 1);
            assertThat(types(twice)).as("a Query's two COPYs each read up to their own CopyDone").isEqualTo("GCGCZ");
            client.exchange(List.of(query("DELETE FROM pairing_copy WHERE id > 70")), 1);
        }
        List<JsonNode> events = closedSessionEvents(session);
        // The session's commands in order: COPY, SELECT count, COPY (CopyFail), SELECT 1, two COPYs, DELETE.
        long seq = events.stream().filter(e -> e.path("type").asText().equals("command")).findFirst().orElseThrow()
                .path("detail").path("seq").asLong();
        JsonNode first = resultOf(events, seq);
        assertThat(first.path("copy").path("in").path("messages").asLong()).isEqualTo(1);
        assertThat(first.path("copy").path("in").path("bytes").asLong()).isEqualTo(3);
        assertThat(first.path("copy").path("in").path("hmac").asText()).isEqualTo(maskingHmac("71\n"));
        JsonNode gaveUp = resultOf(events, seq + 2);
        assertThat(gaveUp.path("status").asText()).isEqualTo("error");
        assertThat(gaveUp.path("copy").path("in").path("messages").asLong()).as("the data before CopyFail").isEqualTo(1);
        assertThat(gaveUp.path("copy").path("in").path("hmac").asText()).isEqualTo(maskingHmac("74\n"));
        assertThat(resultOf(events, seq + 3).has("copy")).as("stray CopyData after a statement that opened no COPY").isFalse();
        JsonNode both = resultOf(events, seq + 4);
        assertThat(both.path("copy").path("in").path("messages").asLong()).isEqualTo(2);
        assertThat(both.path("copy").path("in").path("hmac").asText()).isEqualTo(maskingHmac("76\n77\n"));
    }

    private static JsonNode resultOf(List<JsonNode> events, long seq) {
        return events.stream().filter(e -> e.path("type").asText().equals("command.result")
                        && e.path("detail").path("seq").asLong() == seq)
                .findFirst().orElseThrow(() -> new AssertionError("no result for seq " + seq)).path("detail");
    }

    /** HMAC-SHA256 under the gateway's masking key, as {@code openssl dgst -sha256 -hmac "$(cat masking.key)"} computes it. */
    private static String maskingHmac(String data) throws Exception {
        String key = Files.readString(gateway.dataDir().resolve("keys").resolve("masking.key")).strip();
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal(data.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aQueryInsideCopyDataMakesTheServerEndTheSessionAndNothingLeaks() throws Exception {
        try (RawPgClient client = alice()) {
            List<PgFrame> frames = client.exchange(List.of(query("COPY pairing_copy FROM STDIN"), query(SELECT_ALL)), 1);
            assertThat(types(frames)).isEqualTo("GEE");
            assertThat(ErrorResponse.decode(frames.getLast().body()).severity()).isEqualTo("FATAL");
            assertThat(client.closedByPeer()).isTrue();
            assertNothingClear(frames);
        }
        assertOtherSessionsServed();
    }

    @Test
    void aFailedCopyWhoseSyncsLeaveTheServersChoiceOpenEndsTheSessionRatherThanGuess() throws Exception {
        Set<String> earlier = aliceSessions();
        String session;
        try (RawPgClient client = alice()) {
            session = newSession(earlier);
            // Whether the Query runs depends on whether the COPY read the first Sync before it
            // failed, which no message tells: the gateway refuses to guess.
            List<PgFrame> frames = client.exchange(List.of(parse("", "COPY pairing_trigger FROM STDIN"), bind("", ""),
                    execute(""), sync(), copyData("1\n"), copyDone(), query(SELECT_ALL), sync()), 3);
            ErrorResponse fatal = ErrorResponse.decode(frames.getLast().body());
            assertThat(fatal.severity()).isEqualTo("FATAL");
            assertThat(fatal.sqlState()).isEqualTo("08P01");
            assertThat(fatal.message()).contains("cannot tell which command");
            assertThat(client.closedByPeer()).isTrue();
            assertNothingClear(frames);
        }
        List<JsonNode> events = closedSessionEvents(session);
        assertThat(events.getLast().path("detail").path("reason").asText()).contains("cannot tell which command");
        assertOtherSessionsServed();
    }

    @Test
    void anExecuteIsRecordedWithTheStatementTheServerRunsOrTheSessionEnds() throws Exception {
        try (RawPgClient client = alice()) {
            // A closed name can be parsed again: the Execute is recorded with the new text.
            assertOrder(client, List.of(parse("s8", SELECT_ALL), sync(), closeStatement("s8"), sync(),
                    parse("s8", "SELECT 8"), bind("", "s8"), execute(""), sync()), "1Z3Z12DCZ");
        }
        // Parsing a name that exists fails and keeps the old statement, which the server then runs.
        assertEndsBeforeRows(List.of(parse("s9", SELECT_ALL), sync()), List.of(parse("s9", "SELECT 9"), sync()),
                "s9", "SELECT 9");
        // The same when what the server runs answers no rows at all.
        assertEndsBeforeRows(List.of(parse("s7", "SET application_name = 'pairing'"), sync()),
                List.of(parse("s7", "SELECT 7"), sync()), "s7", "SELECT 7");
        // A Parse skipped after an error leaves the previous unnamed statement in place.
        assertEndsBeforeRows(List.of(parse("", SELECT_ALL), sync()), List.of(execute("no_such_portal"),
                parse("", "SELECT 10"), sync()), "", "SELECT 10");
    }

    /** After {@code setUp} and {@code diverge}, Bind and Execute run a statement other than the one recorded. */
    private static void assertEndsBeforeRows(List<PgFrame> setUp, List<PgFrame> diverge, String statement, String recorded)
            throws Exception {
        Set<String> earlier = aliceSessions();
        String session;
        try (RawPgClient client = alice()) {
            session = newSession(earlier);
            List<PgFrame> frames = new ArrayList<>(client.exchange(setUp, 1));
            frames.addAll(client.exchange(diverge, 1));
            List<PgFrame> run = client.exchange(List.of(bind("", statement), execute(""), sync()), 1);
            assertThat(types(run)).as("nothing of the rows, then the gateway's FATAL error").isEqualTo("2E");
            ErrorResponse fatal = ErrorResponse.decode(run.getLast().body());
            assertThat(fatal.severity()).isEqualTo("FATAL");
            assertThat(fatal.message()).contains("another statement than the one the gateway recorded");
            assertNothingClear(frames, run);
        }
        assertThat(result(closedSessionEvents(session), recorded).path("status").asText()).isEqualTo("refused");
    }

    @Test
    void messagesTheServerNeverAnswersCannotPileUpInTheGateway() throws Exception {
        try (RawPgClient client = alice()) {
            // Flushes and stray COPY messages answer nothing and are not kept at all.
            List<PgFrame> ignored = new ArrayList<>();
            for (int i = 0; i < 50_000; i++) {
                ignored.add(flush());
                ignored.add(copyData("x"));
                ignored.add(i % 2 == 0 ? copyDone() : copyFail("x"));
            }
            client.sendBatch(ignored);
            assertMaskedAfterwards(client);
            // Messages skipped after an error are kept until the Sync: without one, there is a bound.
            client.sendBatch(List.of(execute("no_such_portal")));
            List<PgFrame> skipped = new ArrayList<>();
            for (int i = 0; i < 110_000; i++) {
                skipped.add(parse("", "SELECT 1"));
            }
            client.sendBatch(skipped);
            ErrorResponse error = client.readUntilError();
            assertThat(error.sqlState()).as(error.message()).isEqualTo("34000");
            ErrorResponse fatal = client.readUntilError();
            assertThat(fatal.severity()).isEqualTo("FATAL");
            assertThat(fatal.message()).contains("messages sent without the server's answer");
        }
        assertOtherSessionsServed();
    }

    @Test
    void fastPathCallsAreRefusedForAMaskedCallerAndSkippedAfterAFailedExecute() throws Exception {
        Set<String> earlier = aliceSessions();
        String session;
        try (RawPgClient client = alice()) {
            session = newSession(earlier);
            // A fast-path result never passes the result masker's column rules: refused, in step.
            List<PgFrame> call = client.exchange(List.of(functionCall(textcatOid, "ada.lovelace@", "example.com")), 1);
            assertThat(types(call)).isEqualTo("EZ");
            assertThat(text(call)).contains("fast-path function calls return values the gateway cannot mask");
            List<PgFrame> skipped = client.exchange(List.of(execute("no_such_portal"), functionCall(textcatOid, "x", "y"), sync()), 1);
            assertThat(types(skipped)).isEqualTo("EZ");
            assertNothingClear(call, skipped);
        }
        List<JsonNode> events = closedSessionEvents(session);
        List<String> statuses = events.stream().filter(e -> e.path("type").asText().equals("command.result"))
                .map(e -> e.path("detail").path("status").asText()).toList();
        assertThat(statuses).containsExactly("blocked", "error", "skipped");
    }

    @Test
    void aPortalReplacedInSqlIsDescribedAgainBeforeItsRowsAreMasked() throws Exception {
        try (RawPgClient client = alice()) {
            client.exchange(List.of(query("BEGIN")), 1);
            // The client binds and describes portal c: one computed column, which no rule masks.
            assertOrder(client, List.of(parse("", "SELECT 'harmless'::text AS v"), bind("c", ""), describePortal("c"),
                    execute("c"), sync()), "12TDCZ");
            // SQL closes c and declares a cursor of the same name over a protected column.
            assertOrder(client, List.of(query("CLOSE c; DECLARE c CURSOR FOR SELECT codename FROM pairing_codenames")),
                    "CCZ");
            List<PgFrame> fetched = client.exchange(List.of(execute("c"), sync()), 1);
            assertThat(types(fetched)).isEqualTo("DCZ");
            assertNothingClear(fetched);
            assertThat(text(fetched)).contains("[PERSON_NAME]");
            client.exchange(List.of(query("COMMIT")), 1);
        }
    }

    // ---- helpers

    private static RawPgClient alice() throws Exception {
        return RawPgClient.signedIn(gateway.port(), "alice", TestGateway.ALICE_TOKEN, "app");
    }

    private static void assertOrder(RawPgClient client, List<PgFrame> frames, String expected) throws Exception {
        List<PgFrame> received = client.exchange(frames, (int) expected.chars().filter(c -> c == 'Z').count());
        assertThat(types(received)).isEqualTo(expected);
        assertNothingClear(received);
    }

    private static void assertMaskedAfterwards(RawPgClient client) throws Exception {
        List<PgFrame> frames = client.exchange(List.of(query(SELECT_ALL)), 1);
        assertThat(types(frames)).isEqualTo("TDDDCZ");
        assertThat(text(frames)).contains("[EMAIL]");
        assertNothingClear(frames);
    }

    @SafeVarargs
    static void assertNothingClear(List<PgFrame>... received) {
        for (List<PgFrame> frames : received) {
            String text = text(frames);
            for (String clear : CLEAR) {
                assertThat(text).as("a masked caller received " + clear).doesNotContain(clear);
            }
        }
    }

    static String types(List<PgFrame> frames) {
        return frames.stream().map(f -> String.valueOf(f.typeChar())).collect(Collectors.joining());
    }

    static String text(List<PgFrame> frames) {
        StringBuilder text = new StringBuilder();
        frames.forEach(f -> text.append(new String(f.body(), StandardCharsets.UTF_8)).append('\n'));
        return text.toString();
    }

    private static ErrorResponse error(List<PgFrame> frames) throws Exception {
        for (PgFrame frame : frames) {
            if (frame.type() == ErrorResponse.TYPE) {
                return ErrorResponse.decode(frame.body());
            }
        }
        throw new AssertionError("no error among " + types(frames));
    }

    private static PendingApproval awaitPending() {
        return Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> gateway.gateway().approvals().pending().stream().findFirst().orElse(null), p -> p != null);
    }

    private static Set<String> aliceSessions() {
        return gateway.sessionIds("apikey:alice", "app");
    }

    private static String newSession(Set<String> earlier) {
        return gateway.newSession("apikey:alice", "app", earlier);
    }

    private static List<JsonNode> closedSessionEvents(String session) {
        return gateway.closedSessionEvents(session);
    }

    /** The command.result of the command whose recorded text is {@code text}. */
    private static JsonNode result(List<JsonNode> events, String text) {
        long seq = events.stream().filter(e -> e.path("type").asText().equals("command")
                        && e.path("detail").path("text").asText().equals(text))
                .findFirst().orElseThrow(() -> new AssertionError("no command " + text)).path("detail").path("seq").asLong();
        return events.stream().filter(e -> e.path("type").asText().equals("command.result")
                        && e.path("detail").path("seq").asLong() == seq)
                .findFirst().orElseThrow(() -> new AssertionError("no result for " + text)).path("detail");
    }

    /** The command ran, its rows were counted under it, and what was masked in them is recorded under it. */
    private static void assertMaskedResult(List<JsonNode> events, String text, int rows) {
        JsonNode result = result(events, text);
        assertThat(result.path("status").asText()).as(text).isEqualTo("ok");
        assertThat(result.path("rows").asLong()).as(text).isEqualTo(rows);
        long seq = result.path("seq").asLong();
        JsonNode masking = events.stream().filter(e -> e.path("type").asText().equals("masking.applied")
                && e.path("detail").path("seq").asLong() == seq).findFirst()
                .orElseThrow(() -> new AssertionError("no masking.applied for " + text)).path("detail");
        assertThat(masking.path("found").path("public.pairing_people.email").path("EMAIL").asLong()).isEqualTo(rows);
    }

    private static void assertOtherSessionsServed() throws Exception {
        try (RawPgClient other = alice()) {
            assertMaskedAfterwards(other);
        }
    }
}
