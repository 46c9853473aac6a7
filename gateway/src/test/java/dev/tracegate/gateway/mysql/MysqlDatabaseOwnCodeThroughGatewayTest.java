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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * MariaDB's stored functions and triggers run what their caller's text does not show: {@code SELECT
 * oc_purge()} and {@code DO oc_purge()} of a function the DBA made that deletes every row, and a
 * plain INSERT into a table whose trigger does. The gateway reads the bodies from
 * {@code information_schema} and judges the statement by them, so a rule blocking bulk writes blocks
 * it; until 2026-12-07 they were a read and a write, and every row went.
 */
class MysqlDatabaseOwnCodeThroughGatewayTest {

    private static final String POLICY = TestGateway.NO_BULK_WRITES_POLICY;
    /**
     * The account the gateway reads the catalog with: information_schema shows a routine's body to its
     * definer (or to an account that may read mysql.proc), so the DBA makes the routines with it.
     */
    private static final String GATEWAY_ACCOUNT = "'" + TestMariaDb.NATIVE_USER + "'@'%'";

    private static MysqlGatewayFixture mysql;

    @BeforeAll
    static void start() throws IOException {
        mysql = MysqlGatewayFixture.start(POLICY);
        mysql.mariadb.sql("DROP TABLE IF EXISTS shop.oc_orders, shop.oc_log",
                "DROP FUNCTION IF EXISTS shop.oc_purge", "DROP FUNCTION IF EXISTS shop.oc_outer",
                "DROP FUNCTION IF EXISTS shop.oc_total", "DROP FUNCTION IF EXISTS shop.oc_hidden",
                "CREATE TABLE shop.oc_orders (id int PRIMARY KEY, v varchar(20))",
                "CREATE TABLE shop.oc_log (id int)",
                "CREATE DEFINER = " + GATEWAY_ACCOUNT + " FUNCTION shop.oc_total() RETURNS int READS SQL DATA RETURN (SELECT COUNT(*) FROM shop.oc_orders)",
                "CREATE TRIGGER shop.oc_log_insert AFTER INSERT ON shop.oc_log FOR EACH ROW DELETE FROM shop.oc_orders");
        mysql.mariadb.sql("DELIMITER //\nCREATE DEFINER = " + GATEWAY_ACCOUNT + " FUNCTION shop.oc_purge() RETURNS int"
                + " MODIFIES SQL DATA BEGIN DELETE FROM shop.oc_orders; RETURN 1; END//\n"
                + "CREATE DEFINER = " + GATEWAY_ACCOUNT + " FUNCTION shop.oc_outer() RETURNS int MODIFIES SQL DATA"
                + " BEGIN RETURN shop.oc_purge(); END//\n"
                // Root's own: its body is hidden from the gateway's account.
                + "CREATE FUNCTION shop.oc_hidden() RETURNS int MODIFIES SQL DATA BEGIN DELETE FROM shop.oc_orders;"
                + " RETURN 1; END//\n"
                + "DELIMITER ;\n");
    }

    @AfterAll
    static void stop() {
        mysql.close();
    }

    @BeforeEach
    void refill() {
        mysql.mariadb.sql("DELETE FROM shop.oc_orders", "INSERT INTO shop.oc_orders VALUES (1, 'a'), (2, 'b'), (3, 'c')");
    }

    @Test
    void aStoredFunctionOrTriggerThatDeletesEveryRowIsABulkWrite() throws Exception {
        try (Connection c = mysql.connect(TestGateway.ALICE_TOKEN); Statement sql = c.createStatement()) {
            for (String call : List.of("SELECT oc_purge()", "DO oc_purge()", "SELECT OC_PURGE()", "SELECT `oc_purge`()",
                    "SELECT shop.oc_purge()", "SELECT 1 FROM dual WHERE oc_purge() = 1", "SELECT oc_outer()",
                    "INSERT INTO oc_log VALUES (1)", "INSERT INTO shop.OC_LOG VALUES (1)")) {
                assertThatThrownBy(() -> sql.execute(call)).as(call).isInstanceOf(SQLException.class)
                        .hasMessageContaining("no-bulk-writes");
                assertThat(mysql.mariadb.query("SELECT COUNT(*) FROM shop.oc_orders").strip()).as(call).isEqualTo("3");
            }
        }
    }

    @Test
    void aFunctionWhoseBodyTheGatewayMayNotReadIsHighRisk() throws Exception {
        try (Connection c = mysql.connect(TestGateway.ALICE_TOKEN); Statement sql = c.createStatement()) {
            assertThatThrownBy(() -> sql.execute("SELECT oc_hidden()")).isInstanceOf(SQLException.class)
                    .hasMessageContaining("high-risk").hasMessageContaining("whose body the catalog does not show");
        }
        assertThat(mysql.mariadb.query("SELECT COUNT(*) FROM shop.oc_orders").strip()).isEqualTo("3");
    }

    @Test
    void aFunctionThatOnlyReadsStaysARead() throws Exception {
        try (Connection c = mysql.connect(TestGateway.ALICE_TOKEN); Statement sql = c.createStatement();
             ResultSet rs = sql.executeQuery("SELECT oc_total(), COUNT(*), LOWER('A') FROM oc_orders")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(3);
        }
    }
}
