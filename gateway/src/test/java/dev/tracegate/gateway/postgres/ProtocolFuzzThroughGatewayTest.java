package dev.tracegate.gateway.postgres;

import static dev.tracegate.gateway.postgres.FrontendMessages.bind;
import static dev.tracegate.gateway.postgres.FrontendMessages.closePortal;
import static dev.tracegate.gateway.postgres.FrontendMessages.closeStatement;
import static dev.tracegate.gateway.postgres.FrontendMessages.copyData;
import static dev.tracegate.gateway.postgres.FrontendMessages.copyDone;
import static dev.tracegate.gateway.postgres.FrontendMessages.copyFail;
import static dev.tracegate.gateway.postgres.FrontendMessages.describePortal;
import static dev.tracegate.gateway.postgres.FrontendMessages.describeStatement;
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
import dev.tracegate.wire.postgres.PgFrame;
import dev.tracegate.wire.postgres.backend.DataRow;
import dev.tracegate.wire.postgres.backend.ErrorResponse;
import dev.tracegate.wire.postgres.backend.NoticeResponse;
import dev.tracegate.wire.postgres.backend.NotificationResponse;
import dev.tracegate.wire.postgres.backend.ParameterStatus;
import dev.tracegate.wire.postgres.backend.ReadyForQuery;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Random sequences of frontend messages, in valid and invalid orders, from a masked caller through
 * the gateway to a real PostgreSQL, each replayed straight to PostgreSQL as the reference. With
 * fixed seeds, so a failure names the seed and batch that reproduce it.
 *
 * <p>For every batch: no clear personal value reaches the client; the client receives the same
 * sequence of message types as the server sends without the gateway (the gateway neither loses,
 * invents nor reorders a response), or a prefix of it ended by the gateway's FATAL error; the
 * evidence pairs rows with the command that read them. Other sessions keep being served.
 */
class ProtocolFuzzThroughGatewayTest {

    private static final long SEEDS = 40;
    private static final int BATCHES = 4;
    private static final int MAX_MESSAGES = 9;
    /** What the gateway forwards in place of a blocked statement (ClientMessageRelay): it fails in the parser. */
    private static final String STAND_IN = "tracegate blocked this statement";
    private static final String POLICY = """
            defaults:
              action: allow
            masking:
              profiles:
                personal-data:
                  columns:
                    - {match: fuzz_people.email, entity: email, strategy: redact}
            rules:
              - name: no-bulk-writes
                classes: [bulk_write]
                action: block
                reason: no bulk writes
              - name: fast-path-allowed
                classes: [unknown]
                action: allow
              - name: mask-personal-data
                exceptGroups: [admins]
                mask: personal-data
            """;
    private static final List<String> CLEAR = List.of("ada.lovelace@example.com", "grace.hopper@example.org",
            "alan.turing@example.net", "ada.lovelace", "grace.hopper", "alan.turing");
    private static final String READ_ALL = "SELECT id, email FROM fuzz_people ORDER BY id";
    private static final String READ_ONE = "SELECT email FROM fuzz_people WHERE id = $1";
    private static final String READ_TWO = "SELECT email FROM fuzz_people WHERE id = 2";
    /** Commands whose rows are e-mails, one per row: the evidence must count one masked EMAIL per row. */
    private static final Set<String> EMAIL_READS = Set.of(READ_ALL, READ_ONE, READ_TWO);

    private static TestGateway gateway;
    private static int textcatOid;

    /** One frontend message: what the masked client sends, and what the reference sends straight to PostgreSQL. */
    private record Message(String name, PgFrame toGateway, PgFrame toServer) {
        static Message same(String name, PgFrame frame) {
            return new Message(name, frame, frame);
        }
    }

    @BeforeAll
    static void start() throws SQLException {
        try (Connection direct = TestTarget.direct(); Statement sql = direct.createStatement()) {
            sql.execute("DROP TABLE IF EXISTS fuzz_people, fuzz_copy");
            sql.execute("CREATE TABLE fuzz_people (id int PRIMARY KEY, email text)");
            sql.execute("INSERT INTO fuzz_people VALUES (1, 'ada.lovelace@example.com'), (2, 'grace.hopper@example.org'),"
                    + " (3, 'alan.turing@example.net')");
            sql.execute("CREATE TABLE fuzz_copy (id int)");
        }
        TestTarget.createRefusingTable("fuzz_refusing");
        textcatOid = TestTarget.functionOid("textcat(text,text)");
        gateway = TestGateway.start(List.of(), POLICY);
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    @Test
    void randomMessageOrdersStayInStepOrEndTheSessionAndNeverLeak() throws Exception {
        try (RawPgClient bystander = alice()) {
            for (long seed = 1; seed <= SEEDS; seed++) {
                runSeed(seed);
                List<PgFrame> served = bystander.exchange(List.of(query(READ_TWO)), 1);
                assertThat(ProtocolPairingThroughGatewayTest.text(served)).as("seed " + seed + ": the bystander is served")
                        .contains("[EMAIL]");
                ProtocolPairingThroughGatewayTest.assertNothingClear(served);
            }
        }
    }

    private void runSeed(long seed) throws Exception {
        Random random = new Random(seed);
        List<List<Message>> batches = new ArrayList<>();
        for (int b = 0; b < BATCHES; b++) {
            batches.add(random.nextBoolean() ? randomBatch(random) : mutated(wellFormedBatch(random), random));
        }
        List<List<PgFrame>> reference = replay(batches, Message::toServer, direct());
        Set<String> earlier = gateway.sessionIds("apikey:alice", "app");
        List<List<PgFrame>> through;
        String session;
        try (RawPgClient client = alice()) {
            session = gateway.newSession("apikey:alice", "app", earlier);
            through = replay(batches, Message::toGateway, client);
        }
        for (int b = 0; b < through.size(); b++) {
            String where = "seed " + seed + ", batch " + b + " " + batches.get(b).stream().map(Message::name).toList();
            ProtocolPairingThroughGatewayTest.assertNothingClear(through.get(b));
            assertInStep(where, types(reference.get(b)), through.get(b));
        }
        assertEvidencePairsRows("seed " + seed, gateway.closedSessionEvents(session));
    }

    /** Sends each batch, then a probe that gets any session back to idle, and reads up to the probe's answer. */
    private static List<List<PgFrame>> replay(List<List<Message>> batches, Function<Message, PgFrame> side,
                                              RawPgClient client) throws Exception {
        List<List<PgFrame>> received = new ArrayList<>();
        try (client) {
            for (int b = 0; b < batches.size(); b++) {
                List<PgFrame> frames = new ArrayList<>(batches.get(b).stream().map(side).toList());
                // CopyDone ends a COPY FROM STDIN left open (and is ignored otherwise); Sync ends skipping.
                frames.add(copyDone());
                frames.add(sync());
                frames.add(query("ROLLBACK; SELECT 'probe-" + b + "'"));
                client.sendBatch(frames);
                List<PgFrame> answer = readThroughProbe(client, "probe-" + b);
                received.add(answer);
                if (!answer.isEmpty() && answer.getLast().type() != ReadyForQuery.TYPE) {
                    break;
                }
            }
        }
        return received;
    }

    private static List<PgFrame> readThroughProbe(RawPgClient client, String probe) throws Exception {
        List<PgFrame> frames = new ArrayList<>();
        boolean probed = false;
        while (true) {
            PgFrame frame;
            try {
                frame = client.read();
            } catch (java.io.EOFException e) {
                frame = null;
            }
            if (frame == null) {
                return frames;
            }
            frames.add(frame);
            probed |= frame.type() == DataRow.TYPE && new String(frame.body(), StandardCharsets.UTF_8).contains(probe);
            if (probed && frame.type() == ReadyForQuery.TYPE) {
                return frames;
            }
        }
    }

    /**
     * The same responses as without the gateway, in the same order (messages that may come at any
     * time left out); or the same up to a FATAL error of the gateway's, which ends the session.
     */
    private static void assertInStep(String where, String reference, List<PgFrame> frames) throws Exception {
        String through = types(frames);
        if (through.equals(reference)) {
            return;
        }
        assertThat(frames).as(where + ": got " + through + ", PostgreSQL alone answers " + reference).isNotEmpty();
        PgFrame last = frames.getLast();
        assertThat(last.type()).as(where + ": got " + through + ", PostgreSQL alone answers " + reference)
                .isEqualTo(ErrorResponse.TYPE);
        ErrorResponse error = ErrorResponse.decode(last.body());
        assertThat(error.severity()).as(where).isEqualTo("FATAL");
        assertThat(error.message()).as(where).startsWith("tracegate:");
        assertThat(reference).as(where + ": what came before the gateway's FATAL error").startsWith(
                through.substring(0, through.length() - 1));
    }

    /**
     * Rows are recorded under the command that read them: a command reading e-mails has one masked
     * EMAIL per row counted under its own seq, and no other command has e-mails of that column.
     */
    private static void assertEvidencePairsRows(String where, List<JsonNode> events) {
        Map<Long, String> texts = new HashMap<>();
        Map<Long, Long> emailsMasked = new HashMap<>();
        Map<Long, Integer> results = new HashMap<>();
        for (JsonNode event : events) {
            JsonNode detail = event.path("detail");
            long seq = detail.path("seq").asLong();
            switch (event.path("type").asText()) {
                case "command" -> texts.put(seq, detail.path("text").asText());
                case "masking.applied" -> {
                    if (detail.has("seq")) {
                        emailsMasked.merge(seq, detail.path("found").path("public.fuzz_people.email").path("EMAIL").asLong(),
                                Long::sum);
                    }
                }
                case "command.result" -> {
                    results.merge(seq, 1, Integer::sum);
                    String text = texts.get(seq);
                    assertThat(text).as(where + ": a result for a command never recorded, seq " + seq).isNotNull();
                    long rows = detail.path("rows").asLong();
                    long emails = emailsMasked.getOrDefault(seq, 0L);
                    if (EMAIL_READS.contains(text) && Set.of("ok", "suspended").contains(detail.path("status").asText())) {
                        assertThat(emails).as(where + ": e-mails masked for " + text + " with " + rows + " rows").isEqualTo(rows);
                    } else {
                        assertThat(emails).as(where + ": e-mails counted under " + text).isZero();
                    }
                }
                default -> {
                    // Session bounds and blocks say nothing about rows.
                }
            }
        }
        assertThat(results.values()).as(where + ": one result per command").allMatch(count -> count == 1);
    }

    private static String types(List<PgFrame> frames) {
        StringBuilder types = new StringBuilder();
        for (PgFrame frame : frames) {
            byte type = frame.type();
            if (type != NoticeResponse.TYPE && type != NotificationResponse.TYPE && type != ParameterStatus.TYPE) {
                types.append(frame.typeChar());
            }
        }
        return types.toString();
    }

    // ---- the messages

    /** Any messages in any order. */
    private List<Message> randomBatch(Random random) {
        List<Message> batch = new ArrayList<>();
        int count = 1 + random.nextInt(MAX_MESSAGES);
        for (int i = 0; i < count; i++) {
            batch.add(randomMessage(random));
        }
        return batch;
    }

    /** What drivers send: extended-protocol batches, pipelines of them, simple queries, COPY FROM STDIN both ways. */
    private List<Message> wellFormedBatch(Random random) {
        List<Message> batch = new ArrayList<>();
        int parts = 1 + random.nextInt(3);
        for (int part = 0; part < parts; part++) {
            switch (random.nextInt(5)) {
                case 0, 1 -> {
                    String statement = pick(random, "", "s1");
                    String portal = pick(random, "", "p1");
                    String sql = pick(random, READ_ONE, READ_ALL, "SELECT 1", READ_ONE);
                    batch.add(Message.same("Parse " + statement + " " + sql, parse(statement, sql)));
                    batch.add(Message.same("Bind " + portal + " " + statement, sql.equals(READ_ONE)
                            ? bind(portal, statement, pick(random, "1", "3")) : bind(portal, statement)));
                    if (random.nextBoolean()) {
                        batch.add(Message.same("Describe portal " + portal, describePortal(portal)));
                    }
                    int rows = random.nextInt(3) == 0 ? 1 : 0;
                    batch.add(Message.same("Execute " + portal + " max " + rows, execute(portal, rows)));
                    if (rows == 1) {
                        batch.add(Message.same("Execute " + portal, execute(portal, 0)));
                    }
                    batch.add(random.nextInt(4) == 0 ? Message.same("Flush", flush()) : Message.same("Sync", sync()));
                }
                case 2 -> batch.add(Message.same("Query " + READ_ALL, query(READ_ALL)));
                case 3 -> {
                    boolean extended = random.nextBoolean();
                    String table = pick(random, "fuzz_copy", "fuzz_copy", "fuzz_refusing");
                    if (extended) {
                        batch.add(Message.same("Parse COPY " + table, parse("", "COPY " + table + " FROM STDIN")));
                        batch.add(Message.same("Bind", bind("", "")));
                        batch.add(Message.same("Execute COPY", execute("")));
                        batch.add(Message.same("Sync", sync()));
                    } else {
                        batch.add(Message.same("Query COPY " + table, query("COPY " + table + " FROM STDIN")));
                    }
                    for (int row = random.nextInt(3); row > 0; row--) {
                        String data = pick(random, "7\n", "8\n", "x\n");
                        batch.add(Message.same("CopyData " + data.strip(), copyData(data)));
                    }
                    batch.add(random.nextInt(4) == 0 ? Message.same("CopyFail", copyFail("gave up"))
                            : Message.same("CopyDone", copyDone()));
                    if (extended) {
                        batch.add(Message.same("Sync", sync()));
                    }
                }
                default -> batch.add(refusedFunctionCall());
            }
        }
        return batch;
    }

    /** A well-formed batch with a few messages dropped, duplicated, swapped or inserted. */
    private List<Message> mutated(List<Message> batch, Random random) {
        List<Message> out = new ArrayList<>(batch);
        for (int mutations = random.nextInt(3); mutations > 0 && !out.isEmpty(); mutations--) {
            int at = random.nextInt(out.size());
            switch (random.nextInt(4)) {
                case 0 -> out.remove(at);
                case 1 -> out.add(at, out.get(at));
                case 2 -> {
                    if (at + 1 < out.size()) {
                        out.add(at + 1, out.remove(at));
                    }
                }
                default -> out.add(at, randomMessage(random));
            }
        }
        return out;
    }

    private Message randomMessage(Random random) {
        return switch (random.nextInt(20)) {
            case 0 -> Message.same("Query " + READ_ALL, query(READ_ALL));
            case 1 -> Message.same("Query " + READ_TWO, query(READ_TWO));
            case 2 -> Message.same("Query with an error in the middle", query("SELECT 1; SELECT 1/0; SELECT 2"));
            case 3 -> Message.same("Query of nothing", query(random.nextBoolean() ? "" : "SELEC 1"));
            case 4 -> {
                String sql = pick(random, "BEGIN", "COMMIT", "LISTEN fz");
                yield Message.same("Query " + sql, query(sql));
            }
            // Computed from a protected column: the lineage check refuses it, as a blocked statement.
            case 5 -> random.nextBoolean()
                    ? new Message("Query notify e-mails (refused)",
                            query("SELECT pg_notify('fz', e) FROM (SELECT email AS e FROM fuzz_people) s"), query(STAND_IN))
                    : Message.same("Query notify a literal e-mail", query("SELECT pg_notify('fz', 'ada.lovelace@example.com')"));
            case 6 -> blocked(random);
            case 7 -> Message.same("Query COPY FROM STDIN", query("COPY fuzz_copy FROM STDIN"));
            case 8 -> {
                String sql = pick(random, READ_ONE, READ_ALL, "SELECT 1", "SELEC 1", "COPY fuzz_copy FROM STDIN");
                String name = pick(random, "", "s1");
                yield Message.same("Parse " + name + " " + sql, parse(name, sql));
            }
            case 9, 10 -> {
                String portal = pick(random, "", "p1");
                String statement = pick(random, "", "s1", "nope");
                String parameter = pick(random, "1", "2", "x");
                yield Message.same("Bind " + portal + " " + statement + " (" + parameter + ")",
                        random.nextBoolean() ? bind(portal, statement, parameter) : bind(portal, statement));
            }
            case 11, 12 -> {
                String portal = pick(random, "", "p1", "nope");
                int rows = random.nextInt(3) == 0 ? 1 : 0;
                yield Message.same("Execute " + portal + " max " + rows, execute(portal, rows));
            }
            case 13 -> random.nextBoolean()
                    ? Message.same("Describe portal", describePortal(pick(random, "", "p1", "nope")))
                    : Message.same("Describe statement", describeStatement(pick(random, "", "s1", "nope")));
            case 14 -> random.nextBoolean()
                    ? Message.same("Close portal", closePortal(pick(random, "", "p1")))
                    : Message.same("Close statement", closeStatement(pick(random, "", "s1")));
            case 15 -> Message.same("Sync", sync());
            case 16 -> Message.same("Flush", flush());
            case 17 -> {
                String row = pick(random, "7\n", "x\n", "ada.lovelace@example.com\n");
                yield Message.same("CopyData " + row.strip(), copyData(row));
            }
            case 18 -> random.nextBoolean() ? Message.same("CopyDone", copyDone())
                    : Message.same("CopyFail", copyFail("fuzz gave up"));
            // Fast-path calls are refused for masked callers: the gateway sends a call of no function instead.
            default -> refusedFunctionCall();
        };
    }

    /** Fast-path calls are refused for masked callers: the gateway sends a call of no function (OID 0) instead. */
    private static Message refusedFunctionCall() {
        return new Message("FunctionCall textcat (refused)", functionCall(textcatOid, "ada.lovelace@", "example.com"),
                new dev.tracegate.wire.postgres.frontend.FunctionCall(0, new short[0], new byte[0][], (short) 0).encode());
    }

    /** A statement the policy blocks: PostgreSQL alone is sent the gateway's failing stand-in, so both answer alike. */
    private static Message blocked(Random random) {
        String sql = pick(random, "DELETE FROM fuzz_people", "COPY fuzz_people TO STDOUT");
        if (random.nextBoolean()) {
            return new Message("Query blocked " + sql, query(sql), query(STAND_IN));
        }
        String name = pick(random, "", "s1");
        return new Message("Parse blocked " + sql, parse(name, sql), parse(name, STAND_IN));
    }

    private static String pick(Random random, String... options) {
        return options[random.nextInt(options.length)];
    }

    private static RawPgClient alice() throws Exception {
        return RawPgClient.signedIn(gateway.port(), "alice", TestGateway.ALICE_TOKEN, "app");
    }

    /** Straight to PostgreSQL, as the same kind of role the gateway logs in with (a superuser). */
    private static RawPgClient direct() throws Exception {
        RawPgClient client = new RawPgClient(TestTarget.port());
        client.startup(3, 0, Map.of("user", TestTarget.TRUST_USER, "database", TestTarget.DATABASE));
        client.readUntil(ReadyForQuery.TYPE, 1);
        return client;
    }
}
