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
 * A trigger a DBA wrote copies protected rows into a table no rule protects, on a masked caller's
 * write that names no protected column: {@code UPDATE tc_people SET status = ...} whose trigger
 * inserts {@code OLD.name} into tc_audit, an insert into tc_orders (or through a view of it) whose
 * trigger selects every name, an insert into tc_queue whose trigger calls a procedure that does.
 * The caller then reads tc_audit in clear: names have no shape a detector finds. Such writes are
 * refused to masked callers; a trigger that writes nothing (sets a column of its own row) stays
 * out of the way (docs/masking.md, "Code in the database").
 */
class MysqlTriggerCopiesThroughGatewayTest {

    private static final String POLICY = MysqlGatewayFixture.maskingPolicy(
            "{match: tc_people.name, entity: person_name, strategy: hash}");
    private static final List<String> WRITES = List.of(
            "UPDATE tc_people SET status = 'seen' WHERE id = 1",
            "INSERT INTO tc_orders (id, item) VALUES (1, 'book')",
            "INSERT INTO `tc_orders_v` (id, item) VALUES (2, 'pen')",
            "REPLACE INTO tc_orders (id, item) VALUES (3, 'ink')",
            "INSERT INTO tc_queue VALUES (1)");

    private static MysqlGatewayFixture mysql;

    private static final String[] DROP = {
            "DROP VIEW IF EXISTS shop.tc_orders_v",
            "DROP TABLE IF EXISTS shop.tc_people, shop.tc_audit, shop.tc_orders, shop.tc_queue, shop.tc_notes",
            "DROP PROCEDURE IF EXISTS shop.tc_copy"};

    @BeforeAll
    static void start() throws IOException {
        TestMariaDb.get().sql(DROP);
        mysql = MysqlGatewayFixture.start(POLICY,
                "CREATE TABLE shop.tc_people (id int PRIMARY KEY, status varchar(16), name varchar(64))",
                "INSERT INTO shop.tc_people VALUES (1, 'open', 'Ada Lovelace'), (2, 'open', 'Grace Hopper')",
                "CREATE TABLE shop.tc_audit (v varchar(200))",
                "CREATE TABLE shop.tc_orders (id int PRIMARY KEY, item varchar(32))",
                "CREATE VIEW shop.tc_orders_v AS SELECT id, item FROM shop.tc_orders",
                "CREATE TABLE shop.tc_queue (id int)",
                "CREATE TABLE shop.tc_notes (id int, body varchar(32), touched datetime)",
                "CREATE TRIGGER shop.tc_people_update AFTER UPDATE ON shop.tc_people FOR EACH ROW"
                        + " INSERT INTO shop.tc_audit VALUES (OLD.name)",
                "CREATE TRIGGER shop.tc_orders_insert AFTER INSERT ON shop.tc_orders FOR EACH ROW"
                        + " INSERT INTO shop.tc_audit SELECT `name` FROM `shop`.`tc_people`",
                "CREATE PROCEDURE shop.tc_copy() INSERT INTO shop.tc_audit SELECT name FROM shop.tc_people",
                "CREATE TRIGGER shop.tc_queue_insert AFTER INSERT ON shop.tc_queue FOR EACH ROW CALL shop.tc_copy()",
                "CREATE TRIGGER shop.tc_notes_insert BEFORE INSERT ON shop.tc_notes FOR EACH ROW SET NEW.touched = NOW()");
    }

    /** The server is shared by every test class: a trigger that calls a routine would make every user variable refused there. */
    @AfterAll
    static void stop() {
        mysql.close();
        mysql.mariadb.sql(DROP);
    }

    @Test
    void aWriteWhoseTriggerCopiesProtectedRowsIsRefusedToMaskedCallers() throws Exception {
        try (Connection alice = mysql.connect(TestGateway.ALICE_TOKEN); Statement sql = alice.createStatement()) {
            for (String write : WRITES) {
                assertThatThrownBy(() -> sql.executeUpdate(write)).as(write).isInstanceOf(SQLException.class)
                        .hasMessageContaining("blocked by policy rule mask-personal-data")
                        .hasMessageContaining("runs code of the database");
            }
            try (ResultSet rows = sql.executeQuery("SELECT v FROM tc_audit")) {
                assertThat(rows.next()).as("nothing copied into tc_audit").isFalse();
            }
            assertThat(sql.executeUpdate("INSERT INTO tc_notes (id, body) VALUES (1, 'hello')"))
                    .as("a trigger that writes nothing").isEqualTo(1);
            try (ResultSet rows = sql.executeQuery("SELECT count(*) FROM tc_orders")) {
                assertThat(rows.next()).isTrue();
                assertThat(rows.getInt(1)).as("reads fire no trigger").isZero();
            }
        }
        try (Connection admin = mysql.connect(TestGateway.ADMIN_TOKEN); Statement sql = admin.createStatement()) {
            sql.executeUpdate("UPDATE tc_people SET status = 'seen' WHERE id = 1");
            try (ResultSet rows = sql.executeQuery("SELECT v FROM tc_audit")) {
                assertThat(rows.next()).as("what the trigger copies for a caller who sees personal data").isTrue();
                assertThat(rows.getString(1)).isEqualTo("Ada Lovelace");
            }
        }
    }
}
