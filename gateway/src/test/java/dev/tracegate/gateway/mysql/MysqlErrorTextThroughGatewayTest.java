package dev.tracegate.gateway.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracegate.gateway.TestGateway;
import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A masked caller whose profile grants {@code any} on names may compute on them in conditions;
 * MariaDB then quotes the value a conversion failed on, in a warning that {@code SHOW WARNINGS}
 * (or {@code GET DIAGNOSTICS}) reads back later ({@code Truncated incorrect DOUBLE value: 'Ada
 * Lovelace'}). Names have no shape a content detector finds. The admin, who sees clear text, shows what the texts carry.
 */
class MysqlErrorTextThroughGatewayTest {

    private static final String POLICY = MysqlGatewayFixture.maskingPolicy(
            "{match: et_people.name, entity: person_name, strategy: hash, uses: [any]}");

    private static MysqlGatewayFixture mysql;

    @BeforeAll
    static void start() throws IOException {
        mysql = MysqlGatewayFixture.start(POLICY,
                "DROP TABLE IF EXISTS shop.et_people",
                "CREATE TABLE shop.et_people (id int PRIMARY KEY, name varchar(64))",
                "INSERT INTO shop.et_people VALUES (1, 'Ada Lovelace'), (2, 'Grace Hopper')");
    }

    @AfterAll
    static void stop() {
        mysql.close();
    }

    @Test
    void warningsOfAStatementThatComputesOnAGrantedColumnAreWithheld() throws Exception {
        String computing = "SELECT id FROM et_people WHERE name + 0 = 1";
        try (Connection admin = mysql.connect(TestGateway.ADMIN_TOKEN); Statement sql = admin.createStatement()) {
            sql.executeQuery(computing).close();
            assertThat(warnings(sql)).as("what the warnings carry").anyMatch(m -> m.contains("Ada Lovelace"));
        }
        try (Connection alice = mysql.connect(TestGateway.ALICE_TOKEN); Statement sql = alice.createStatement()) {
            sql.executeQuery(computing).close();
            List<String> withheld = warnings(sql);
            assertThat(withheld).isNotEmpty().allMatch(m -> m.startsWith("tracegate: message withheld"));
            assertThat(String.join("\n", withheld)).doesNotContain("Ada", "Grace", "Lovelace");
            assertThatThrownBy(() -> sql.execute("GET DIAGNOSTICS CONDITION 1 @m = MESSAGE_TEXT"))
                    .isInstanceOf(SQLException.class).hasMessageContaining("GET DIAGNOSTICS");
            assertThatThrownBy(() -> sql.execute("/* x */ get  current diagnostics condition 1 @m = message_text"))
                    .isInstanceOf(SQLException.class).hasMessageContaining("GET DIAGNOSTICS");
        }
    }

    @Test
    void statementsThatComputeOnNothingProtectedKeepTheirWarnings() throws Exception {
        try (Connection alice = mysql.connect(TestGateway.ALICE_TOKEN); Statement sql = alice.createStatement()) {
            sql.executeQuery("SELECT 'abc' + 0").close();
            assertThat(warnings(sql)).anyMatch(m -> m.contains("'abc'"));
        }
        assertThat(mysql.gateway.events("command.result", 0).toString()).doesNotContain("Ada Lovelace");
    }

    /** The messages {@code SHOW WARNINGS} answers with, as the caller reads them. */
    static List<String> warnings(Statement sql) throws SQLException {
        List<String> messages = new ArrayList<>();
        try (ResultSet rows = sql.executeQuery("SHOW WARNINGS")) {
            while (rows.next()) {
                messages.add(rows.getString("Message"));
            }
        }
        return messages;
    }

}
