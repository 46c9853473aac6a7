package dev.tracegate.gateway.postgres;

import static dev.tracegate.gateway.postgres.FrontendMessages.bind;
import static dev.tracegate.gateway.postgres.FrontendMessages.execute;
import static dev.tracegate.gateway.postgres.FrontendMessages.parse;
import static dev.tracegate.gateway.postgres.FrontendMessages.query;
import static dev.tracegate.gateway.postgres.FrontendMessages.sync;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tracegate.gateway.TestGateway;
import dev.tracegate.gateway.TestTarget;
import dev.tracegate.wire.postgres.PgFrame;
import dev.tracegate.wire.postgres.backend.ErrorResponse;
import dev.tracegate.wire.postgres.backend.NoticeResponse;
import dev.tracegate.wire.postgres.backend.NotificationResponse;
import dev.tracegate.wire.postgres.backend.ParameterStatus;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * Everything the server says besides rows, to a masked caller: NOTIFY payloads and channels (from
 * the caller's own session and from others, inside a command or while idle), every text field of
 * errors and notices, reported parameter values. Each reaches alice (masked) with personal data
 * masked, and admin (exempt) in clear; the evidence says what was masked, never the value.
 */
class ServerMessagesMaskingThroughGatewayTest {

    private static final String POLICY = """
            defaults:
              action: allow
            masking:
              profiles:
                personal-data:
                  columns:
                    - {match: notify_people.email, entity: email, strategy: redact}
                    - {match: trigger_people.name, entity: person_name, strategy: redact}
            rules:
              - name: functions-allowed
                classes: [unknown]
                action: allow
              - name: mask-personal-data
                exceptGroups: [admins]
                mask: personal-data
            """;
    private static final String ADA = "ada.lovelace@example.com";
    private static final String GRACE = "grace.hopper@example.org";
    private static final String HEDY = "Hedy Lamarr";
    private static final List<String> CLEAR = List.of(ADA, GRACE, "ada.lovelace", "grace.hopper", HEDY, "Hedy");

    private static TestGateway gateway;

    @BeforeAll
    static void start() throws SQLException {
        try (Connection direct = TestTarget.direct(); Statement sql = direct.createStatement()) {
            sql.execute("DROP TABLE IF EXISTS notify_people, notify_checked, notify_defaulted, notify_triggered,"
                    + " trigger_people");
            sql.execute("CREATE TABLE notify_people (id int PRIMARY KEY, email text)");
            sql.execute("INSERT INTO notify_people VALUES (1, '" + ADA + "'), (2, '" + GRACE + "')");
            // An object named after personal data: its name comes back in the error's constraint field.
            sql.execute("CREATE TABLE notify_checked (id int CONSTRAINT \"" + ADA + "\" CHECK (id > 0))");
            sql.execute("CREATE OR REPLACE FUNCTION notify_cast_first_email() RETURNS int LANGUAGE plpgsql AS $$"
                    + " DECLARE r int; BEGIN EXECUTE format('SELECT %L::int', (SELECT email FROM notify_people WHERE id = 1))"
                    + " INTO r; RETURN r; END $$");
            // The function runs as a column default: the caller's statement names no function and no protected column.
            sql.execute("CREATE TABLE notify_defaulted (id int, v int DEFAULT notify_cast_first_email())");
            // A trigger that stores nothing, whose function fails on a protected value: it runs for a masked caller.
            sql.execute("CREATE OR REPLACE FUNCTION notify_first_email_as_int() RETURNS int LANGUAGE plpgsql AS $$"
                    + " BEGIN RETURN (SELECT email FROM notify_people WHERE id = 1)::int; END $$");
            sql.execute("CREATE OR REPLACE FUNCTION notify_check_first_email() RETURNS trigger LANGUAGE plpgsql AS $$"
                    + " BEGIN PERFORM notify_first_email_as_int(); RETURN NEW; END $$");
            sql.execute("CREATE TABLE notify_triggered (id int)");
            sql.execute("CREATE TRIGGER notify_triggered_check BEFORE INSERT ON notify_triggered FOR EACH ROW"
                    + " EXECUTE FUNCTION notify_check_first_email()");
            // Triggers that quote the row they fire on: the caller's write names no protected column.
            sql.execute("CREATE TABLE trigger_people (id int PRIMARY KEY, name text, status text)");
            sql.execute("INSERT INTO trigger_people VALUES (1, '" + HEDY + "', 'new')");
            sql.execute("CREATE OR REPLACE FUNCTION trigger_people_said() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                    + " IF TG_OP = 'DELETE' THEN RAISE EXCEPTION 'people are never deleted: %', OLD.name"
                    + " USING DETAIL = 'row ' || OLD.name, HINT = OLD.name; END IF;"
                    + " RAISE NOTICE 'status of % changed', NEW.name; RETURN NEW; END $$");
            sql.execute("CREATE TRIGGER trigger_people_said BEFORE UPDATE OR DELETE ON trigger_people"
                    + " FOR EACH ROW EXECUTE FUNCTION trigger_people_said()");
            // A deferred constraint trigger speaks at COMMIT, a statement that names no table at all.
            sql.execute("CREATE OR REPLACE FUNCTION trigger_people_committed() RETURNS trigger LANGUAGE plpgsql AS $$"
                    + " BEGIN RAISE WARNING 'committed %', NEW.name; RETURN NULL; END $$");
            sql.execute("CREATE CONSTRAINT TRIGGER trigger_people_committed AFTER UPDATE ON trigger_people"
                    + " DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION trigger_people_committed()");
        }
        gateway = TestGateway.start(List.of(), POLICY);
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    /**
     * A masked caller cannot compute a notification from a protected column (the lineage check
     * refuses {@code pg_notify('tg', string_agg(email, ','))}), and a payload, which no statement of
     * the caller's may have computed (a trigger's {@code pg_notify('people', NEW.name)}), is withheld.
     */
    @Test
    void aNotifyInTheCallersOwnSessionArrivesWithItsPayloadWithheld() throws Exception {
        Set<String> earlier = gateway.sessionIds("apikey:alice", "app");
        String session;
        try (RawPgClient alice = alice()) {
            session = gateway.newSession("apikey:alice", "app", earlier);
            List<PgFrame> frames = alice.exchange(List.of(query("LISTEN tg"),
                    query("SELECT pg_notify('tg', '" + ADA + "," + GRACE + "')")), 2);
            NotificationResponse notification = notification(frames);
            assertThat(notification.channel()).isEqualTo("tg");
            assertThat(notification.payload()).startsWith("tracegate: payload withheld").contains("(rule ");
            assertNothingClear(frames);
        }
        JsonNode masked = maskedOutsideCommands(session);
        assertThat(masked.path("found").path("notification").path("WITHHELD").asLong()).isEqualTo(1);
        assertThat(masked.toString()).doesNotContain("ada.lovelace");
    }

    @Test
    void aNotifyFromAnotherSessionReachesAMaskedListenerWithheldEvenWhileItIsIdle() throws Exception {
        try (RawPgClient alice = alice(); Connection admin = admin(); Connection adminListener = admin()) {
            alice.exchange(List.of(query("LISTEN \"" + GRACE + "\""), query("LISTEN orders")), 2);
            adminListener.createStatement().execute("LISTEN orders");
            try (Statement sql = admin.createStatement()) {
                sql.execute("NOTIFY orders, 'new order from " + ADA + "'");
                sql.execute("SELECT pg_notify('" + GRACE + "', 'card holder " + GRACE + "')");
                sql.execute("NOTIFY orders, 'Hedy Lamarr'"); // a name: no detector finds one
            }
            // Nothing asked: the notifications arrive while alice's session is idle.
            List<PgFrame> idle = alice.readUntil(NotificationResponse.TYPE, 3);
            assertThat(idle).extracting(f -> decodeNotification(f).payload())
                    .allSatisfy(payload -> assertThat(payload).startsWith("tracegate: payload withheld"))
                    .noneMatch(payload -> payload.contains("Hedy") || payload.contains("order"));
            assertThat(decodeNotification(idle.get(1)).channel()).isEqualTo("[EMAIL]");
            assertNothingClear(idle);
            assertThat(notifications(adminListener, 2)).extracting(PGNotification::getParameter)
                    .containsExactly("new order from " + ADA, "Hedy Lamarr");
        }
    }

    @Test
    void everyTextFieldOfAnErrorIsMaskedTheInternalQueryAndConstraintNameIncluded() throws Exception {
        try (RawPgClient alice = alice()) {
            // A column default stores what its function computes: code of the database that reads protected
            // data and may hand it back is refused before it runs (docs/masking.md, "Code in the database").
            List<PgFrame> defaulted = alice.exchange(List.of(query("INSERT INTO notify_defaulted (id) VALUES (1)")), 1);
            assertThat(error(defaulted).sqlState()).isEqualTo("42501");
            List<PgFrame> cast = alice.exchange(List.of(query("INSERT INTO notify_triggered (id) VALUES (1)")), 1);
            ErrorResponse error = error(cast);
            assertThat(error.sqlState()).isEqualTo("22P02");
            // Raised inside a function (a trigger's, which stores nothing): its internal query and its
            // message, which quoted the e-mail, are withheld whole, not only scanned.
            assertThat(error.field(ErrorResponse.INTERNAL_QUERY)).as("the internal query").isNull();
            assertThat(error.message()).startsWith("tracegate: message withheld (SQLSTATE 22P02");
            List<PgFrame> check = alice.exchange(List.of(query("INSERT INTO notify_checked VALUES (-1)")), 1);
            assertThat(error(check).field(ErrorResponse.CONSTRAINT)).isEqualTo("[EMAIL]");
            // A Bind's error answers no command of the caller's own: the session's masking applies.
            List<PgFrame> bound = alice.exchange(List.of(parse("", "SELECT $1::int"), bind("", "", ADA), execute(""),
                    sync()), 1);
            // Its context quotes the parameter (unnamed portal parameter $1 = '...'): withheld whole.
            assertThat(error(bound).message()).startsWith("tracegate: message withheld (SQLSTATE 22P02");
            assertNothingClear(defaulted, cast, check, bound);
        }
        try (Connection admin = admin(); Statement sql = admin.createStatement()) {
            try {
                sql.execute("SELECT notify_cast_first_email()");
                throw new AssertionError("the cast should fail");
            } catch (org.postgresql.util.PSQLException e) {
                assertThat(e.getServerErrorMessage().getInternalQuery()).as("admin is exempt").contains(ADA);
            }
        }
    }

    /**
     * A trigger's RAISE quotes the row it fires on ({@code RAISE NOTICE 'status of % changed',
     * NEW.name}); the caller's {@code UPDATE trigger_people SET status = ...} names no protected
     * column, and a name has no shape a detector finds, so the texts of every notice and error
     * raised inside code of the database reach a masked caller withheld: the notice of a row
     * trigger, the error of a DELETE refused by one, and the warning of a deferred trigger at COMMIT.
     */
    @Test
    void aTriggersNoticesAndErrorsReachAMaskedCallerWithTheirTextsWithheld() throws Exception {
        try (RawPgClient alice = alice()) {
            List<PgFrame> updated = alice.exchange(List.of(query("BEGIN"),
                    query("UPDATE trigger_people SET status = 'seen' WHERE id = 1"), query("COMMIT")), 3);
            List<NoticeResponse> notices = notices(updated);
            assertThat(notices.size()).as("the row trigger's notice and the deferred trigger's warning").isEqualTo(2);
            for (NoticeResponse notice : notices) {
                assertThat(notice.message()).startsWith("tracegate: message withheld");
                for (char dropped : new char[] {'D', 'H', 'W', 'q'}) {
                    assertThat(notice.field(dropped)).as("field " + dropped).isNull();
                }
            }
            assertThat(ProtocolPairingThroughGatewayTest.text(updated)).contains("UPDATE 1", "COMMIT");
            List<PgFrame> deleted = alice.exchange(List.of(query("DELETE FROM trigger_people WHERE id = 1")), 1);
            ErrorResponse error = error(deleted);
            assertThat(error.sqlState()).isEqualTo("P0001");
            assertThat(error.message()).startsWith("tracegate: message withheld");
            assertNothingClear(updated, deleted);
        }
        try (Connection admin = admin(); Statement sql = admin.createStatement()) {
            sql.execute("UPDATE trigger_people SET status = 'seen again' WHERE id = 1");
            java.sql.SQLWarning warning = sql.getWarnings();
            assertThat(warning == null ? null : warning.getMessage()).as("admin is exempt").contains(HEDY);
        }
    }

    @Test
    void aReportedParameterValueIsMasked() throws Exception {
        try (RawPgClient alice = alice()) {
            List<PgFrame> frames = alice.exchange(List.of(query("SET application_name = '" + ADA + "'")), 1);
            ParameterStatus reported = frames.stream().filter(f -> f.type() == ParameterStatus.TYPE)
                    .map(f -> decodeStatus(f)).filter(p -> p.name().equals("application_name")).findFirst().orElseThrow();
            assertThat(reported.value()).isEqualTo("[EMAIL]");
            assertNothingClear(frames);
        }
    }

    @Test
    void aFatalErrorWhileIdleIsForwardedAndEndsOnlyThatSession() throws Exception {
        try (RawPgClient alice = RawPgClient.signedIn(gateway.port(), "alice", TestGateway.ALICE_TOKEN, "app",
                java.util.Map.of("application_name", "tracegate-terminated")); RawPgClient other = alice()) {
            try (Connection direct = TestTarget.direct(); Statement sql = direct.createStatement()) {
                sql.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                        + " WHERE application_name = 'tracegate-terminated'");
            }
            List<PgFrame> idle = alice.readUntil(ErrorResponse.TYPE, 1);
            ErrorResponse fatal = error(idle);
            assertThat(fatal.severity()).isEqualTo("FATAL");
            assertThat(fatal.sqlState()).isEqualTo("57P01");
            assertThat(alice.closedByPeer()).isTrue();
            List<PgFrame> served = other.exchange(List.of(query("SELECT email FROM notify_people WHERE id = 1")), 1);
            assertThat(ProtocolPairingThroughGatewayTest.text(served)).contains("[EMAIL]");
        }
    }

    // ---- helpers

    private static RawPgClient alice() throws Exception {
        return RawPgClient.signedIn(gateway.port(), "alice", TestGateway.ALICE_TOKEN, "app");
    }

    /**
     * The notifications a listener has received, waiting up to ten seconds for {@code count} of them:
     * pgjdbc hands back what has arrived as soon as one has, and the second may still be on its way.
     */
    private static List<PGNotification> notifications(Connection listener, int count) throws SQLException {
        List<PGNotification> received = new ArrayList<>();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (received.size() < count && System.nanoTime() < deadline) {
            long leftMillis = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
            PGNotification[] arrived = listener.unwrap(PGConnection.class).getNotifications((int) leftMillis);
            if (arrived != null) {
                received.addAll(List.of(arrived));
            }
        }
        return received;
    }

    private static Connection admin() throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", "admin");
        props.setProperty("password", TestGateway.ADMIN_TOKEN);
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + gateway.port() + "/app?sslmode=require", props);
    }

    private static void assertNothingClear(List<PgFrame> frames) {
        ProtocolPairingThroughGatewayTest.assertNothingClear(frames);
        String text = ProtocolPairingThroughGatewayTest.text(frames);
        for (String clear : CLEAR) {
            assertThat(text).as("a masked caller received " + clear).doesNotContain(clear);
        }
    }

    @SafeVarargs
    private static void assertNothingClear(List<PgFrame>... received) {
        for (List<PgFrame> frames : received) {
            assertNothingClear(frames);
        }
    }

    private static NotificationResponse notification(List<PgFrame> frames) {
        return decodeNotification(frames.stream().filter(f -> f.type() == NotificationResponse.TYPE).findFirst()
                .orElseThrow(() -> new AssertionError("no notification among " + ProtocolPairingThroughGatewayTest.types(frames))));
    }

    private static NotificationResponse decodeNotification(PgFrame frame) {
        try {
            return NotificationResponse.decode(frame.body());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static ErrorResponse error(List<PgFrame> frames) throws Exception {
        for (PgFrame frame : frames) {
            if (frame.type() == ErrorResponse.TYPE) {
                return ErrorResponse.decode(frame.body());
            }
        }
        throw new AssertionError("no error among " + ProtocolPairingThroughGatewayTest.types(frames) + ": "
                + new String(frames.getFirst().body(), StandardCharsets.UTF_8));
    }

    private static List<NoticeResponse> notices(List<PgFrame> frames) {
        return frames.stream().filter(f -> f.type() == NoticeResponse.TYPE).map(f -> {
            try {
                return NoticeResponse.decode(f.body());
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }).toList();
    }

    private static ParameterStatus decodeStatus(PgFrame frame) {
        try {
            return ParameterStatus.decode(frame.body());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** The masking.applied event of server messages outside commands, once the session has closed. */
    private static JsonNode maskedOutsideCommands(String session) {
        List<JsonNode> events = gateway.closedSessionEvents(session);
        return events.stream().filter(e -> e.path("type").asText().equals("masking.applied")
                        && e.path("detail").path("source").asText().equals("server messages"))
                .findFirst().orElseThrow(() -> new AssertionError("no masking.applied for server messages in " + events))
                .path("detail");
    }
}
