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
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * A masked caller whose profile grants {@code any} on names and birth dates may cast and compute on
 * them in conditions; PostgreSQL's error for a value that does not fit quotes it, in any SQLSTATE
 * class and any text field ({@code invalid input syntax for type integer: "Ada Lovelace"},
 * {@code unrecognized configuration parameter "..."}, JSON's context line, XML's detail, numbers
 * computed from the value). The corpus (resources/lineage/error-quotes.sql) is run through the
 * gateway with pgjdbc's simple and extended protocol and with psql: nothing of the clear values
 * may come back, while the SQLSTATE and the position do, and errors of statements that compute
 * on no protected value keep their text.
 */
class ErrorTextThroughGatewayTest {

    private static final String POLICY = """
            defaults:
              action: allow
            masking:
              profiles:
                personal-data:
                  hints: [email, phone, card, iban, ssn, ip, secret, person_name, date_of_birth]
                  columns:
                    - {match: et_customers.name, entity: person_name, strategy: hash, uses: [any]}
                    - {match: et_customers.date_of_birth, entity: date_of_birth, strategy: redact, uses: [any]}
                    - {match: et_customers.email, entity: email, strategy: "hash:format", uses: [lookup]}
            rules:
              - name: mask-personal-data
                connections: [app]
                exceptGroups: [admins]
                mask: personal-data
            """;
    private static final String[][] PEOPLE = {
            {"Ada Lovelace", "ada.lovelace@example.com", "1985-03-02"},
            {"Grace Hopper", "grace.hopper@example.org", "1972-11-20"},
    };

    private static TestGateway gateway;
    private static LeakSearch leaks;

    @BeforeAll
    static void start() throws SQLException {
        try (Connection direct = TestTarget.direct(); Statement sql = direct.createStatement()) {
            sql.execute("DROP VIEW IF EXISTS et_numbered");
            sql.execute("DROP TABLE IF EXISTS et_orders, et_customers CASCADE");
            sql.execute("CREATE TABLE et_customers (id int PRIMARY KEY, name text, email text, date_of_birth date)");
            sql.execute("CREATE TABLE et_orders (id int PRIMARY KEY, customer_id int, status text)");
            for (int i = 0; i < PEOPLE.length; i++) {
                sql.execute("INSERT INTO et_customers VALUES (" + (i + 1) + ", '" + PEOPLE[i][0] + "', '" + PEOPLE[i][1]
                        + "', '" + PEOPLE[i][2] + "')");
                sql.execute("INSERT INTO et_orders VALUES (" + (i + 1) + ", " + (i + 1) + ", 'paid')");
            }
        }
        gateway = TestGateway.start(List.of(), POLICY);
        Set<String> texts = new java.util.HashSet<>();
        for (String[] person : PEOPLE) {
            texts.addAll(List.of(person));
            texts.add(person[0].split(" ")[1]);
            texts.add(person[2].replace("-", ""));
        }
        leaks = new LeakSearch(texts, Set.of());
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    static Stream<String> attempts() throws IOException {
        return AttemptCorpus.statements("/lineage/error-quotes.sql");
    }

    @ParameterizedTest
    @MethodSource("attempts")
    void simpleProtocol(String sql) throws SQLException {
        assertThat(leaks(received(sql, "simple"))).as(sql).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("attempts")
    void extendedProtocol(String sql) throws SQLException {
        if (sql.contains(";")) {
            return; // a prepared statement holds one statement; the simple protocol runs these
        }
        assertThat(leaks(received(sql, "extended"))).as(sql).isEmpty();
    }

    @Test
    void psql() throws Exception {
        Path script = Files.createTempFile("error-quotes", ".sql");
        Files.writeString(script, String.join(";\n", attempts().toList()) + ";\nSELECT 'the corpus ran to its end';\n");
        ClientProcess psql = ClientProcess.run(null, List.of("psql", gateway.libpqUri("app"), "-X", "-A",
                "-v", "VERBOSITY=verbose", "-f", script.toString()));
        List<String> found = new ArrayList<>();
        psql.output().lines().map(line -> line.replaceFirst("^psql:[^:]*:[0-9]+: ", ""))
                .forEach(line -> found.addAll(leaks.leaksIn(line)));
        assertThat(found).as("clear values in psql's output").isEmpty();
        assertThat(psql.output()).contains("message withheld (SQLSTATE 22P02, invalid text representation)")
                .contains("the corpus ran to its end");
    }

    /** Without the value the error still says what went wrong. */
    @Test
    void theErrorKeepsItsState() throws SQLException {
        for (String mode : List.of("simple", "extended")) {
            try (Connection c = connect("alice", TestGateway.ALICE_TOKEN, mode); Statement statement = c.createStatement()) {
                assertThatThrownBy(() -> statement.execute("SELECT id FROM et_customers WHERE name::int = 1"))
                        .isInstanceOfSatisfying(PSQLException.class, e -> {
                            ServerErrorMessage server = e.getServerErrorMessage();
                            assertThat(server.getSQLState()).isEqualTo("22P02");
                            assertThat(server.getMessage()).startsWith(
                                    "tracegate: message withheld (SQLSTATE 22P02, invalid text representation)");
                            assertThat(server.getSeverity()).isEqualTo("ERROR");
                        });
                assertThat(c.isValid(5)).isTrue();
            }
        }
    }

    /** The same errors for the exempt identity, and for statements that compute on no protected value, keep their text. */
    @Test
    void otherErrorsKeepTheirText() throws SQLException {
        try (Connection c = connect("admin", TestGateway.ADMIN_TOKEN, "simple"); Statement statement = c.createStatement()) {
            assertThatThrownBy(() -> statement.execute("SELECT id FROM et_customers WHERE name::int = 1"))
                    .hasMessageContaining("invalid input syntax for type integer: \"Ada Lovelace\"");
        }
        try (Connection c = connect("alice", TestGateway.ALICE_TOKEN, "simple"); Statement statement = c.createStatement()) {
            assertThatThrownBy(() -> statement.execute("SELECT 'abc'::int"))
                    .hasMessageContaining("invalid input syntax for type integer: \"abc\"");
            assertThatThrownBy(() -> statement.execute("SELECT status::int FROM et_orders"))
                    .hasMessageContaining("invalid input syntax for type integer: \"paid\"");
        }
    }

    /**
     * A view the caller made with a filter that casts a protected column: reading it later, from
     * another session, names no protected column, but a view's filter runs on stored values.
     */
    @Test
    void aViewsFilterIsReadAsComputing() throws SQLException {
        try (Connection c = connect("alice", TestGateway.ALICE_TOKEN, "simple"); Statement statement = c.createStatement()) {
            statement.execute("CREATE VIEW et_numbered AS SELECT id FROM et_customers WHERE name::int > 0");
        }
        try (Connection c = connect("alice", TestGateway.ALICE_TOKEN, "extended"); Statement statement = c.createStatement()) {
            assertThatThrownBy(() -> statement.execute("SELECT id FROM et_numbered"))
                    .isInstanceOfSatisfying(PSQLException.class, e -> assertThat(e.getServerErrorMessage().getMessage())
                            .startsWith("tracegate: message withheld (SQLSTATE 22P02"));
        }
    }

    /** A statement prepared in one command and run by a later one, by SQL and by the extended protocol. */
    @Test
    void preparedStatementsAndCursorsRunLater() throws SQLException {
        List<String> received = new ArrayList<>();
        try (Connection c = connect("alice", TestGateway.ALICE_TOKEN, "simple"); Statement statement = c.createStatement()) {
            statement.execute("PREPARE et_later AS SELECT id FROM et_customers WHERE name::date IS NULL");
            catching(() -> statement.execute("EXECUTE et_later"), received);
            c.setAutoCommit(false);
            statement.execute("DECLARE et_cur CURSOR WITH HOLD FOR SELECT id FROM et_customers WHERE to_tsquery(name) IS NULL");
            catching(() -> statement.execute("FETCH et_cur"), received);
        }
        try (Connection c = connect("alice", TestGateway.ALICE_TOKEN, "extended");
             PreparedStatement statement = c.prepareStatement("SELECT id FROM et_customers WHERE name::int = ?")) {
            for (int run = 0; run < 3; run++) {
                statement.setInt(1, run);
                catching(statement::execute, received);
            }
        }
        assertThat(received).hasSize(5).allMatch(text -> text.contains("message withheld"));
        assertThat(leaks(received)).isEmpty();
    }

    private interface Sql {
        void run() throws SQLException;
    }

    private static void catching(Sql sql, List<String> received) {
        try {
            sql.run();
            received.add("no error");
        } catch (SQLException e) {
            received.add(e.getMessage());
        }
    }

    private static List<String> leaks(List<String> received) {
        List<String> found = new ArrayList<>();
        received.forEach(text -> found.addAll(leaks.leaksIn(text)));
        return found;
    }

    /** Everything the masked caller gets back: cells, and each error's every field. */
    private static List<String> received(String sql, String mode) throws SQLException {
        List<String> received = new ArrayList<>();
        try (Connection c = connect("alice", TestGateway.ALICE_TOKEN, mode)) {
            try {
                ReceivedTexts.run(c, sql, mode, received);
            } catch (PSQLException e) {
                ServerErrorMessage server = e.getServerErrorMessage();
                received.add(e.getMessage());
                assertThat(server).as(sql).isNotNull();
                assertThat(server.getMessage()).as("withheld or refused: %s", sql).startsWith("tracegate: ");
                if (server != null) {
                    received.addAll(java.util.Arrays.asList(server.getMessage(), server.getDetail(), server.getHint(),
                            server.getWhere(), server.getInternalQuery()));
                }
                assertThat(c.isValid(5)).as("the session survives: %s", e.getMessage()).isTrue();
            }
        }
        return received;
    }

    private static Connection connect(String user, String token, String mode) throws SQLException {
        return ReceivedTexts.connect(gateway, user, token, mode);
    }
}
