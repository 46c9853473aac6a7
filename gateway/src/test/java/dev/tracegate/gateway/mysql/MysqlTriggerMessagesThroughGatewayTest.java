package dev.tracegate.gateway.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracegate.gateway.TestGateway;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A trigger's {@code SIGNAL} quotes the row it fires on (or any row it reads) in the error a
 * masked caller's write receives, though the write names no protected column: MySQL's errors carry
 * no context that marks them as raised by code, and {@code SIGNAL} chooses any SQLSTATE and error
 * code, a not-null violation's 1048 included, whose text the gateway otherwise passes. Names have
 * no shape a content detector finds. The texts of writes to tables with triggers (directly, or
 * through a view) are withheld from masked callers, keeping code and SQLSTATE.
 */
class MysqlTriggerMessagesThroughGatewayTest {

    private static final String POLICY = MysqlGatewayFixture.maskingPolicy(
            "{match: tr_people.name, entity: person_name, strategy: hash}");
    private static final String CLOSE = "UPDATE tr_people SET status = 'closed' WHERE id = 1";

    private static MysqlGatewayFixture mysql;

    @BeforeAll
    static void start() throws IOException {
        mysql = MysqlGatewayFixture.start(POLICY,
                "DROP VIEW IF EXISTS shop.tr_orders_v",
                "DROP TABLE IF EXISTS shop.tr_people, shop.tr_orders",
                "CREATE TABLE shop.tr_people (id int PRIMARY KEY, status varchar(16), name varchar(64))",
                "INSERT INTO shop.tr_people VALUES (1, 'open', 'Ada Lovelace'), (2, 'open', 'Grace Hopper')",
                "CREATE TABLE shop.tr_orders (id int PRIMARY KEY, person_id int, item varchar(32))",
                "CREATE VIEW shop.tr_orders_v AS SELECT id, person_id, item FROM shop.tr_orders",
                // The mariadb client splits its input at the delimiter: a trigger's body holds semicolons.
                "DELIMITER //\n"
                        + "CREATE TRIGGER shop.tr_people_update BEFORE UPDATE ON shop.tr_people FOR EACH ROW BEGIN"
                        + " DECLARE m varchar(200); SET m = CONCAT('cannot change ', OLD.name);"
                        + " SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = m; END//\n"
                        + "CREATE TRIGGER shop.tr_people_delete BEFORE DELETE ON shop.tr_people FOR EACH ROW BEGIN"
                        + " DECLARE m varchar(200); SET m = CONCAT('never delete ', OLD.name);"
                        + " SIGNAL SQLSTATE '23000' SET MYSQL_ERRNO = 1048, MESSAGE_TEXT = m; END//\n"
                        + "CREATE TRIGGER shop.tr_orders_insert BEFORE INSERT ON shop.tr_orders FOR EACH ROW BEGIN"
                        + " DECLARE m varchar(200); SELECT CONCAT('no orders for ', name) INTO m FROM shop.tr_people"
                        + " WHERE id = NEW.person_id; SIGNAL SQLSTATE 'HY000' SET MYSQL_ERRNO = 1105, MESSAGE_TEXT = m;"
                        + " END//\n"
                        + "DELIMITER ");
    }

    @AfterAll
    static void stop() {
        mysql.close();
    }

    @Test
    void aTriggersSignalOnAMaskedCallersWriteKeepsItsCodeAndWithholdsItsText() throws Exception {
        try (Connection admin = mysql.connect(TestGateway.ADMIN_TOKEN); Statement sql = admin.createStatement()) {
            assertThatThrownBy(() -> sql.executeUpdate(CLOSE)).as("what the trigger's text carries")
                    .hasMessageContaining("cannot change Ada Lovelace");
        }
        try (Connection alice = mysql.connect(TestGateway.ALICE_TOKEN); Statement sql = alice.createStatement()) {
            assertWithheld(() -> sql.executeUpdate(CLOSE), 1644, "45000");
            // SIGNAL may choose a code whose server text names only a column.
            assertWithheld(() -> sql.executeUpdate("DELETE FROM tr_people WHERE id = 2"), 1048, "23000");
            // A table that holds nothing protected, whose trigger reads one that does; directly and through a view.
            assertWithheld(() -> sql.executeUpdate("INSERT INTO tr_orders (id, person_id, item) VALUES (1, 1, 'book')"),
                    1105, "HY000");
            assertWithheld(() -> sql.executeUpdate("INSERT INTO `tr_orders_v` VALUES (2, 2, 'pen')"), 1105, "HY000");
            // Reads fire no trigger, and keep their errors' texts.
            assertThatThrownBy(() -> sql.executeQuery("SELECT no_such_column FROM tr_orders"))
                    .hasMessageContaining("no_such_column");
        }
        assertThat(mysql.gateway.events("command.result", 0).toString())
                .doesNotContain("Lovelace").doesNotContain("Hopper");
    }

    @Test
    void aPreparedWriteIsWithheldTheSame() throws Exception {
        try (Connection alice = mysql.connect(TestGateway.ALICE_TOKEN, "&useServerPrepStmts=true");
             PreparedStatement close = alice.prepareStatement("UPDATE tr_people SET status = ? WHERE id = ?")) {
            close.setString(1, "closed");
            close.setInt(2, 2);
            assertWithheld(close::executeUpdate, 1644, "45000");
        }
    }

    private static void assertWithheld(ThrowingCallable write, int code, String sqlState) {
        assertThatThrownBy(write).isInstanceOfSatisfying(SQLException.class, e -> {
            assertThat(e.getErrorCode()).isEqualTo(code);
            assertThat(e.getSQLState()).isEqualTo(sqlState);
        }).hasMessageContaining("tracegate: message withheld").hasMessageNotContaining("Lovelace")
                .hasMessageNotContaining("Hopper");
    }

}
