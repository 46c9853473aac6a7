package dev.tracegate.gateway.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracegate.gateway.TestGateway;
import java.io.IOException;
import java.sql.Connection;
import java.sql.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A profile that grants only {@code year} on a birth date kept as text: the server reads each stored
 * text as a date to take its year, and quotes one that is none in a warning ({@code Incorrect
 * datetime value: 'Grace Hopper, 9 Dec 1906'}); the masked caller's warnings are withheld.
 */
class MysqlYearOfTextThroughGatewayTest {

    private static final String YEAR = "SELECT EXTRACT(YEAR FROM born) FROM yt_people";
    private static MysqlGatewayFixture mysql;

    @BeforeAll
    static void start() throws IOException {
        mysql = MysqlGatewayFixture.start(MysqlGatewayFixture.maskingPolicy(
                        "{match: yt_people.born, entity: date_of_birth, strategy: redact, uses: [year]}"),
                "DROP TABLE IF EXISTS shop.yt_people", "CREATE TABLE shop.yt_people (id int PRIMARY KEY, born varchar(64))",
                "INSERT INTO shop.yt_people VALUES (1, '1815-12-10'), (2, 'Grace Hopper, 9 Dec 1906')");
    }

    @AfterAll
    static void stop() {
        mysql.close();
    }

    @Test
    void warningsOfAYearOfTextAreWithheld() throws Exception {
        try (Connection admin = mysql.connect(TestGateway.ADMIN_TOKEN); Statement sql = admin.createStatement()) {
            sql.executeQuery(YEAR).close();
            assertThat(MysqlErrorTextThroughGatewayTest.warnings(sql)).anyMatch(m -> m.contains("Grace Hopper"));
        }
        try (Connection alice = mysql.connect(TestGateway.ALICE_TOKEN); Statement sql = alice.createStatement()) {
            MysqlImplicitConversionThroughGatewayTest.assertWarningsWithheld(sql, YEAR);
        }
    }
}
