package dev.tracegate.gateway.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracegate.gateway.TestGateway;
import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A trigger that copies the row it fires on into a user variable ({@code SET @last = OLD.name})
 * hands it to the session whose write fired it: a masked caller's {@code UPDATE} that names no
 * protected column, then {@code SELECT @last} or {@code SELECT REVERSE(@last)}, an expression the
 * masker cannot name and a name no detector finds. The gateway reads the triggers' bodies and
 * refuses a masked caller's statement that names a variable one of them names, and MariaDB's list of
 * the session's variables ({@code information_schema.USER_VARIABLES}, {@code SHOW USER_VARIABLES});
 * other variables stay free.
 */
class MysqlTriggerVariablesThroughGatewayTest {

    private static final String POLICY = MysqlGatewayFixture.maskingPolicy(
            "{match: tv_people.name, entity: person_name, strategy: hash}");
    private static final String SEEN = "UPDATE tv_people SET status = 'seen' WHERE id = 1";

    private static MysqlGatewayFixture mysql;

    @BeforeAll
    static void start() throws IOException {
        mysql = MysqlGatewayFixture.start(POLICY,
                "DROP TABLE IF EXISTS shop.tv_people",
                "CREATE TABLE shop.tv_people (id int PRIMARY KEY, status varchar(16), name varchar(64))",
                "INSERT INTO shop.tv_people VALUES (1, 'open', 'Ada Lovelace'), (2, 'open', 'Grace Hopper')",
                "CREATE TRIGGER shop.tv_people_update AFTER UPDATE ON shop.tv_people FOR EACH ROW SET @`Last` = OLD.name");
    }

    @AfterAll
    static void stop() {
        mysql.close();
    }

    @Test
    void aVariableATriggerSetsFromARowIsRefusedToMaskedCallers() throws Exception {
        try (Connection admin = mysql.connect(TestGateway.ADMIN_TOKEN); Statement sql = admin.createStatement()) {
            sql.executeUpdate(SEEN);
            assertThat(one(sql, "SELECT @last")).as("what the trigger leaves in the session").isEqualTo("Ada Lovelace");
        }
        try (Connection alice = mysql.connect(TestGateway.ALICE_TOKEN); Statement sql = alice.createStatement()) {
            assertThat(sql.executeUpdate(SEEN)).isEqualTo(1);
            for (String read : List.of("SELECT @last", "SELECT REVERSE(@last)", "SELECT @`LAST`", "SELECT @'last'",
                    "SELECT CONCAT(@last, '')")) {
                assertThatThrownBy(() -> one(sql, read)).as(read).isInstanceOf(SQLException.class)
                        .hasMessageContaining("blocked by policy rule mask-personal-data")
                        .hasMessageContaining("trigger").hasMessageNotContaining("Lovelace");
            }
            // MariaDB lists every user variable of the session, the trigger's copy among them, without naming it.
            for (String list : List.of("SELECT VARIABLE_VALUE FROM information_schema.USER_VARIABLES",
                    "SELECT REVERSE(VARIABLE_VALUE) FROM `INFORMATION_SCHEMA`.`user_variables`", "SHOW USER_VARIABLES")) {
                assertThatThrownBy(() -> one(sql, list)).as(list).isInstanceOf(SQLException.class)
                        .hasMessageContaining("blocked by policy rule mask-personal-data")
                        .hasMessageNotContaining("Lovelace");
            }
            sql.execute("SET @mine = 'mine'");
            assertThat(one(sql, "SELECT @mine")).as("a variable no trigger names").isEqualTo("mine");
        }
    }

    private static String one(Statement sql, String query) throws SQLException {
        try (ResultSet rows = sql.executeQuery(query)) {
            assertThat(rows.next()).isTrue();
            return rows.getString(1);
        }
    }
}
