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

    private static final String[] DROP_REACHED_CODE = {"DROP TABLE IF EXISTS shop.rc_chain, shop.rc_calls",
        "DROP VIEW IF EXISTS shop.rc_purging", "DROP VIEW IF EXISTS shop.rc_wrapping", "DROP FUNCTION IF EXISTS shop.rc_logs",
        "DROP FUNCTION IF EXISTS shop.rc_flip", "DROP PROCEDURE IF EXISTS shop.rc_wipe"};

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
        reachedCode();
    }

    /** Code reached through what other code writes and reads: triggers of written tables, views in views, procedures. */
    private static void reachedCode() {
        mysql.mariadb.sql(DROP_REACHED_CODE);
        mysql.mariadb.sql("CREATE TABLE shop.rc_chain (id int)", "CREATE TABLE shop.rc_calls (id int)",
                "CREATE TRIGGER shop.rc_chain_insert AFTER INSERT ON shop.rc_chain FOR EACH ROW"
                        + " INSERT INTO shop.oc_log VALUES (NEW.id)",
                "CREATE DEFINER = " + GATEWAY_ACCOUNT + " PROCEDURE shop.rc_wipe() MODIFIES SQL DATA"
                        + " DELETE FROM shop.oc_orders",
                "CREATE TRIGGER shop.rc_calls_insert AFTER INSERT ON shop.rc_calls FOR EACH ROW CALL shop.rc_wipe()",
                "CREATE DEFINER = " + GATEWAY_ACCOUNT + " FUNCTION shop.rc_logs() RETURNS int MODIFIES SQL DATA"
                        + " RETURN (SELECT COUNT(*) FROM shop.oc_log WHERE id IN (SELECT 1))",
                "CREATE DEFINER = " + GATEWAY_ACCOUNT + " SQL SECURITY INVOKER VIEW shop.rc_purging AS"
                        + " SELECT shop.oc_purge() AS n",
                "CREATE DEFINER = " + GATEWAY_ACCOUNT + " SQL SECURITY INVOKER VIEW shop.rc_wrapping AS"
                        + " SELECT n FROM shop.rc_purging",
                "CREATE DEFINER = " + GATEWAY_ACCOUNT + " FUNCTION shop.rc_flip() RETURNS int RETURN 1");
        mysql.mariadb.sql("DELIMITER //\nCREATE OR REPLACE DEFINER = " + GATEWAY_ACCOUNT + " FUNCTION shop.rc_logs()"
                + " RETURNS int MODIFIES SQL DATA BEGIN INSERT INTO shop.oc_log VALUES (1); RETURN 1; END//\n"
                + "DELIMITER ;\n");
    }

    @AfterAll
    static void stop() {
        // The server outlives this class: a trigger calling a procedure may set any user variable, which
        // would make other classes' masked callers' variables refused.
        mysql.mariadb.sql(DROP_REACHED_CODE);
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
    void codeReachedThroughWritesViewsAndProceduresIsJudged() throws Exception {
        try (Connection c = mysql.connect(TestGateway.ALICE_TOKEN); Statement sql = c.createStatement()) {
            for (String statement : List.of("SELECT * FROM rc_purging", "SELECT * FROM rc_wrapping",
                    "INSERT INTO rc_chain VALUES (1)", "INSERT INTO rc_calls VALUES (1)", "SELECT rc_logs()",
                    "SET @x = oc_purge()", "SELECT oc_purge() INTO @x")) {
                assertThatThrownBy(() -> sql.execute(statement)).as(statement).isInstanceOf(SQLException.class);
                assertThat(mysql.mariadb.query("SELECT COUNT(*) FROM shop.oc_orders").strip()).as(statement)
                        .isEqualTo("3");
            }
        }
    }

    /**
     * A stored function in a write's WHERE tells no rows apart the gateway can read: its result is the
     * definer's to choose ({@code DETERMINISTIC} is a claim), so {@code id = oc_next()} of a counter
     * meets each row of the scan and {@code oc_yes(id)} may be true for every row. Until now this rule
     * (docs/policy.md, "A write's condition that runs the database's own code") was held by unit tests
     * of the classifier only; here it is held against the real MariaDB, whose optimiser does call the
     * function once per row.
     */
    @Test
    void aStoredFunctionInAWritesConditionTellsNoRowsApart() throws Exception {
        mysql.mariadb.sql("DROP FUNCTION IF EXISTS shop.oc_next", "DROP FUNCTION IF EXISTS shop.oc_yes",
                "CREATE DEFINER = " + GATEWAY_ACCOUNT + " FUNCTION shop.oc_next() RETURNS int NOT DETERMINISTIC NO SQL"
                        + " RETURN (@oc_n := COALESCE(@oc_n, 0) + 1)",
                "CREATE DEFINER = " + GATEWAY_ACCOUNT + " FUNCTION shop.oc_yes(x int) RETURNS int DETERMINISTIC NO SQL"
                        + " RETURN 1");
        try (Connection c = mysql.connect(TestGateway.ALICE_TOKEN); Statement sql = c.createStatement()) {
            for (String write : List.of("DELETE FROM oc_orders WHERE id = oc_next()", "DELETE FROM oc_orders WHERE oc_yes(id)",
                    "DELETE FROM oc_orders WHERE `OC_YES`(id) = 1", "DELETE FROM oc_orders WHERE shop.oc_yes(id) <> 0",
                    "DELETE FROM oc_orders WHERE id IN (oc_next(), oc_next(), oc_next())",
                    "UPDATE oc_orders SET v = 'x' WHERE oc_yes(id) = 1",
                    "UPDATE oc_orders SET v = 'x' WHERE v = 'a' OR oc_yes(id)")) {
                assertThatThrownBy(() -> sql.execute(write)).as(write).isInstanceOf(SQLException.class)
                        .hasMessageContaining("no-bulk-writes");
                assertThat(mysql.mariadb.query("SELECT COUNT(*) FROM shop.oc_orders WHERE v <> 'x'").strip()).as(write)
                        .isEqualTo("3");
            }
            // A test of the row's own column beside it still tells rows apart.
            sql.execute("DELETE FROM oc_orders WHERE id = 1 AND oc_yes(id)");
            assertThat(mysql.mariadb.query("SELECT COUNT(*) FROM shop.oc_orders").strip()).isEqualTo("2");
        } finally {
            mysql.mariadb.sql("DROP FUNCTION IF EXISTS shop.oc_next", "DROP FUNCTION IF EXISTS shop.oc_yes");
        }
    }

    @Test
    void aFunctionReplacedOnTheServerAMomentAgoIsJudgedByItsNewBody() throws Exception {
        try (Connection c = mysql.connect(TestGateway.ALICE_TOKEN); Statement sql = c.createStatement()) {
            sql.execute("SELECT rc_flip()"); // the gateway reads the catalog now: a harmless body
            mysql.mariadb.sql("DELIMITER //\nCREATE OR REPLACE DEFINER = " + GATEWAY_ACCOUNT + " FUNCTION shop.rc_flip()"
                    + " RETURNS int MODIFIES SQL DATA BEGIN DELETE FROM shop.oc_orders; RETURN 1; END//\n"
                    + "DELIMITER ;\n");
            assertThatThrownBy(() -> sql.execute("SELECT rc_flip()")).isInstanceOf(SQLException.class)
                    .hasMessageContaining("no-bulk-writes");
        }
        assertThat(mysql.mariadb.query("SELECT COUNT(*) FROM shop.oc_orders").strip()).isEqualTo("3");
    }

    /**
     * The version a statement confirms the server's code by summed a CRC-32 of each routine's name, body and
     * time of change, to the second: a CRC is linear, so a body replaced within the second the routine was made
     * could be padded (here in a string literal) until its CRC, and so the version, matched the old one's. Until
     * 2026-12-07 the call after such a replacement was judged by the harmless body the gateway had read, and
     * every row went.
     */
    @Test
    void aFunctionReplacedWithinItsSecondByABodyPaddedToTheSameChecksumIsJudgedByItsNewBody() throws Exception {
        String harmless = "BEGIN RETURN 1; END";
        String harmful = "BEGIN DELETE FROM shop.oc_orders; RETURN CHAR_LENGTH('" + "`".repeat(12) + "'); END";
        try (Connection c = mysql.connect(TestGateway.ALICE_TOKEN); Statement sql = c.createStatement()) {
            for (int attempt = 1; attempt <= 5; attempt++) {
                Thread.sleep(1_000 - System.currentTimeMillis() % 1_000); // a second's start: the replacement lands within it
                replacePadded(harmless);
                sql.execute("SELECT rc_padded()"); // the gateway reads the catalog now: the harmless body
                String[] before = paddedRow();
                String row = new String(java.util.HexFormat.of().parseHex(before[0]), java.nio.charset.StandardCharsets.UTF_8);
                int body = row.indexOf(harmless);
                replacePadded(Crc32Padding.padded(row.substring(0, body), harmful, row.substring(body + harmless.length()),
                        Long.parseLong(before[1]), 12));
                String[] after = paddedRow();
                if (!after[2].equals(before[2])) {
                    continue; // replaced in the next second: its time of change tells it apart anyway
                }
                assertThat(after[1]).as("the CRC-32 the old version summed cannot tell the bodies apart").isEqualTo(before[1]);
                assertThatThrownBy(() -> sql.execute("SELECT rc_padded()")).isInstanceOf(SQLException.class)
                        .hasMessageContaining("no-bulk-writes");
                assertThat(mysql.mariadb.query("SELECT COUNT(*) FROM shop.oc_orders").strip()).isEqualTo("3");
                return;
            }
            throw new AssertionError("the function was not replaced within the second it was made in five attempts");
        } finally {
            mysql.mariadb.sql("DROP FUNCTION IF EXISTS shop.rc_padded");
        }
    }

    private static void replacePadded(String body) {
        mysql.mariadb.sql("DELIMITER //\nCREATE OR REPLACE DEFINER = " + GATEWAY_ACCOUNT + " FUNCTION shop.rc_padded()"
                + " RETURNS int MODIFIES SQL DATA " + body + "//\nDELIMITER ;\n");
    }

    /** The routine's row as the old version read it (hex), its CRC-32 and its time of change. */
    private static String[] paddedRow() {
        String row = "CONCAT_WS('|', ROUTINE_SCHEMA, ROUTINE_NAME, ROUTINE_DEFINITION, LAST_ALTERED)";
        return mysql.mariadb.query("SELECT HEX(" + row + "), CRC32(" + row + "), LAST_ALTERED FROM information_schema.ROUTINES"
                + " WHERE ROUTINE_SCHEMA = 'shop' AND ROUTINE_NAME = 'rc_padded'").strip().split("\t");
    }

    /**
     * {@code EXECUTE s} runs the text {@code s} was prepared from, calling the function as it is then:
     * until 2026-12-07 the EXECUTE took the class its PREPARE was given, a read, however long ago and
     * whatever the function became since.
     */
    @Test
    void aStatementPreparedBeforeAFunctionWasReplacedIsJudgedByItsNewBody() throws Exception {
        mysql.mariadb.sql("CREATE OR REPLACE DEFINER = " + GATEWAY_ACCOUNT + " FUNCTION shop.rc_later() RETURNS int RETURN 1");
        try (Connection c = mysql.connect(TestGateway.ALICE_TOKEN); Statement sql = c.createStatement()) {
            sql.execute("PREPARE rc_p FROM 'SELECT rc_later()'");
            sql.execute("EXECUTE rc_p");
            mysql.mariadb.sql("DELIMITER //\nCREATE OR REPLACE DEFINER = " + GATEWAY_ACCOUNT + " FUNCTION shop.rc_later()"
                    + " RETURNS int MODIFIES SQL DATA BEGIN DELETE FROM shop.oc_orders; RETURN 1; END//\n"
                    + "DELIMITER ;\n");
            assertThatThrownBy(() -> sql.execute("EXECUTE rc_p")).isInstanceOf(SQLException.class)
                    .hasMessageContaining("no-bulk-writes");
        } finally {
            mysql.mariadb.sql("DROP FUNCTION IF EXISTS shop.rc_later");
        }
        assertThat(mysql.mariadb.query("SELECT COUNT(*) FROM shop.oc_orders").strip()).isEqualTo("3");
    }

    /**
     * An event's body runs on the server's schedule, where no statement of a session shows it: until
     * 2026-12-07 {@code CREATE EVENT ... DO DELETE FROM ...} was {@code ddl}, allowed where DDL is, and
     * the server deleted every row a second later past the rule blocking bulk writes.
     */
    @Test
    void anEventThatWouldRunOnItsOwnIsHighRisk() throws Exception {
        mysql.mariadb.sql("SET GLOBAL event_scheduler = ON", "DROP EVENT IF EXISTS shop.oc_later",
                "DROP EVENT IF EXISTS shop.oc_parked",
                "CREATE EVENT shop.oc_parked ON SCHEDULE EVERY 1 SECOND DISABLE DO DELETE FROM shop.oc_orders");
        try (Connection c = mysql.connect(TestGateway.ALICE_TOKEN); Statement sql = c.createStatement()) {
            for (String event : List.of(
                    "CREATE EVENT oc_later ON SCHEDULE AT CURRENT_TIMESTAMP DO DELETE FROM shop.oc_orders",
                    "create event `oc_later` on schedule every 1 second do delete from oc_orders where id = id",
                    "ALTER EVENT oc_parked ENABLE",
                    "ALTER EVENT oc_parked ON SCHEDULE EVERY 1 SECOND ENABLE")) {
                assertThatThrownBy(() -> sql.execute(event)).as(event).isInstanceOf(SQLException.class)
                        .hasMessageContaining("high-risk");
            }
            sql.execute("ALTER EVENT oc_parked DISABLE"); // stopping one stays a schema change
            Thread.sleep(2_000);
            assertThat(mysql.mariadb.query("SELECT COUNT(*) FROM shop.oc_orders").strip()).isEqualTo("3");
        } finally {
            mysql.mariadb.sql("DROP EVENT IF EXISTS shop.oc_later", "DROP EVENT IF EXISTS shop.oc_parked");
        }
    }

    @Test
    void aLoadableFunctionIsCodeTheGatewayCannotRead() throws Exception {
        mysql.mariadb.sql("DROP FUNCTION IF EXISTS sphinx_snippets",
                "CREATE FUNCTION sphinx_snippets RETURNS STRING SONAME 'ha_sphinx.so'",
                "GRANT SELECT ON mysql.func TO " + GATEWAY_ACCOUNT);
        try (Connection c = mysql.connect(TestGateway.ALICE_TOKEN); Statement sql = c.createStatement()) {
            assertThatThrownBy(() -> sql.execute("SELECT sphinx_snippets('a', 'oc_index', 'b')"))
                    .isInstanceOf(SQLException.class).hasMessageContaining("high-risk").hasMessageContaining("loadable");
        } finally {
            mysql.mariadb.sql("DROP FUNCTION IF EXISTS sphinx_snippets");
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
