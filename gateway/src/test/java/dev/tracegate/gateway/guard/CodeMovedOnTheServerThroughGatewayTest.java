package dev.tracegate.gateway.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracegate.gateway.TestGateway;
import dev.tracegate.gateway.TestTarget;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Code the database already holds, brought to a table by a change on the server (straight, or through
 * another gateway node) that rewrites no routine, trigger, rule, policy, default or constraint: a
 * column's type changed to a domain with a check, a default set on a domain, an index on an
 * expression, a table with a trigger attached as a partition, a table or view renamed into another's
 * name. Until 2026-12-07 the version a write or a read of a view confirms against did not cover the
 * catalogs these change ({@code pg_attribute}, {@code pg_type}, {@code pg_index}, {@code pg_inherits},
 * {@code pg_class}), so for five seconds the statement was judged by the answer read before the change
 * and every row of {@code cv_orders} went past the rule blocking bulk writes.
 */
class CodeMovedOnTheServerThroughGatewayTest {

    private static final AtomicInteger PRIMES = new AtomicInteger();
    /** Names no earlier run left in the database, so that the answer cannot know them yet. */
    private static final String PRIME = "cv_prime_" + Long.toHexString(System.nanoTime()) + "_";
    private static TestGateway gateway;

    @BeforeAll
    static void start() throws SQLException {
        gateway = TestGateway.start(List.of(), TestGateway.NO_BULK_WRITES_POLICY);
        dba("DROP TABLE IF EXISTS cv_orders, cv_typed, cv_stamped, cv_indexed, cv_parted, cv_loud, cv_quiet,"
                + " cv_quiet_before, cv_chatty CASCADE",
                "DROP VIEW IF EXISTS cv_calm, cv_calm_before, cv_purging",
                "DROP DOMAIN IF EXISTS cv_code, cv_stamp CASCADE",
                "DROP FUNCTION IF EXISTS cv_purge, cv_purge_via, cv_on_insert CASCADE",
                "CREATE TABLE cv_orders (id int PRIMARY KEY)",
                "CREATE FUNCTION cv_purge() RETURNS int LANGUAGE sql AS 'DELETE FROM cv_orders; SELECT 1'",
                // An index expression must be immutable; what it calls need not be.
                "CREATE FUNCTION cv_purge_via(int) RETURNS int LANGUAGE plpgsql IMMUTABLE AS"
                        + " $$BEGIN PERFORM cv_purge(); RETURN $1; END$$",
                "CREATE FUNCTION cv_on_insert() RETURNS trigger LANGUAGE plpgsql AS"
                        + " $$BEGIN DELETE FROM cv_orders; RETURN NEW; END$$",
                "CREATE DOMAIN cv_code AS int CHECK (cv_purge() = 1)",
                "CREATE DOMAIN cv_stamp AS int",
                "CREATE TABLE cv_typed (id int, code int)",
                "CREATE TABLE cv_stamped (id int, stamp cv_stamp)",
                "CREATE TABLE cv_indexed (id int)",
                "CREATE TABLE cv_parted (id int) PARTITION BY LIST (id)",
                "CREATE TABLE cv_loud (id int)",
                "CREATE TRIGGER cv_loud_insert AFTER INSERT ON cv_loud FOR EACH ROW EXECUTE FUNCTION cv_on_insert()",
                "CREATE TABLE cv_quiet (id int)",
                "CREATE TABLE cv_chatty (id int)",
                "CREATE TRIGGER cv_chatty_insert AFTER INSERT ON cv_chatty FOR EACH ROW EXECUTE FUNCTION cv_on_insert()",
                "CREATE VIEW cv_calm AS SELECT 1 AS n",
                "CREATE VIEW cv_purging AS SELECT cv_purge() AS n",
                "GRANT ALL ON cv_orders, cv_typed, cv_stamped, cv_indexed, cv_parted, cv_loud, cv_quiet, cv_chatty,"
                        + " cv_calm, cv_purging TO PUBLIC");
    }

    @AfterAll
    static void stop() throws SQLException {
        gateway.close();
        for (int n = 1; n <= PRIMES.get(); n++) {
            dba("DROP FUNCTION " + PRIME + n);
        }
    }

    @BeforeEach
    void refill() throws SQLException {
        dba("TRUNCATE cv_orders", "INSERT INTO cv_orders VALUES (1), (2), (3)");
    }

    @Test
    void aColumnWhoseTypeBecameADomainWithACheckRunsTheCheck() throws Exception {
        try (Connection c = gateway.connect("app"); Statement sql = c.createStatement()) {
            primeTheAnswer(sql);
            sql.execute("INSERT INTO cv_typed VALUES (1, 1)");
            dba("TRUNCATE cv_typed", "ALTER TABLE cv_typed ALTER COLUMN code TYPE cv_code");
            assertBlockedAsBulkWrite(sql, "INSERT INTO cv_typed VALUES (2, 1)");
        }
    }

    @Test
    void aDefaultSetOnADomainRunsOnAWriteThatLeavesItsColumnOut() throws Exception {
        try (Connection c = gateway.connect("app"); Statement sql = c.createStatement()) {
            primeTheAnswer(sql);
            sql.execute("INSERT INTO cv_stamped (id) VALUES (1)");
            dba("ALTER DOMAIN cv_stamp SET DEFAULT cv_purge()");
            assertBlockedAsBulkWrite(sql, "INSERT INTO cv_stamped (id) VALUES (2)");
        }
    }

    @Test
    void anIndexOnAnExpressionRunsItOnEveryWrite() throws Exception {
        try (Connection c = gateway.connect("app"); Statement sql = c.createStatement()) {
            primeTheAnswer(sql);
            sql.execute("INSERT INTO cv_indexed VALUES (1)");
            dba("TRUNCATE cv_indexed", "CREATE INDEX cv_indexed_purging ON cv_indexed ((cv_purge_via(id)))");
            assertBlockedAsBulkWrite(sql, "INSERT INTO cv_indexed VALUES (2)");
        }
    }

    @Test
    void aTableAttachedAsAPartitionFiresItsTriggersOnWritesToTheParent() throws Exception {
        try (Connection c = gateway.connect("app"); Statement sql = c.createStatement()) {
            primeTheAnswer(sql);
            dba("ALTER TABLE cv_parted ATTACH PARTITION cv_loud FOR VALUES IN (1, 2)");
            assertBlockedAsBulkWrite(sql, "INSERT INTO cv_parted VALUES (2)");
        }
    }

    @Test
    void aTableOrViewRenamedIntoAnothersNameRunsItsOwnCode() throws Exception {
        try (Connection c = gateway.connect("app"); Statement sql = c.createStatement()) {
            primeTheAnswer(sql);
            sql.execute("INSERT INTO cv_quiet VALUES (1)");
            sql.execute("SELECT * FROM cv_calm");
            dba("ALTER TABLE cv_quiet RENAME TO cv_quiet_before", "ALTER TABLE cv_chatty RENAME TO cv_quiet",
                    "ALTER VIEW cv_calm RENAME TO cv_calm_before", "ALTER VIEW cv_purging RENAME TO cv_calm");
            assertBlockedAsBulkWrite(sql, "INSERT INTO cv_quiet VALUES (2)");
            assertBlockedAsBulkWrite(sql, "SELECT * FROM cv_calm");
        }
    }

    /**
     * {@code EXECUTE p} runs the text {@code p} was prepared with, and the code that text calls as it is
     * when it runs: a function replaced on the server after the {@code PREPARE} (a moment or an hour
     * before). Until 2026-12-07 the EXECUTE took the class its PREPARE was given, a read, and the new
     * body deleted every row.
     */
    @Test
    void aPreparedStatementRunsTheCodeAsItIsWhenExecuted() throws Exception {
        dba("CREATE OR REPLACE FUNCTION cv_later() RETURNS int LANGUAGE sql AS 'SELECT 1'",
                "CREATE OR REPLACE FUNCTION cv_later_equal(int, int) RETURNS boolean LANGUAGE sql AS 'SELECT $1 = $2'",
                "DROP OPERATOR IF EXISTS ==== (int, int)",
                "CREATE OPERATOR ==== (LEFTARG = int, RIGHTARG = int, FUNCTION = cv_later_equal)");
        Properties simple = new Properties();
        simple.setProperty("preferQueryMode", "simple"); // the session records what a Query's PREPARE prepares
        try (Connection c = gateway.connect("app", simple); Statement sql = c.createStatement()) {
            sql.execute("PREPARE cv_calls AS SELECT cv_later()");
            sql.execute("PREPARE cv_compares AS SELECT 1 WHERE 1 ==== 1");
            sql.execute("EXECUTE cv_calls");
            sql.execute("EXECUTE cv_compares");
            dba("CREATE OR REPLACE FUNCTION cv_later() RETURNS int LANGUAGE sql AS 'DELETE FROM cv_orders; SELECT 1'",
                    "CREATE OR REPLACE FUNCTION cv_later_equal(int, int) RETURNS boolean LANGUAGE sql AS"
                            + " 'DELETE FROM cv_orders; SELECT $1 = $2'");
            assertBlockedAsBulkWrite(sql, "EXECUTE cv_calls");
            assertBlockedAsBulkWrite(sql, "EXECUTE cv_compares");
        } finally {
            dba("DROP OPERATOR ==== (int, int)", "DROP FUNCTION cv_later, cv_later_equal");
        }
    }

    /**
     * A prepared write's condition calls a function that was {@code STABLE} when prepared (one value:
     * {@code write}) and is made {@code VOLATILE} after, drawing a new value for each row: the EXECUTE
     * is judged by the function as it is then, and a sequence standing at the first id meets every row.
     * Through a simple Query and through pgjdbc's Parse/Bind/Execute of the PREPARE alike.
     */
    @Test
    void aPreparedWriteWhoseConditionsFunctionBecameVolatileIsABulkWrite() throws Exception {
        for (String mode : new String[] {"simple", "extended"}) {
            dba("DROP SEQUENCE IF EXISTS cv_ids", "CREATE SEQUENCE cv_ids", "GRANT ALL ON cv_ids TO PUBLIC",
                    "CREATE OR REPLACE FUNCTION cv_pick() RETURNS int LANGUAGE sql STABLE AS 'SELECT 2'");
            Properties props = new Properties();
            props.setProperty("preferQueryMode", mode);
            try (Connection c = gateway.connect("app", props); Statement sql = c.createStatement()) {
                sql.execute("PREPARE cv_where AS DELETE FROM cv_orders WHERE id = cv_pick()");
                dba("CREATE OR REPLACE FUNCTION cv_pick() RETURNS int LANGUAGE sql VOLATILE AS"
                        + " 'SELECT nextval(''cv_ids'')::int'");
                assertBlockedAsBulkWrite(sql, "EXECUTE cv_where");
            } finally {
                dba("DROP FUNCTION cv_pick", "DROP SEQUENCE cv_ids");
            }
        }
    }

    /**
     * A call of a routine the gateway's answer does not know reads the catalog again at once: after it,
     * the answer is the one the change must be confirmed against.
     */
    private static void primeTheAnswer(Statement sql) throws SQLException {
        String prime = PRIME + PRIMES.incrementAndGet();
        dba("CREATE OR REPLACE FUNCTION " + prime + "() RETURNS int LANGUAGE sql AS 'SELECT 1'");
        sql.execute("SELECT " + prime + "()");
    }

    /** The statement is refused by the rule on bulk writes, and every row of cv_orders is still there. */
    private static void assertBlockedAsBulkWrite(Statement sql, String statement) throws SQLException {
        assertThatThrownBy(() -> sql.execute(statement)).as(statement).isInstanceOf(SQLException.class)
                .satisfies(e -> assertThat(e.getMessage()).contains("no-bulk-writes"));
        try (Connection direct = TestTarget.direct(); Statement check = direct.createStatement();
             ResultSet rs = check.executeQuery("SELECT count(*) FROM cv_orders")) {
            rs.next();
            assertThat(rs.getInt(1)).as(statement).isEqualTo(3);
        }
    }

    private static void dba(String... statements) throws SQLException {
        try (Connection direct = TestTarget.direct(); Statement sql = direct.createStatement()) {
            for (String statement : statements) {
                sql.execute(statement);
            }
        }
    }
}
