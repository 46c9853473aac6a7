package dev.tracegate.gateway.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracegate.gateway.TestGateway;
import dev.tracegate.gateway.TestTarget;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
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
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * The masking-lineage corpus (resources/lineage/derived-attempts.sql): well over a hundred
 * statements that transform, aggregate, cast, serialise, copy or probe protected columns, run by a
 * masked caller through the gateway with pgjdbc (simple and extended protocol) and psql. Each must
 * be refused or return nothing in clear: the clear values are read first as the exempt identity,
 * then searched for in every cell, error, notice and notification the masked caller received, also
 * after undoing reversible encodings ({@link LeakSearch}). Legitimate analytics must keep working.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LineageThroughGatewayTest {

    private static final String POLICY = """
            defaults:
              action: allow
            masking:
              profiles:
                personal-data:
                  hints: [email, phone, card, iban, ssn, ip, secret, person_name, date_of_birth]
                  strategies:
                    person_name: hash
                  columns:
                    - {match: lc_customers.name, entity: person_name, strategy: hash}
                    - {match: lc_customers.email, entity: email, strategy: "hash:format"}
                    - {match: lc_customers.phone, entity: phone, strategy: "partial:4"}
                    - {match: lc_customers.card_number, entity: card, strategy: "partial:4"}
                    - {match: lc_customers.national_id, entity: ssn, strategy: "partial:4"}
                    - {match: lc_customers.date_of_birth, entity: date_of_birth, strategy: redact, uses: [year]}
                    - {match: lc_members.name, entity: person_name, strategy: hash}
                    - {match: lc_ledger.holder, entity: person_name, strategy: hash}
                    - {match: lc_vault.codes.code, entity: person_name, strategy: hash}
                    - {type: lc_code, entity: person_name, strategy: hash}
                    - {match: lc_ledger.key_date, entity: date_of_birth, strategy: redact, uses: [lookup]}
                    - {match: lc_ledger.reach, entity: email, strategy: "hash:format"}
            rules:
              - name: mask-personal-data
                connections: [app]
                exceptGroups: [admins]
                mask: personal-data
            """;
    private static final String[][] PEOPLE = {
            {"Ada Lovelace", "ada.lovelace@example.com", "+1 415 555 2671", "4539 1488 0343 6467", "536-22-1234", "1985-03-02"},
            {"Grace Hopper", "grace.hopper@example.org", "+44 20 7946 0958", "5425 2334 3010 9903", "219-09-9999", "1972-11-20"},
            {"Alan Turing", "alan.turing@example.net", "+49 30 901820", "3714 496353 98431", "078-05-1121", "1990-06-23"},
            {"Edsger Dijkstra", "edsger@inbox.example.com", "+31 20 555 0199", "6011 0009 9013 9424", "457-55-5462", "1968-05-11"},
            {"Barbara Liskov", "barbara.liskov@example.com", "+1 617 253 5851", "4916 3388 2719 1045", "321-54-9876", "1979-08-15"},
            {"Donald Knuth", "knuth@post.example.org", "+1 650 723 4671", "5105 1051 0510 5100", "123-45-6780", "1959-01-10"},
    };

    private static TestGateway gateway;
    /**
     * Another session, open throughout, with a temporary table named like the view lc_contacts: the
     * catalog shows every session's temporary tables, and which one a name means depends on the session.
     */
    private static Connection otherSession;
    private static LeakSearch leaks;

    @BeforeAll
    static void start() throws SQLException {
        try (Connection direct = TestTarget.direct(); Statement sql = direct.createStatement()) {
            sql.execute("DROP MATERIALIZED VIEW IF EXISTS lc_mv, lc_mv2");
            sql.execute("DROP VIEW IF EXISTS lc_contacts, lc_stats_v, lc_fn_v, lc_xml_v, lc_mine_v");
            sql.execute("DROP TABLE IF EXISTS lc_members, lc_ledger, lc_typed, lc_guesses CASCADE");
            sql.execute("DROP SCHEMA IF EXISTS lc_shadow, lc_vault, lc_vault2 CASCADE");
            sql.execute("DROP DOMAIN IF EXISTS lc_code, lc_code2, lc_code3 CASCADE");
            sql.execute("ALTER ROLE " + TestTarget.SCRAM_USER + " RESET search_path");
            sql.execute("ALTER DATABASE " + TestTarget.DATABASE + " RESET search_path");
            sql.execute("DROP TABLE IF EXISTS lc_orders, lc_customers, lc_copy, lc_stolen CASCADE");
            sql.execute("CREATE TABLE lc_customers (id int PRIMARY KEY, name text, email text, phone text,"
                    + " card_number text, national_id text, date_of_birth date, notes text)");
            sql.execute("CREATE TABLE lc_orders (id int PRIMARY KEY, customer_id int REFERENCES lc_customers,"
                    + " amount numeric, status text)");
            sql.execute("CREATE TABLE lc_copy (id int PRIMARY KEY, v text)");
            for (int i = 0; i < PEOPLE.length; i++) {
                String[] p = PEOPLE[i];
                String note = i % 2 == 0 ? "Reach me at " + PEOPLE[(i + 1) % PEOPLE.length][1] : "Call " + p[2] + " after 5pm";
                sql.execute("INSERT INTO lc_customers VALUES (" + (i + 1) + ", '" + p[0] + "', '" + p[1] + "', '" + p[2]
                        + "', '" + p[3] + "', '" + p[4] + "', '" + p[5] + "', '" + note + "')");
                sql.execute("INSERT INTO lc_orders VALUES (" + (i + 1) + ", " + (i + 1) + ", " + (10 * i + 5)
                        + ", '" + (i % 2 == 0 ? "paid" : "shipped") + "')");
            }
            // Constraints whose violations quote the stored row or key in the error's detail; two
            // members share a name, so a unique index on it cannot be built.
            sql.execute("CREATE TABLE lc_members (id int PRIMARY KEY CHECK (id > 0), club int, name text,"
                    + " date_of_birth date, UNIQUE (club, name))");
            for (int i = 0; i < PEOPLE.length; i++) {
                sql.execute("INSERT INTO lc_members VALUES (" + (i + 1) + ", " + (i + 1) + ", '" + PEOPLE[i][0] + "', '"
                        + PEOPLE[i][5] + "')");
            }
            sql.execute("INSERT INTO lc_members VALUES (100, 100, '" + PEOPLE[1][0] + "', NULL)");
            // A JOIN ... USING merges a protected date with a caller's timestamps (a lookup): PostgreSQL
            // casts, and no longer names the column.
            sql.execute("CREATE TABLE lc_guesses (key_date timestamp, club int)");
            sql.execute("INSERT INTO lc_guesses VALUES ('2000-01-01', 1)");
            sql.execute("CREATE VIEW lc_members_v AS SELECT * FROM lc_members WHERE club > 0 WITH CHECK OPTION");
            // Rules name the parents; PostgreSQL describes a child's or a partition's columns as its own.
            sql.execute("CREATE TABLE lc_customers_eu () INHERITS (lc_customers)");
            sql.execute("INSERT INTO lc_customers_eu SELECT 7, name, email, phone, card_number, national_id,"
                    + " date_of_birth, 'Reach me at ' || email FROM lc_customers WHERE id = 3");
            sql.execute("CREATE TABLE lc_ledger (id int, holder text, key_date date, reach text) PARTITION BY RANGE (id)");
            sql.execute("CREATE TABLE lc_ledger_low PARTITION OF lc_ledger FOR VALUES FROM (0) TO (100)"
                    + " PARTITION BY RANGE (id)");
            sql.execute("CREATE TABLE lc_ledger_low_1 PARTITION OF lc_ledger_low FOR VALUES FROM (0) TO (50)");
            sql.execute("INSERT INTO lc_ledger SELECT id, name, date_of_birth, email FROM lc_customers");
            sql.execute("CREATE VIEW lc_ledger_v AS SELECT id, holder, key_date FROM lc_ledger_low_1");
            // Rules that name a schema or a type; a schema whose view would shadow lc_orders on a moved search path.
            sql.execute("CREATE SCHEMA lc_vault");
            sql.execute("CREATE TABLE lc_vault.codes (id int, code text)");
            sql.execute("INSERT INTO lc_vault.codes VALUES (1, '" + PEOPLE[0][0] + "')");
            sql.execute("CREATE DOMAIN lc_code AS text");
            sql.execute("CREATE TABLE lc_typed (id int, c lc_code)");
            sql.execute("INSERT INTO lc_typed VALUES (1, '" + PEOPLE[2][0] + "')");
            sql.execute("CREATE SCHEMA lc_shadow");
            sql.execute("CREATE VIEW lc_shadow.lc_orders AS SELECT id, upper(name) AS status FROM public.lc_customers");
            sql.execute("CREATE VIEW lc_contacts AS SELECT id, email AS e, reverse(card_number) AS rc FROM lc_customers");
            sql.execute("CREATE MATERIALIZED VIEW lc_mv AS SELECT id, upper(email) AS u FROM lc_customers");
            sql.execute("CREATE OR REPLACE FUNCTION lc_leak() RETURNS text LANGUAGE sql"
                    + " AS 'SELECT string_agg(email, '','') FROM lc_customers'");
            sql.execute("CREATE OR REPLACE FUNCTION lc_leak_rows() RETURNS SETOF text LANGUAGE sql"
                    + " AS 'SELECT card_number FROM lc_customers'");
            sql.execute("CREATE OR REPLACE FUNCTION lc_leak_names() RETURNS text LANGUAGE sql"
                    + " AS 'SELECT string_agg(name || '' '' || date_of_birth, '','') FROM lc_customers'");
            // A function a superuser put into pg_catalog is the database's code, not a built-in.
            sql.execute("CREATE OR REPLACE FUNCTION pg_catalog.lc_names() RETURNS text LANGUAGE sql"
                    + " AS 'SELECT string_agg(name || '' '' || date_of_birth, '','') FROM public.lc_customers'");
            sql.execute("ANALYZE lc_customers");
            // Views over what reads data by itself: the relations their text names are not all they read.
            sql.execute("CREATE VIEW lc_stats_v AS SELECT attname, most_common_vals::text AS m, histogram_bounds::text AS h"
                    + " FROM pg_stats WHERE tablename = 'lc_customers'");
            sql.execute("CREATE VIEW lc_fn_v AS SELECT lc_leak_names() AS v");
            sql.execute("CREATE VIEW lc_xml_v AS SELECT query_to_xml('select name from lc_customers', true, false, '') AS v");
        }
        otherSession = TestTarget.direct();
        try (Statement sql = otherSession.createStatement()) {
            sql.execute("CREATE TEMP TABLE lc_contacts (id int, e text, rc text)");
        }
        gateway = TestGateway.start(List.of(), POLICY);
        leaks = clearValuesAsTheReaderSeesThem();
    }

    @AfterAll
    static void stop() throws SQLException {
        gateway.close();
        otherSession.close();
    }

    /** The exempt identity reads the clear values through the gateway: these are what must not reach alice. */
    private static LeakSearch clearValuesAsTheReaderSeesThem() throws SQLException {
        Set<String> texts = new HashSet<>();
        Set<String> digits = new HashSet<>();
        try (Connection c = connect("admin", TestGateway.ADMIN_TOKEN, "simple");
             ResultSet rs = c.createStatement().executeQuery(
                     "SELECT name, email, phone, card_number, national_id, date_of_birth::text FROM ONLY lc_customers")) {
            int rows = 0;
            while (rs.next()) {
                rows++;
                texts.add(rs.getString(1));
                texts.add(rs.getString(2));
                texts.add(rs.getString(6));
                digits.add(rs.getString(3));
                digits.add(rs.getString(4));
                digits.add(rs.getString(5));
            }
            assertThat(rows).isEqualTo(PEOPLE.length);
        }
        assertThat(texts).contains("ada.lovelace@example.com", "1985-03-02");
        return new LeakSearch(texts, digits);
    }

    static Stream<String> attempts() throws IOException {
        return AttemptCorpus.statements("/lineage/derived-attempts.sql");
    }

    @Test
    @Order(0)
    void theCorpusHasMoreThanAHundredAttempts() throws IOException {
        assertThat(attempts().count()).isGreaterThanOrEqualTo(100);
    }

    /** The search itself: what the exempt identity receives from a few of the attempts is found. */
    @Test
    @Order(0)
    void theSearchFindsEncodedValuesInWhatTheReaderReceives() throws SQLException {
        for (String sql : List.of("SELECT reverse(card_number) FROM lc_customers",
                "SELECT encode(convert_to(email, 'utf8'), 'base64') FROM lc_customers",
                "SELECT encode(convert_to(email, 'utf8'), 'hex') FROM lc_customers",
                "SELECT translate(national_id, '0123456789', 'abcdefghij') FROM lc_customers",
                "SELECT substr(card_number, 1, 8) FROM lc_customers",
                "SELECT upper(name) FROM lc_customers",
                "SELECT date_of_birth::text FROM lc_customers")) {
            try (Connection c = connect("admin", TestGateway.ADMIN_TOKEN, "simple"); Statement statement = c.createStatement()) {
                List<String> cells = new ArrayList<>();
                statement.execute(sql);
                ReceivedTexts.collect(statement, cells);
                assertThat(leaks(cells)).as(sql).hasSizeGreaterThanOrEqualTo(PEOPLE.length);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("attempts")
    @Order(1)
    void simpleProtocol(String sql) throws SQLException {
        assertThat(leaks(received(sql, "simple"))).as(sql).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("attempts")
    @Order(2)
    void extendedProtocolWithNamedStatements(String sql) throws SQLException {
        assertThat(leaks(received(sql, "extended"))).as(sql).isEmpty();
    }

    @Test
    @Order(3)
    void psql() throws Exception {
        assertThat(psqlLeavingNothingInClear("LISTEN lc;\n" + String.join(";\n", attempts().toList())
                + ";\nSELECT 'the corpus ran to its end';\n")).contains("the corpus ran to its end");
    }

    /**
     * psql's meta-commands that send results back as statements ({@code \gexec}) or variables
     * ({@code \gset}, then {@code :'v'} or {@code :v} spliced into the next statement): what comes
     * back was masked on the way out, and what goes in is judged like any statement.
     */
    @Test
    @Order(3)
    void psqlMetaCommandsSendNothingBackInClear() throws Exception {
        assertThat(psqlLeavingNothingInClear("""
                SELECT 'SELECT reverse(email), upper(name) FROM lc_customers' \\gexec
                SELECT email, name FROM lc_customers \\gexec
                SELECT format('SELECT %L::text', name) FROM lc_customers \\gexec
                SELECT 'COPY (SELECT name FROM lc_customers) TO STDOUT (FORMAT binary)' \\gexec
                SELECT name AS n, email AS e, date_of_birth AS d FROM lc_customers WHERE id = 1 \\gset
                \\echo :n :e :d
                SELECT :'n' AS n, reverse(:'e') AS e, :'d' AS d;
                SELECT 'reverse(name)' AS expr \\gset
                SELECT :expr FROM lc_customers;
                SELECT 'SELECT upper(name) FROM lc_customers' AS q \\gset
                :q;
                \\copy lc_customers TO STDOUT
                \\copy (SELECT name FROM lc_customers) TO STDOUT WITH (FORMAT binary)
                SELECT reverse(name) FROM lc_customers \\gdesc
                SELECT 'the script ran to its end';
                """)).contains("the script ran to its end");
    }

    /** What psql prints running {@code script} as alice, once searched for clear values and refusals. */
    private static String psqlLeavingNothingInClear(String script) throws Exception {
        Path file = Files.createTempFile("lineage", ".sql");
        Files.writeString(file, script);
        ClientProcess psql = ClientProcess.run(null, List.of("psql", gateway.libpqUri("app"), "-X", "-A", "-f",
                file.toString()));
        List<String> found = new ArrayList<>();
        // psql prefixes each message with the script's name, whose random digits (reversed, say) can
        // match six digits of a card: the prefix is psql's, not the server's, and is not searched.
        psql.output().lines().map(line -> line.replaceFirst("^psql:[^:]*:[0-9]+: ", ""))
                .forEach(line -> found.addAll(leaks.leaksIn(line)));
        assertThat(found).as("clear values in psql's output").isEmpty();
        assertThat(psql.output()).as("refused, never disconnected").doesNotContain("connection to server was lost")
                .contains("tracegate: blocked by policy rule mask-personal-data");
        return psql.output();
    }

    @Test
    @Order(4)
    void copiesLeftNothingBehindInClear() throws SQLException {
        try (Connection direct = TestTarget.direct(); Statement sql = direct.createStatement()) {
            List<String> found = new ArrayList<>();
            try (ResultSet rs = sql.executeQuery("SELECT coalesce(v, '') FROM lc_copy")) {
                while (rs.next()) {
                    found.addAll(leaks.leaksIn(rs.getString(1)));
                }
            }
            try (ResultSet rs = sql.executeQuery("SELECT id, notes FROM lc_customers ORDER BY id")) {
                while (rs.next()) {
                    assertThat(rs.getString(2)).as("notes of " + rs.getInt(1) + " unchanged")
                            .startsWith(rs.getInt(1) % 2 == 1 ? "Reach me at" : "Call ");
                }
            }
            try (ResultSet rs = sql.executeQuery("SELECT count(*) FROM pg_class WHERE relname IN ('lc_stolen', 'lc_mv2')")) {
                rs.next();
                assertThat(rs.getInt(1)).as("tables copied out were never created").isZero();
            }
            assertThat(found).isEmpty();
        }
    }

    static Stream<String> analytics() {
        return Stream.of(
                "SELECT count(*) FROM lc_customers",
                "SELECT count(email), count(DISTINCT email) FROM lc_customers",
                "SELECT status, count(*), sum(amount) FROM lc_orders GROUP BY status ORDER BY status",
                "SELECT c.id, count(o.id) FROM lc_customers c LEFT JOIN lc_orders o ON o.customer_id = c.id GROUP BY c.id",
                "SELECT email, count(*) FROM lc_customers GROUP BY email",
                "SELECT a.id, b.id, a.email FROM lc_customers a JOIN lc_customers b ON a.email = b.email",
                "SELECT extract(year FROM date_of_birth) AS y, count(*) FROM lc_customers GROUP BY 1 ORDER BY 1",
                "SELECT date_trunc('year', date_of_birth) AS y, count(*) FROM lc_customers GROUP BY 1",
                "SELECT * FROM lc_customers WHERE id = 3",
                "SELECT email, phone FROM (SELECT * FROM lc_customers) s",
                "WITH x AS (SELECT id, email FROM lc_customers) SELECT * FROM x ORDER BY id",
                "SELECT id FROM lc_customers WHERE email IS NOT NULL AND notes IS NOT NULL",
                "SELECT o.id, o.amount, c.email FROM lc_orders o JOIN lc_customers c ON c.id = o.customer_id",
                "SELECT l.e FROM lc_customers c, LATERAL (SELECT c.email AS e) l",
                "UPDATE lc_customers SET notes = 'checked' WHERE id = 1 RETURNING id, email",
                "UPDATE lc_orders SET status = 'paid' WHERE id = 1 RETURNING id, status",
                "TABLE lc_customers",
                "SELECT id, e FROM public.lc_contacts ORDER BY id",
                "SELECT id, name FROM lc_customers ORDER BY id LIMIT 3",
                "SELECT x.v FROM xmltable('/r' PASSING (SELECT '<r>a</r>'::xml) COLUMNS v text PATH '.') x",
                "SELECT u FROM unnest(ARRAY(SELECT id FROM lc_customers)) u");
    }

    @ParameterizedTest
    @MethodSource("analytics")
    @Order(5)
    void legitimateAnalyticsKeepWorking(String sql) throws SQLException {
        for (String mode : List.of("simple", "extended")) {
            try (Connection c = connect("alice", TestGateway.ALICE_TOKEN, mode); Statement statement = c.createStatement()) {
                List<String> cells = new ArrayList<>();
                statement.execute(sql);
                ReceivedTexts.collect(statement, cells);
                assertThat(cells).as(sql + " (" + mode + ")").isNotEmpty();
                assertThat(leaks(cells)).as(sql).isEmpty();
            }
        }
    }

    @Test
    @Order(6)
    void cursorsAndPreparedStatementsOfPlainColumnsStayMasked() throws SQLException {
        try (Connection c = connect("alice", TestGateway.ALICE_TOKEN, "simple"); Statement statement = c.createStatement()) {
            List<String> cells = new ArrayList<>();
            statement.execute("BEGIN; DECLARE lc_ok CURSOR FOR SELECT email, card_number FROM lc_customers;"
                    + " FETCH 3 FROM lc_ok; COMMIT");
            ReceivedTexts.collect(statement, cells);
            statement.execute("PREPARE lc_ok_p AS SELECT email, national_id FROM lc_customers; EXECUTE lc_ok_p");
            ReceivedTexts.collect(statement, cells);
            assertThat(cells).anyMatch(cell -> cell.endsWith(".example"));
            assertThat(leaks(cells)).isEmpty();
        }
    }

    @Test
    @Order(7)
    void aMaskedCallerKeepsTheRolesSearchPath() throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", "alice");
        props.setProperty("password", TestGateway.ALICE_TOKEN);
        props.setProperty("currentSchema", "public");
        String url = "jdbc:postgresql://127.0.0.1:" + gateway.port() + "/app?sslmode=require";
        assertThatThrownBy(() -> DriverManager.getConnection(url, props).close())
                .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("42501"))
                .hasMessageContaining("search_path");
        props.setProperty("user", "admin");
        props.setProperty("password", TestGateway.ADMIN_TOKEN);
        DriverManager.getConnection(url, props).close();
        try (Connection c = connect("alice", TestGateway.ALICE_TOKEN, "simple")) {
            assertThatThrownBy(() -> c.createStatement().execute("SET search_path = pg_temp, public"))
                    .hasMessageContaining("cannot change search_path");
        }
    }

    private static List<String> leaks(List<String> received) {
        List<String> found = new ArrayList<>();
        received.forEach(text -> found.addAll(leaks.leaksIn(text)));
        return found;
    }

    /** Everything the masked caller gets back from one statement: cells, errors, notices, notifications. */
    private static List<String> received(String sql, String mode) throws SQLException {
        List<String> received = new ArrayList<>();
        try (Connection c = connect("alice", TestGateway.ALICE_TOKEN, mode)) {
            try (Statement listen = c.createStatement()) {
                listen.execute("LISTEN lc");
            }
            for (int run = 0; run < 2; run++) {
                try {
                    ReceivedTexts.run(c, sql, mode, received);
                } catch (SQLException e) {
                    received.add(e.getMessage());
                    assertThat(c.isValid(5)).as("the session survives a refusal: %s", e.getMessage()).isTrue();
                }
                notifications(c, received);
            }
        }
        return received;
    }

    private static void notifications(Connection c, List<String> received) throws SQLException {
        try (Statement poll = c.createStatement()) {
            poll.execute("SELECT 1");
        }
        PGNotification[] notifications = c.unwrap(PGConnection.class).getNotifications();
        if (notifications != null) {
            for (PGNotification notification : notifications) {
                received.add(notification.getParameter());
            }
        }
    }

    private static Connection connect(String user, String token, String mode) throws SQLException {
        return ReceivedTexts.connect(gateway, user, token, mode);
    }
}
