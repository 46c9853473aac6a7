package dev.tracegate.gateway.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracegate.gateway.TestGateway;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Single-table UPDATE, DELETE, upserts and REPLACE whose conditions do not limit the rows they
 * change, through MariaDB Connector/J and the gateway to MariaDB: a WHERE on a subquery's own
 * tables ({@code WHERE EXISTS (SELECT 1 FROM dual)}), a test OR'd with its complement, and an
 * upsert or REPLACE of rows read from the table itself each change every row. They were WRITE and
 * ran past a rule blocking bulk writes; the table shows that none ran.
 */
class MysqlBulkWritesThroughGatewayTest {

    private static final String POLICY = """
            defaults:
              action: allow
            rules:
              - name: no-bulk-writes
                classes: [bulk_write]
                action: block
                reason: UPDATE or DELETE of every row is not allowed
            """;

    private static MysqlGatewayFixture mysql;

    @BeforeAll
    static void start() throws IOException {
        mysql = MysqlGatewayFixture.start(POLICY);
    }

    @AfterAll
    static void stop() {
        mysql.close();
    }

    @BeforeEach
    void table() {
        mysql.mariadb.sql("DROP TABLE IF EXISTS shop.bulk_guarded",
                "CREATE TABLE shop.bulk_guarded (id int PRIMARY KEY, v varchar(20))",
                "INSERT INTO shop.bulk_guarded VALUES (1, 'row'), (2, 'row'), (3, 'row')");
    }

    @Test
    void conditionsThatDoNotLimitTheChangedRowsAreRefusedAndRunNothing() throws Exception {
        try (Connection c = mysql.connect(TestGateway.ADMIN_TOKEN); Statement sql = c.createStatement()) {
            for (String bulk : List.of(
                    "DELETE FROM bulk_guarded WHERE EXISTS (SELECT 1 FROM dual)",
                    "UPDATE bulk_guarded SET v = 'gone' WHERE (SELECT COUNT(*) FROM customers) > 0",
                    "DELETE FROM bulk_guarded WHERE v IS NULL OR v IS NOT NULL",
                    "UPDATE bulk_guarded SET v = 'gone' WHERE (id) = bulk_guarded.id",
                    "DELETE FROM bulk_guarded WHERE id IN (SELECT id FROM (SELECT id FROM bulk_guarded) AS z)",
                    "INSERT INTO bulk_guarded SELECT id, 'gone' FROM bulk_guarded ON DUPLICATE KEY UPDATE v = 'gone'",
                    "REPLACE INTO bulk_guarded SELECT id, 'gone' FROM bulk_guarded")) {
                refusedAndRanNothing(sql, bulk);
            }
            assertThat(sql.executeUpdate("UPDATE bulk_guarded SET v = 'one' WHERE id = 2")).isEqualTo(1);
        }
    }

    /**
     * The schema's NOT NULL columns count on MySQL and MariaDB as on PostgreSQL (asked of
     * information_schema at each such write), and tests of one column against constants that
     * together admit every value count however bracketed: until 2026-12-07 each of these was WRITE
     * and changed every row past the rule.
     */
    @Test
    void aNotNullColumnsNullTestAndRangesCoveringEveryValueAreRefusedAndRunNothing() throws Exception {
        try (Connection c = mysql.connect(TestGateway.ADMIN_TOKEN); Statement sql = c.createStatement()) {
            for (String bulk : List.of(
                    "DELETE FROM bulk_guarded WHERE id IS NOT NULL",
                    "DELETE FROM `bulk_guarded` WHERE NOT `ID` IS NULL LIMIT 5",
                    "UPDATE bulk_guarded SET v = 'gone' WHERE id IS NULL OR shop.bulk_guarded.id IS NOT NULL",
                    "UPDATE bulk_guarded SET v = 'gone' WHERE (id < 2 OR v = 'x') OR id >= 2",
                    "DELETE FROM bulk_guarded WHERE id BETWEEN 1 AND 2 OR id < 1 OR id > 2",
                    "DELETE FROM bulk_guarded WHERE !(id < 2) OR id < 2",
                    "DELETE FROM bulk_guarded WHERE id IN (1, 2) OR id NOT IN (2, 1)",
                    "EXECUTE IMMEDIATE 'DELETE FROM bulk_guarded WHERE NOT id IS NULL'",
                    "DELETE FROM bulk_guarded WHERE _rowid IS NOT NULL")) {
                refusedAndRanNothing(sql, bulk);
            }
            // Text prepared to run later is judged as it will run: the PREPARE is refused, so no EXECUTE runs it.
            refusedAndRanNothing(sql, "PREPARE wipe FROM 'DELETE FROM bulk_guarded WHERE id IS NOT NULL'");
            assertThatThrownBy(() -> sql.execute("EXECUTE wipe")).isInstanceOf(SQLException.class);
            assertThat(mysql.mariadb.query("SELECT COUNT(*) FROM shop.bulk_guarded WHERE v = 'row'").strip()).isEqualTo("3");
            // v may be null: its test tells rows apart, until the schema says it cannot be.
            assertThat(sql.executeUpdate("UPDATE bulk_guarded SET v = 'row' WHERE v IS NOT NULL")).isEqualTo(3);
            mysql.mariadb.sql("ALTER TABLE shop.bulk_guarded MODIFY v varchar(20) NOT NULL");
            refusedAndRanNothing(sql, "UPDATE bulk_guarded SET v = 'gone' WHERE v IS NOT NULL");
        }
    }

    private static void refusedAndRanNothing(Statement sql, String bulk) {
        assertThatThrownBy(() -> sql.execute(bulk)).as(bulk).isInstanceOf(SQLException.class)
                .hasMessageContaining("no-bulk-writes");
        assertThat(mysql.mariadb.query("SELECT COUNT(*) FROM shop.bulk_guarded WHERE v = 'row'").strip())
                .as("every row is as it was after " + bulk).isEqualTo("3");
    }
}
