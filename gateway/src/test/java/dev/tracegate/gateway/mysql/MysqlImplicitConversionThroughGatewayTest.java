package dev.tracegate.gateway.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracegate.gateway.TestGateway;
import java.io.IOException;
import java.sql.Connection;
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

    private static final String POLICY = MysqlGatewayFixture.maskingPolicy(
            "{match: ic_people.name, entity: person_name, strategy: redact, uses: [lookup, sort]}");

    private static MysqlGatewayFixture mysql;

    @BeforeAll
    static void start() throws IOException {
        mysql = MysqlGatewayFixture.start(POLICY,
                "DROP TABLE IF EXISTS shop.ic_people",
                "CREATE TABLE shop.ic_people (id int PRIMARY KEY, name varchar(64))",
                "INSERT INTO shop.ic_people VALUES (1, 'Ada Lovelace'), (2, 'Grace Hopper')");
    }

    @AfterAll
    static void stop() {
        mysql.close();
    }

    @Test
    void warningsOfAComparisonThatConvertsNamesAreWithheld() throws Exception {
        List<String> comparisons = List.of("SELECT id FROM ic_people WHERE name = 0",
                "SELECT id FROM ic_people WHERE name IN (0, 1)", "SELECT id FROM ic_people WHERE name < 0");
        try (Connection admin = mysql.connect(TestGateway.ADMIN_TOKEN); Statement sql = admin.createStatement()) {
            sql.executeQuery(comparisons.getFirst()).close();
            assertThat(MysqlErrorTextThroughGatewayTest.warnings(sql)).as("what the warnings carry")
                    .anyMatch(m -> m.contains("Ada Lovelace"));
        }
        try (Connection alice = mysql.connect(TestGateway.ALICE_TOKEN); Statement sql = alice.createStatement()) {
            for (String comparison : comparisons) {
                assertWarningsWithheld(sql, comparison);
            }
        }
    }

    /** Runs {@code query} and asserts that the warnings it leaves are there, each withheld, naming nobody. */
    static void assertWarningsWithheld(Statement sql, String query) throws SQLException {
        sql.executeQuery(query).close();
        List<String> withheld = MysqlErrorTextThroughGatewayTest.warnings(sql);
        assertThat(withheld).as(query).isNotEmpty().allMatch(m -> m.startsWith("tracegate: message withheld"));
        assertThat(String.join("\n", withheld)).as(query).doesNotContain("Lovelace", "Hopper");
    }

}
