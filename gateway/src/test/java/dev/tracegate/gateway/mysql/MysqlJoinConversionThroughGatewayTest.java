package dev.tracegate.gateway.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracegate.gateway.TestGateway;
import java.io.IOException;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A profile that grants only {@code join}, on a text column and on a number column: MySQL compares
 * the two as numbers, converts every stored name to do it, and quotes each that does not fit in a
 * warning ({@code Truncated incorrect DOUBLE value: 'Ada Lovelace'}), as a {@code lookup} of a
 * number does ({@link MysqlImplicitConversionThroughGatewayTest}). The warnings a masked caller's
 * join leaves are withheld.
 */
class MysqlJoinConversionThroughGatewayTest {

    private static final String POLICY = MysqlGatewayFixture.maskingPolicy(
            "{match: jc_people.name, entity: person_name, strategy: redact, uses: [join]}\n"
                    + "        - {match: jc_badges.holder, entity: person_name, strategy: redact, uses: [join]}");

    private static MysqlGatewayFixture mysql;

    @BeforeAll
    static void start() throws IOException {
        mysql = MysqlGatewayFixture.start(POLICY,
                "DROP TABLE IF EXISTS shop.jc_people, shop.jc_badges",
                "CREATE TABLE shop.jc_people (id int PRIMARY KEY, name varchar(64))",
                "INSERT INTO shop.jc_people VALUES (1, 'Ada Lovelace'), (2, 'Grace Hopper')",
                "CREATE TABLE shop.jc_badges (id int PRIMARY KEY, holder int)",
                "INSERT INTO shop.jc_badges VALUES (1, 7)");
    }

    @AfterAll
    static void stop() {
        mysql.close();
    }

    @Test
    void warningsOfAJoinThatConvertsNamesAreWithheld() throws Exception {
        List<String> joins = List.of("SELECT p.id FROM jc_people p JOIN jc_badges b ON p.name = b.holder",
                "SELECT count(*) FROM jc_badges b, jc_people p WHERE b.holder = p.name");
        try (Connection admin = mysql.connect(TestGateway.ADMIN_TOKEN); Statement sql = admin.createStatement()) {
            for (String join : joins) {
                sql.executeQuery(join).close();
                assertThat(MysqlErrorTextThroughGatewayTest.warnings(sql)).as("what the warnings of " + join + " carry")
                        .anyMatch(m -> m.contains("Grace Hopper"));
            }
        }
        try (Connection alice = mysql.connect(TestGateway.ALICE_TOKEN); Statement sql = alice.createStatement()) {
            for (String join : joins) {
                MysqlImplicitConversionThroughGatewayTest.assertWarningsWithheld(sql, join);
            }
        }
    }
}
