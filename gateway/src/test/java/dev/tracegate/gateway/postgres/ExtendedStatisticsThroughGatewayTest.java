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
 * Extended statistics a DBA made on an expression ({@code CREATE STATISTICS ... ON (name::int)})
 * are computed by {@code ANALYZE} on every sampled row, and a cast that fails quotes the value:
 * a masked caller's {@code ANALYZE es_customers}, a plain {@code ANALYZE} or {@code VACUUM
 * ANALYZE} answered {@code invalid input syntax for type integer: "Ada Lovelace"}. Through the
 * gateway with pgjdbc, no name may reach the masked caller.
 */
class ExtendedStatisticsThroughGatewayTest {

    private static final String POLICY = """
            defaults:
              action: allow
            masking:
              profiles:
                personal-data:
                  columns:
                    - {match: es_customers.name, entity: person_name, strategy: hash}
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
        }
        gateway = TestGateway.start(List.of(), POLICY);
    }

    /** The target is shared by every test class: a plain ANALYZE elsewhere must not meet these statistics. */
    @AfterAll
    static void stop() throws SQLException {
        gateway.close();
        try (Connection direct = TestTarget.direct(); Statement sql = direct.createStatement()) {
            sql.execute("DROP TABLE IF EXISTS es_customers");
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
}
