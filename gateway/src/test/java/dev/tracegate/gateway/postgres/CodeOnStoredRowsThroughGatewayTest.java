package dev.tracegate.gateway.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracegate.gateway.TestGateway;
import dev.tracegate.gateway.TestTarget;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Code a DBA attached to a table computes on its stored rows, and a cast in it that fails quotes
 * the value: extended statistics on an expression ({@code CREATE STATISTICS ... ON (name::int)})
 * under a masked caller's {@code ANALYZE es_customers}, a plain {@code ANALYZE} or {@code VACUUM
 * ANALYZE}; a check constraint added {@code NOT VALID} ({@code CHECK (name::int > 0 OR tier > 5)})
 * or an index expression that casts only some rows ({@code CASE WHEN tier > 3 THEN name::int END})
 * under an {@code UPDATE es_accounts SET tier = ...} that names no protected column. Each answered
 * {@code invalid input syntax for type integer: "Ada Lovelace"}. Through the gateway with pgjdbc,
 * no name may reach the masked caller.
 */
class CodeOnStoredRowsThroughGatewayTest {

    private static final String POLICY = """
            defaults:
              action: allow
            masking:
              profiles:
                personal-data:
                  columns:
                    - {match: es_customers.name, entity: person_name, strategy: hash}
                    - {match: es_accounts.name, entity: person_name, strategy: hash}
            rules:
              - name: mask-personal-data
                connections: [app]
                exceptGroups: [admins]
                mask: personal-data
            """;
    private static final List<String> NAMES = List.of("Ada Lovelace", "Grace Hopper");
    private static final LeakSearch LEAKS = new LeakSearch(Set.copyOf(NAMES), Set.of());

    private static TestGateway gateway;

    @BeforeAll
    static void start() throws SQLException {
        try (Connection direct = TestTarget.direct(); Statement sql = direct.createStatement()) {
            sql.execute("DROP TABLE IF EXISTS es_customers");
            sql.execute("CREATE TABLE es_customers (id int, name text)");
            sql.execute("INSERT INTO es_customers VALUES (1, 'Ada Lovelace'), (2, 'Grace Hopper')");
            sql.execute("CREATE STATISTICS es_by_number ON (name::int), id FROM es_customers");
            sql.execute("DROP TABLE IF EXISTS es_accounts");
            sql.execute("CREATE TABLE es_accounts (id int PRIMARY KEY, name text, tier int)");
            sql.execute("INSERT INTO es_accounts VALUES (1, 'Ada Lovelace', 1), (2, 'Grace Hopper', 1)");
            // For new rows only: the stored ones were never checked.
            sql.execute("ALTER TABLE es_accounts ADD CONSTRAINT es_numbered CHECK (name::int > 0 OR tier > 5) NOT VALID");
            sql.execute("CREATE INDEX es_numbers ON es_accounts ((CASE WHEN tier = 4 THEN name::int END))");
        }
        gateway = TestGateway.start(List.of(), POLICY);
    }

    /** The target is shared by every test class: a plain ANALYZE elsewhere must not meet these statistics. */
    @AfterAll
    static void stop() throws SQLException {
        gateway.close();
        try (Connection direct = TestTarget.direct(); Statement sql = direct.createStatement()) {
            sql.execute("DROP TABLE IF EXISTS es_customers, es_accounts");
        }
    }

    @Test
    void analyzeComputesNoStatisticsExpressionForAMaskedCaller() throws SQLException {
        for (String analyze : List.of("ANALYZE es_customers", "ANALYZE VERBOSE es_customers (name)",
                "VACUUM ANALYZE es_customers", "VACUUM (ANALYZE) public.es_customers", "ANALYZE")) {
            for (String mode : List.of("simple", "extended")) {
                List<String> received = new ArrayList<>();
                try (Connection c = ReceivedTexts.connect(gateway, "alice", TestGateway.ALICE_TOKEN, mode)) {
                    try {
                        ReceivedTexts.run(c, analyze, mode, received);
                    } catch (SQLException e) {
                        received.add(e.getMessage());
                    }
                }
                assertThat(LEAKS.leaksIn(received)).as(mode + ": " + analyze).isEmpty();
                assertThat(received).as(mode + ": " + analyze)
                        .anyMatch(text -> text.contains("blocked by policy rule mask-personal-data"));
            }
        }
    }

    @Test
    void aWriteWhoseCheckOrIndexCastsAStoredNameQuotesNoName() throws SQLException {
        for (String update : List.of("UPDATE es_accounts SET tier = 2 WHERE id = 1", "UPDATE es_accounts SET tier = 4")) {
            for (String mode : List.of("simple", "extended")) {
                List<String> received = new ArrayList<>();
                SQLException failed = null;
                try (Connection c = ReceivedTexts.connect(gateway, "alice", TestGateway.ALICE_TOKEN, mode)) {
                    try {
                        ReceivedTexts.run(c, update, mode, received);
                    } catch (SQLException e) {
                        failed = e;
                        received.add(e.getMessage());
                        received.add(e.getSQLState());
                    }
                }
                assertThat(LEAKS.leaksIn(received)).as(mode + ": " + update).isEmpty();
                assertThat((Throwable) failed).as(mode + ": " + update).isNotNull();
                assertThat(failed.getSQLState()).as("the server's SQLSTATE stays").isEqualTo("22P02");
            }
        }
    }
}
