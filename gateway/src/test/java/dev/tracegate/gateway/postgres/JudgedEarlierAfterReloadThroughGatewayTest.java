package dev.tracegate.gateway.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracegate.gateway.TestGateway;
import dev.tracegate.gateway.TestTarget;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A prepared statement or a cursor is judged when it is made; running it later (EXECUTE, FETCH,
 * MOVE) names only the statement or cursor. When a policy reload masks the caller in between, the
 * text it runs must be judged under the masking in force then: a computed column has no stored
 * column the masker could find, so {@code upper(name)} prepared while the caller was unmasked must
 * not return every name in clear once the caller is masked.
 */
class JudgedEarlierAfterReloadThroughGatewayTest {

    private static final String NAME = "Ada Lovelace";
    private static final String CLEAR = """
            defaults:
              action: allow
            masking:
              profiles:
                names:
                  detect: []
                  hints: []
                  columns:
                    - {match: reload_people.name, entity: person_name, strategy: redact}
            """;
    private static final String MASKED = CLEAR + """
            rules:
              - name: mask-names
                connections: [app]
                exceptGroups: [admins]
                mask: names
            """;

    @BeforeAll
    static void tables() throws SQLException {
        try (Connection direct = TestTarget.direct(); Statement sql = direct.createStatement()) {
            sql.execute("DROP TABLE IF EXISTS reload_people");
            sql.execute("CREATE TABLE reload_people (id int, name text)");
            sql.execute("INSERT INTO reload_people VALUES (1, '" + NAME + "')");
            // A function that opens a cursor the gateway never sees declared, and returns its name.
            sql.execute("CREATE OR REPLACE FUNCTION reload_open_shouting() RETURNS refcursor LANGUAGE plpgsql AS $$"
                    + " DECLARE c refcursor := 'opened_by_function'; BEGIN"
                    + " OPEN c FOR SELECT upper(name) FROM reload_people; RETURN c; END $$");
        }
    }

    /** A SQL PREPARE sent in a query string, or by Parse/Bind/Execute (pgjdbc's extended mode). */
    @ParameterizedTest
    @ValueSource(strings = {"simple", "extended"})
    void aStatementPreparedBeforeTheCallerWasMaskedIsJudgedAgainWhenItRuns(String mode) throws Exception {
        try (TestGateway gateway = TestGateway.start(List.of(), CLEAR);
             Connection alice = connect(gateway, mode); Statement sql = alice.createStatement()) {
            sql.execute("PREPARE shout AS SELECT upper(name) FROM reload_people");
            assertThat(single(sql, "EXECUTE shout")).isEqualTo(NAME.toUpperCase());

            maskAlice(gateway, sql);

            assertThatThrownBy(() -> single(sql, "EXECUTE shout"))
                    .as("upper(name) computed on a protected column, run under the new masking")
                    .isInstanceOf(SQLException.class).hasMessageContaining("masked");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"simple", "extended"})
    void aCursorDeclaredBeforeTheCallerWasMaskedIsJudgedAgainWhenFetched(String mode) throws Exception {
        try (TestGateway gateway = TestGateway.start(List.of(), CLEAR);
             Connection alice = connect(gateway, mode); Statement sql = alice.createStatement()) {
            sql.execute("BEGIN");
            sql.execute("DECLARE shouting SCROLL CURSOR WITH HOLD FOR SELECT upper(name) FROM reload_people");
            sql.execute("COMMIT");

            maskAlice(gateway, sql);

            assertThatThrownBy(() -> single(sql, "FETCH ABSOLUTE 1 FROM shouting"))
                    .as("a WITH HOLD cursor's upper(name), fetched under the new masking")
                    .isInstanceOf(SQLException.class).hasMessageContaining("masked");
            assertThatThrownBy(() -> single(sql, "MOVE FIRST IN shouting; FETCH RELATIVE 0 FROM shouting"))
                    .isInstanceOf(SQLException.class).hasMessageContaining("masked");
            sql.execute("CLOSE shouting");
            sql.execute("BEGIN");
            sql.execute("DECLARE plain CURSOR FOR SELECT name FROM reload_people");
            assertThat(single(sql, "FETCH NEXT FROM plain")).as("a stored column is masked when fetched")
                    .isNotEqualTo(NAME);
            sql.execute("COMMIT");
        }
    }

    /**
     * The server refuses to DECLARE a name whose cursor still exists, and keeps that cursor: a second
     * DECLARE of the name, or a CLOSE that did not run, leaves FETCH reading the first query. Until
     * 2026-12-07 the gateway took the second DECLARE's query for what FETCH reads when it was sent, and
     * {@code upper(name)} of a cursor declared before the reload came back in clear.
     */
    @ParameterizedTest
    @ValueSource(strings = {"simple", "extended"})
    void aCursorDeclaredAgainUnderItsNameIsJudgedByTheQueryTheServerKept(String mode) throws Exception {
        try (TestGateway gateway = TestGateway.start(List.of(), CLEAR);
             Connection alice = connect(gateway, mode); Statement sql = alice.createStatement()) {
            sql.execute("DECLARE again CURSOR WITH HOLD FOR SELECT upper(name) FROM reload_people");

            maskAlice(gateway, sql);

            assertThatThrownBy(() -> sql.execute("DECLARE again CURSOR WITH HOLD FOR SELECT 'nothing'"))
                    .isInstanceOf(SQLException.class).hasMessageContaining("already exists");
            assertThatThrownBy(() -> sql.execute("BEGIN; SELECT 1/0; CLOSE again")).isInstanceOf(SQLException.class);
            sql.execute("ROLLBACK");
            assertThatThrownBy(() -> sql.execute("DECLARE again CURSOR WITH HOLD FOR SELECT 'nothing'"))
                    .isInstanceOf(SQLException.class).hasMessageContaining("already exists");
            assertThatThrownBy(() -> single(sql, "FETCH ABSOLUTE 1 FROM again"))
                    .as("the cursor the server kept: upper(name), under the new masking")
                    .isInstanceOf(SQLException.class).hasMessageContaining("masked");
            sql.execute("CLOSE again");
            sql.execute("DECLARE again CURSOR WITH HOLD FOR SELECT 'nothing'");
            assertThat(single(sql, "FETCH NEXT FROM again")).as("closed, then declared anew").isEqualTo("nothing");
        }
    }

    /**
     * A cursor a function opened ({@code OPEN c FOR SELECT upper(name) ...}, returned as a {@code
     * refcursor}) has no DECLARE the gateway saw, so nothing tells what it reads: a masked caller's
     * FETCH or MOVE of it is refused, while a cursor declared in the same query string as its FETCH
     * is still judged by its DECLARE.
     */
    @ParameterizedTest
    @ValueSource(strings = {"simple", "extended"})
    void aCursorTheGatewayNeverSawDeclaredIsNotFetchedByAMaskedCaller(String mode) throws Exception {
        try (TestGateway gateway = TestGateway.start(List.of(), CLEAR);
             Connection alice = connect(gateway, mode); Statement sql = alice.createStatement()) {
            sql.execute("BEGIN");
            assertThat(single(sql, "SELECT reload_open_shouting()")).isEqualTo("opened_by_function");

            maskAlice(gateway, sql);

            for (String fetch : List.of("FETCH ALL FROM opened_by_function", "FETCH NEXT IN \"opened_by_function\"",
                    "MOVE FIRST IN opened_by_function; FETCH RELATIVE 0 FROM opened_by_function")) {
                assertThatThrownBy(() -> single(sql, fetch)).as(fetch)
                        .isInstanceOf(SQLException.class).hasMessageContaining("never saw declared");
            }
            sql.execute("ROLLBACK");
            sql.execute("BEGIN");
            assertThat(sql.execute("DECLARE same_string CURSOR FOR SELECT name FROM reload_people;"
                    + " FETCH NEXT FROM same_string")).as("DECLARE answers no rows").isFalse();
            assertThat(sql.getMoreResults()).as("the FETCH's rows").isTrue();
            try (ResultSet rs = sql.getResultSet()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).as("a stored column, masked").isNotEqualTo(NAME);
            }
            sql.execute("COMMIT");
        }
    }

    /** Reloads the policy so that alice is masked, and waits until her plain reads show it. */
    private static void maskAlice(TestGateway gateway, Statement sql) throws Exception {
        Files.writeString(Path.of(gateway.gateway().config().policyFile()), MASKED);
        Awaitility.await().atMost(Duration.ofSeconds(20))
                .until(() -> !single(sql, "SELECT name FROM reload_people").equals(NAME));
    }

    private static String single(Statement sql, String query) throws SQLException {
        try (ResultSet rs = sql.executeQuery(query)) {
            assertThat(rs.next()).isTrue();
            return rs.getString(1);
        }
    }

    private static Connection connect(TestGateway gateway, String mode) throws SQLException {
        Properties props = new Properties();
        props.setProperty("preferQueryMode", mode);
        props.setProperty("user", "alice");
        props.setProperty("password", TestGateway.ALICE_TOKEN);
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + gateway.port() + "/app?sslmode=require",
                props);
    }
}
