package dev.tracegate.gateway.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracegate.gateway.TestGateway;
import dev.tracegate.gateway.TestTarget;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A foreign table is another name for a table: postgres_fdw's {@code OPTIONS (table_name
 * 'ft_customers')} over a server that reaches this database again (a DBA's loopback server, as
 * for a reporting schema) hands a masked caller the protected names under a name no rule covers,
 * and a column's {@code column_name} option renames them too. Read plainly, through a computation,
 * through a foreign table over a view, or through one the caller made itself (a rule allowing its
 * schema changes), no name may reach the masked caller in clear; what the foreign table carries
 * unprotected stays readable. A file_fdw table over a server file (an unmasked colleague's export,
 * as the server's CSV log would be) is another such name. So is one over another database's table
 * whose column it renames: the named table's rule for the column it reads covers it.
 */
class ForeignTablesThroughGatewayTest {

    private static final String POLICY = """
            defaults:
              action: allow
            masking:
              profiles:
                personal-data:
                  columns:
                    - {match: public.ft_customers.name, entity: person_name, strategy: hash}
                    - {match: public.ft_far_people.name, entity: person_name, strategy: hash}
                    - {match: public.ft_far_staff.name, entity: person_name, strategy: hash}
            rules:
              - name: mask-personal-data
                connections: [app]
                exceptGroups: [admins]
                mask: personal-data
            """;
    private static final List<String> NAMES = List.of("Ada Lovelace", "Grace Hopper", "Alan Turing");
    /** Another database of the same server, whose tables the policy protects by their names. */
    private static final String FAR_DATABASE = "tg_ft_far";
    private static final LeakSearch LEAKS = new LeakSearch(Set.copyOf(NAMES), Set.of());

    private static TestGateway gateway;
    private static String export;

    @BeforeAll
    static void start() throws SQLException {
        try (Connection direct = TestTarget.direct(); Statement sql = direct.createStatement()) {
            dropAll(sql);
            sql.execute("CREATE EXTENSION IF NOT EXISTS postgres_fdw");
            sql.execute("CREATE EXTENSION IF NOT EXISTS file_fdw");
            sql.execute("CREATE TABLE ft_customers (id int PRIMARY KEY, name text, tier int)");
            for (int i = 0; i < NAMES.size(); i++) {
                sql.execute("INSERT INTO ft_customers VALUES (" + (i + 1) + ", '" + NAMES.get(i) + "', 1)");
            }
            sql.execute("CREATE VIEW ft_people AS SELECT id, name FROM ft_customers");
            // A DBA's loopback server: postgres_fdw back into this very database.
            sql.execute("CREATE SERVER ft_loop FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host '127.0.0.1', port '"
                    + TestTarget.port() + "', dbname '" + TestTarget.DATABASE + "')");
            sql.execute("CREATE USER MAPPING FOR PUBLIC SERVER ft_loop OPTIONS (user '" + TestTarget.TRUST_USER + "')");
            sql.execute("CREATE FOREIGN TABLE ft_remote (id int, who text OPTIONS (column_name 'name'), tier int)"
                    + " SERVER ft_loop OPTIONS (schema_name 'public', table_name 'ft_customers')");
            sql.execute("CREATE FOREIGN TABLE ft_remote_people (id int, name text)"
                    + " SERVER ft_loop OPTIONS (table_name 'ft_people')");
            sql.execute("CREATE SCHEMA ft_mirror");
            sql.execute("CREATE FOREIGN TABLE ft_mirror.ft_customers (id int, name text)"
                    + " SERVER ft_loop OPTIONS (schema_name 'public')");
            // An unmasked colleague's export on the server's disk, read through a DBA's file_fdw table.
            export = "/tmp/tg-ft-export-" + System.nanoTime() + ".csv";
            sql.execute("COPY (SELECT name FROM ft_customers) TO '" + export + "'");
            sql.execute("CREATE SERVER ft_files FOREIGN DATA WRAPPER file_fdw");
            sql.execute("CREATE FOREIGN TABLE ft_export (line text) SERVER ft_files OPTIONS (filename '" + export + "')");
            sql.execute("CREATE DATABASE " + FAR_DATABASE);
        }
        try (Connection far = TestTarget.get().getDatabase(TestTarget.TRUST_USER, FAR_DATABASE).getConnection();
             Statement sql = far.createStatement()) {
            for (String table : List.of("ft_far_people", "ft_far_staff")) {
                sql.execute("CREATE TABLE " + table + " (id int PRIMARY KEY, name text)");
                for (int i = 0; i < NAMES.size(); i++) {
                    sql.execute("INSERT INTO " + table + " VALUES (" + (i + 1) + ", '" + NAMES.get(i) + "')");
                }
            }
        }
        try (Connection direct = TestTarget.direct(); Statement sql = direct.createStatement()) {
            // A DBA's server for another database: its tables are not in this catalog, so the
            // policy's rules for their names are all the gateway knows of them.
            sql.execute("CREATE SERVER ft_far FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host '127.0.0.1', port '"
                    + TestTarget.port() + "', dbname '" + FAR_DATABASE + "')");
            sql.execute("CREATE USER MAPPING FOR PUBLIC SERVER ft_far OPTIONS (user '" + TestTarget.TRUST_USER + "')");
            sql.execute("CREATE FOREIGN TABLE ft_far_renamed (id int, who text OPTIONS (column_name 'name'))"
                    + " SERVER ft_far OPTIONS (table_name 'ft_far_people')");
            // A wrapper other than postgres_fdw (oracle_fdw, mysql_fdw, tds_fdw, multicorn) names
            // what it reads in options of its own: oracle_fdw's table may be a subquery.
            sql.execute("CREATE FOREIGN DATA WRAPPER ft_oracle");
            sql.execute("CREATE SERVER ft_ora FOREIGN DATA WRAPPER ft_oracle");
            sql.execute("CREATE FOREIGN TABLE ft_ora_people (id int, who text) SERVER ft_ora"
                    + " OPTIONS (table '(SELECT id, name FROM ft_customers)')");
            // Its own name is the named table's: only the column is renamed.
            sql.execute("CREATE FOREIGN TABLE ft_far_staff (id int, who text OPTIONS (column_name 'name'))"
                    + " SERVER ft_far");
        }
        gateway = TestGateway.start(List.of(), POLICY);
    }

    @AfterAll
    static void stop() throws SQLException {
        gateway.close();
        try (Connection direct = TestTarget.direct(); Statement sql = direct.createStatement()) {
            dropAll(sql);
        }
    }

    private static void dropAll(Statement sql) throws SQLException {
        sql.execute("DROP SCHEMA IF EXISTS ft_mirror, ft_imported CASCADE");
        sql.execute("DROP SERVER IF EXISTS ft_loop, ft_files, ft_far, ft_ora CASCADE");
        sql.execute("DROP FOREIGN DATA WRAPPER IF EXISTS ft_oracle CASCADE");
        sql.execute("DROP DATABASE IF EXISTS " + FAR_DATABASE + " WITH (FORCE)");
        sql.execute("DROP VIEW IF EXISTS ft_people");
        sql.execute("DROP TABLE IF EXISTS ft_customers");
    }

    static Stream<String> attempts() {
        return Stream.of(
                "SELECT who FROM ft_remote",
                "SELECT upper(who) FROM ft_remote",
                "SELECT string_agg(who, ',') FROM ft_remote",
                "SELECT r.who || '' FROM ft_remote r WHERE r.id > 0",
                "SELECT name FROM ft_remote_people",
                "SELECT reverse(name) FROM ft_remote_people",
                "SELECT name FROM ft_mirror.ft_customers",
                "SELECT lower(name) FROM ft_mirror.ft_customers",
                "SELECT line FROM ft_export", "SELECT upper(line) FROM ft_export",
                "SELECT who FROM ft_far_renamed", "SELECT upper(who) FROM ft_far_renamed",
                "SELECT who FROM ft_far_staff", "SELECT reverse(who) FROM ft_far_staff");
    }

    @ParameterizedTest
    @MethodSource("attempts")
    void aDbasForeignTableHandsNoNameInClear(String attempt) throws SQLException {
        for (String mode : List.of("simple", "extended")) {
            assertThat(LEAKS.leaksIn(received(attempt, mode))).as(mode + ": " + attempt).isEmpty();
        }
    }

    @Test
    void aForeignTableOfAnotherWrapperIsReadAsAnUnknownQuery() throws SQLException {
        try (Connection c = ReceivedTexts.connect(gateway, "alice", TestGateway.ALICE_TOKEN, "simple");
             Statement statement = c.createStatement()) {
            for (String sql : List.of("SELECT who FROM ft_ora_people", "SELECT id, upper(who) FROM ft_ora_people")) {
                assertThatThrownBy(() -> statement.execute(sql)).as(sql)
                        .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("42501"))
                        .hasMessageContaining("tracegate: blocked by policy rule mask-personal-data");
            }
        }
    }

    @Test
    void aForeignTableTheCallerMakesHandsNoNameInClear() throws SQLException {
        List<String> received = new ArrayList<>();
        try (Connection c = ReceivedTexts.connect(gateway, "alice", TestGateway.ALICE_TOKEN, "simple")) {
            for (String sql : List.of(
                    "CREATE FOREIGN TABLE ft_loot (v text OPTIONS (column_name 'name')) SERVER ft_loop"
                            + " OPTIONS (schema_name 'public', table_name 'ft_customers')",
                    "SELECT v FROM ft_loot", "SELECT v || '!' FROM ft_loot",
                    "CREATE SCHEMA ft_imported",
                    "IMPORT FOREIGN SCHEMA public LIMIT TO (ft_customers, ft_people) FROM SERVER ft_loop INTO ft_imported",
                    "SELECT name FROM ft_imported.ft_customers", "SELECT name FROM ft_imported.ft_people",
                    "SELECT initcap(name) FROM ft_imported.ft_people")) {
                try {
                    ReceivedTexts.run(c, sql, "simple", received);
                } catch (SQLException e) {
                    received.add(e.getMessage());
                }
            }
        }
        assertThat(LEAKS.leaksIn(received)).isEmpty();
    }

    @Test
    void whatAForeignTableCarriesUnprotectedStaysReadable() throws SQLException {
        List<String> received = new ArrayList<>();
        try (Connection c = ReceivedTexts.connect(gateway, "alice", TestGateway.ALICE_TOKEN, "extended")) {
            ReceivedTexts.run(c, "SELECT id, tier + 1 FROM ft_remote ORDER BY id", "extended", received);
            ReceivedTexts.run(c, "SELECT who FROM ft_remote ORDER BY id", "extended", received);
        }
        assertThat(received).hasSize(9);
        assertThat(received.subList(0, 6)).containsExactly("1", "2", "2", "2", "3", "2");
        // Masked as the table's column is, not refused: the pseudonym, not the name.
        assertThat(received.subList(6, 9)).doesNotContainAnyElementsOf(NAMES).doesNotContainNull();
    }

    private static List<String> received(String attempt, String mode) throws SQLException {
        return ReceivedTexts.attempt(gateway, "alice", TestGateway.ALICE_TOKEN, attempt, mode);
    }
}
