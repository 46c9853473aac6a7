package dev.tracegate.gateway.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracegate.gateway.TestGateway;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A masked caller whose profile grants only {@code lookup} and {@code sort} on names compares
 * them with a number: MySQL converts every stored name to compare it, and warns once per name that
 * does not fit, quoting it ({@code Truncated incorrect DECIMAL value: 'Ada Lovelace'}), for
 * {@code SHOW WARNINGS} to read. Names have no shape a content detector finds. The admin, who sees
 * clear text, shows what the warnings carry.
 */
class MysqlImplicitConversionThroughGatewayTest {

    private static final String POLICY = """
            defaults:
              action: allow
            masking:
              profiles:
                personal-data:
                  columns:
                    - {match: ic_people.name, entity: person_name, strategy: redact, uses: [lookup, sort]}
            rules:
              - name: mask-personal-data
                connections: [shop]
                exceptGroups: [admins]
                mask: personal-data
              - name: mysql-text
                connections: [shop]
                classes: [unknown]
                action: allow
            """;

    private static TestGateway gateway;

    @BeforeAll
    static void start() throws IOException {
        TestMariaDb mariadb = TestMariaDb.get();
        mariadb.sql("DROP TABLE IF EXISTS shop.ic_people",
                "CREATE TABLE shop.ic_people (id int PRIMARY KEY, name varchar(64))",
                "INSERT INTO shop.ic_people VALUES (1, 'Ada Lovelace'), (2, 'Grace Hopper')");
        gateway = TestGateway.start(MysqlThroughGatewayTest.connections(mariadb), POLICY, 4 * 1024 * 1024);
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    @Test
    void warningsOfAComparisonThatConvertsNamesAreWithheld() throws Exception {
        List<String> comparisons = List.of("SELECT id FROM ic_people WHERE name = 0",
                "SELECT id FROM ic_people WHERE name IN (0, 1)", "SELECT id FROM ic_people WHERE name < 0");
        try (Connection admin = connect(TestGateway.ADMIN_TOKEN); Statement sql = admin.createStatement()) {
            sql.executeQuery(comparisons.getFirst()).close();
            assertThat(MysqlErrorTextThroughGatewayTest.warnings(sql)).as("what the warnings carry")
                    .anyMatch(m -> m.contains("Ada Lovelace"));
        }
        try (Connection alice = connect(TestGateway.ALICE_TOKEN); Statement sql = alice.createStatement()) {
            for (String comparison : comparisons) {
                sql.executeQuery(comparison).close();
                List<String> withheld = MysqlErrorTextThroughGatewayTest.warnings(sql);
                assertThat(withheld).as(comparison).isNotEmpty().allMatch(m -> m.startsWith("tracegate: message withheld"));
                assertThat(String.join("\n", withheld)).as(comparison).doesNotContain("Lovelace", "Hopper");
            }
        }
    }

    private static Connection connect(String token) throws SQLException {
        return DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + gateway.gateway().port(MysqlEngine.PROTOCOL)
                + "/shop?sslMode=trust&user=analyst&password=" + token);
    }
}
