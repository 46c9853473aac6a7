package dev.tracegate.gateway.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracegate.gateway.TestGateway;
import dev.tracegate.gateway.TestTarget;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.postgresql.util.PGobject;

/**
 * Code a DBA wrote runs on a masked caller's statement without the statement naming it: a cast's
 * function, a trigger, a rule, a column default, a domain's check, an event trigger, each reading
 * the protected dc_customers (resources/lineage/database-code-attempts.sql). Through the gateway
 * with pgjdbc, simple and extended, each attempt must be refused or return nothing in clear, and
 * must leave no copy behind; writes and reads that run only harmless code (an updated_at trigger,
 * a serial default) keep working (docs/masking.md, "Code in the database").
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DatabaseCodeThroughGatewayTest {

    private static final String POLICY = """
            defaults:
              action: allow
            masking:
              profiles:
                personal-data:
                  hints: [email, person_name]
                  columns:
                    - {match: dc_customers.name, entity: person_name, strategy: hash}
            rules:
              - name: mask-personal-data
                connections: [app]
                exceptGroups: [admins]
                mask: personal-data
            """;
    private static final List<String> NAMES = List.of("Ada Lovelace", "Grace Hopper", "Alan Turing");
    private static final LeakSearch LEAKS = new LeakSearch(Set.copyOf(NAMES), Set.of());

    private static TestGateway gateway;

    @BeforeAll
    static void start() throws SQLException {
        try (Connection direct = TestTarget.direct(); Statement sql = direct.createStatement()) {
            dropTheDatabaseCode(sql);
            sql.execute("CREATE TABLE dc_customers (id int PRIMARY KEY, name text, tier int)");
            for (int i = 0; i < NAMES.size(); i++) {
                sql.execute("INSERT INTO dc_customers VALUES (" + (i + 1) + ", '" + NAMES.get(i) + "', 1)");
            }
            sql.execute("CREATE TABLE dc_audit (v text)");
            sql.execute("CREATE FUNCTION dc_names() RETURNS text LANGUAGE sql"
                    + " AS 'SELECT string_agg(name, '','') FROM dc_customers'");
            // A cast whose function reads the names through another function.
            sql.execute("CREATE TYPE dc_badge AS (v text)");
            sql.execute("CREATE FUNCTION dc_badge_of(text) RETURNS dc_badge LANGUAGE sql AS 'SELECT ROW(dc_names())::dc_badge'");
            sql.execute("CREATE CAST (text AS dc_badge) WITH FUNCTION dc_badge_of(text)");
            sql.execute("CREATE DOMAIN dc_badge_d AS dc_badge");
            sql.execute("CREATE TYPE dc_tag AS (v text)");
            sql.execute("CREATE FUNCTION dc_tag_of(int) RETURNS dc_tag LANGUAGE sql"
                    + " AS 'SELECT ROW(string_agg(name, '' ''))::dc_tag FROM dc_customers'");
            sql.execute("CREATE CAST (int AS dc_tag) WITH FUNCTION dc_tag_of(int) AS ASSIGNMENT");
            sql.execute("CREATE TABLE dc_tagged (id int, t dc_tag)");
            // Triggers that copy every name into dc_audit, which no rule protects.
            sql.execute("CREATE FUNCTION dc_copy_names() RETURNS trigger LANGUAGE plpgsql"
                    + " AS $$BEGIN INSERT INTO dc_audit SELECT name FROM dc_customers; RETURN NULL; END$$");
            sql.execute("CREATE TABLE dc_inbox (id int, note text)");
            sql.execute("CREATE TRIGGER dc_inbox_t AFTER INSERT ON dc_inbox FOR EACH STATEMENT"
                    + " EXECUTE FUNCTION dc_copy_names()");
            sql.execute("CREATE VIEW dc_inbox_v AS SELECT id, note FROM dc_inbox");
            sql.execute("CREATE FUNCTION dc_keep_old() RETURNS trigger LANGUAGE plpgsql"
                    + " AS $$BEGIN INSERT INTO dc_audit VALUES (OLD.name); RETURN NEW; END$$");
            sql.execute("CREATE TRIGGER dc_customers_t BEFORE UPDATE ON dc_customers FOR EACH ROW"
                    + " EXECUTE FUNCTION dc_keep_old()");
            sql.execute("CREATE FUNCTION dc_dynamic() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN"
                    + " EXECUTE 'INSERT INTO dc_audit SELECT na' || 'me FROM dc_cust' || 'omers'; RETURN NULL; END$$");
            sql.execute("CREATE TABLE dc_queue (id int)");
            sql.execute("CREATE TRIGGER dc_queue_t AFTER INSERT ON dc_queue FOR EACH STATEMENT EXECUTE FUNCTION dc_dynamic()");
            sql.execute("CREATE TABLE dc_parent (id int PRIMARY KEY)");
            sql.execute("CREATE TABLE dc_child (pid int REFERENCES dc_parent ON DELETE CASCADE)");
            sql.execute("CREATE TRIGGER dc_child_t AFTER DELETE ON dc_child FOR EACH STATEMENT"
                    + " EXECUTE FUNCTION dc_copy_names()");
            sql.execute("INSERT INTO dc_parent VALUES (1), (2)");
            sql.execute("INSERT INTO dc_child VALUES (1), (2)");
            sql.execute("CREATE TABLE dc_events (id int) PARTITION BY RANGE (id)");
            sql.execute("CREATE TABLE dc_events_1 PARTITION OF dc_events FOR VALUES FROM (0) TO (100)");
            sql.execute("CREATE TRIGGER dc_events_1_t AFTER INSERT ON dc_events_1 FOR EACH ROW"
                    + " EXECUTE FUNCTION dc_copy_names()");
            sql.execute("CREATE TABLE dc_tickets (id int, v text DEFAULT dc_names())");
            sql.execute("CREATE TABLE dc_ruled (id int)");
            sql.execute("CREATE RULE dc_ruled_r AS ON INSERT TO dc_ruled DO ALSO"
                    + " INSERT INTO dc_audit SELECT name FROM dc_customers");
            sql.execute("CREATE FUNCTION dc_note(text) RETURNS boolean LANGUAGE plpgsql"
                    + " AS $$BEGIN INSERT INTO dc_audit SELECT name FROM dc_customers; RETURN true; END$$");
            sql.execute("CREATE DOMAIN dc_checked AS text CHECK (dc_note(VALUE))");
            // Harmless code: an updated_at trigger and a serial default.
            sql.execute("CREATE TABLE dc_notes (id serial, body text, touched timestamptz)");
            sql.execute("CREATE FUNCTION dc_touch() RETURNS trigger LANGUAGE plpgsql"
                    + " AS $$BEGIN NEW.touched := now(); RETURN NEW; END$$");
            sql.execute("CREATE TRIGGER dc_notes_t BEFORE INSERT OR UPDATE ON dc_notes FOR EACH ROW"
                    + " EXECUTE FUNCTION dc_touch()");
            sql.execute("CREATE FUNCTION dc_on_ddl() RETURNS event_trigger LANGUAGE plpgsql"
                    + " AS $$BEGIN INSERT INTO dc_audit SELECT name FROM dc_customers; END$$");
            sql.execute("CREATE EVENT TRIGGER dc_ddl ON ddl_command_end EXECUTE FUNCTION dc_on_ddl()");
        }
        gateway = TestGateway.start(List.of(), POLICY);
    }

    /** The target is shared by every test class: its objects and the event trigger go with this class. */
    @AfterAll
    static void stop() throws SQLException {
        gateway.close();
        try (Connection direct = TestTarget.direct(); Statement sql = direct.createStatement()) {
            dropTheDatabaseCode(sql);
        }
    }

    private static void dropTheDatabaseCode(Statement sql) throws SQLException {
        sql.execute("DROP EVENT TRIGGER IF EXISTS dc_ddl");
        sql.execute("DROP TABLE IF EXISTS dc_customers, dc_audit, dc_tagged, dc_inbox, dc_queue, dc_child, dc_parent,"
                + " dc_events, dc_tickets, dc_ruled, dc_notes, dc_mine CASCADE");
        sql.execute("DROP TYPE IF EXISTS dc_badge, dc_tag CASCADE");
        sql.execute("DROP DOMAIN IF EXISTS dc_checked CASCADE");
        sql.execute("DROP FUNCTION IF EXISTS dc_names, dc_badge_of, dc_tag_of, dc_copy_names, dc_keep_old, dc_dynamic,"
                + " dc_note, dc_touch, dc_on_ddl CASCADE");
    }

    static Stream<String> attempts() throws IOException {
        return AttemptCorpus.statements("/lineage/database-code-attempts.sql");
    }

    @ParameterizedTest
    @MethodSource("attempts")
    @Order(1)
    void simpleProtocol(String sql) throws SQLException {
        assertThat(LEAKS.leaksIn(received(sql, "simple"))).as(sql).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("attempts")
    @Order(2)
    void extendedProtocol(String sql) throws SQLException {
        assertThat(LEAKS.leaksIn(received(sql, "extended"))).as(sql).isEmpty();
    }

    /**
     * A Parse declares its parameters' types by OID: {@code SELECT $1::text} with {@code $1} of the
     * domain whose check copies every name names no type, yet binding 'x' runs the check (pgjdbc
     * sends a PGobject's type so).
     */
    @Test
    @Order(2)
    void aParameterDeclaredOfATypeWhoseCheckReadsProtectedDataIsRefused() throws SQLException {
        try (Connection c = ReceivedTexts.connect(gateway, "alice", TestGateway.ALICE_TOKEN, "extended");
             PreparedStatement statement = c.prepareStatement("SELECT ?::text")) {
            PGobject checked = new PGobject();
            checked.setType("dc_checked");
            checked.setValue("x");
            statement.setObject(1, checked);
            assertThatThrownBy(statement::executeQuery).isInstanceOf(SQLException.class)
                    .hasMessageContaining("blocked by policy rule mask-personal-data")
                    .hasMessageContaining("parameter is declared of the type");
            assertThat(c.isValid(5)).as("the session survives the refusal").isTrue();
        }
    }

    @Test
    @Order(3)
    void theCodeNeverRanForTheMaskedCaller() throws SQLException {
        try (Connection direct = TestTarget.direct(); Statement sql = direct.createStatement()) {
            try (ResultSet rs = sql.executeQuery("SELECT count(*) FROM dc_audit")) {
                rs.next();
                assertThat(rs.getInt(1)).as("names copied into dc_audit").isZero();
            }
            try (ResultSet rs = sql.executeQuery("SELECT count(*) FROM pg_class WHERE relname = 'dc_mine'")) {
                rs.next();
                assertThat(rs.getInt(1)).as("the schema change under the event trigger did not run").isZero();
            }
        }
    }

    static Stream<String> harmless() {
        return Stream.of(
                "INSERT INTO dc_notes (body) VALUES ('hello') RETURNING id, body",
                "UPDATE dc_notes SET body = 'again' RETURNING id",
                "SELECT count(*) FROM dc_inbox",
                "SELECT id, name FROM dc_customers ORDER BY id");
    }

    @ParameterizedTest
    @MethodSource("harmless")
    @Order(4)
    void statementsThatRunOnlyHarmlessCodeKeepWorking(String sql) throws SQLException {
        for (String mode : List.of("simple", "extended")) {
            try (Connection c = ReceivedTexts.connect(gateway, "alice", TestGateway.ALICE_TOKEN, mode);
                 Statement statement = c.createStatement()) {
                List<String> cells = new ArrayList<>();
                statement.execute(sql);
                ReceivedTexts.collect(statement, cells);
                assertThat(cells).as(sql + " (" + mode + ")").isNotEmpty();
                assertThat(LEAKS.leaksIn(cells)).as(sql).isEmpty();
            }
        }
    }

    /** Everything the masked caller gets back from one statement, run twice: cells, warnings, errors. */
    private static List<String> received(String sql, String mode) throws SQLException {
        List<String> received = new ArrayList<>();
        try (Connection c = ReceivedTexts.connect(gateway, "alice", TestGateway.ALICE_TOKEN, mode)) {
            for (int run = 0; run < 2; run++) {
                try {
                    ReceivedTexts.run(c, sql, mode, received);
                } catch (SQLException e) {
                    received.add(e.getMessage());
                    assertThat(c.isValid(5)).as("the session survives a refusal: %s", e.getMessage()).isTrue();
                }
            }
        }
        return received;
    }
}
