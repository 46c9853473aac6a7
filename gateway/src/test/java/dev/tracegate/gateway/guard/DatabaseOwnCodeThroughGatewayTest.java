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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A statement runs the database's own code that its text does not show: a function the DBA made
 * that deletes every row, called by {@code SELECT f()} in any of its places, through an operator or
 * a cast, in a view's query or a row-level security policy, or fired as a trigger, a rule or a
 * default by a plain INSERT. The gateway reads that code
 * from the upstream's catalog and judges the statement by what it does, so a policy blocking bulk
 * writes and DDL blocks it. Until 2026-12-07 each was judged by its text alone (a read, or a plain
 * write) and every row went.
 */
class DatabaseOwnCodeThroughGatewayTest {

    private static final String POLICY = TestGateway.NO_BULK_WRITES_POLICY + """
              - name: no-ddl
                minClass: ddl
                action: block
                reason: no schema changes
            """;

    private static TestGateway gateway;

    @BeforeAll
    static void start() throws SQLException {
        gateway = TestGateway.start(List.of(), POLICY);
        try (Connection direct = TestTarget.direct(); Statement sql = direct.createStatement()) {
            for (String drop : List.of("DROP TABLE IF EXISTS oc_orders, oc_victim, oc_log, oc_inbox, oc_stamped,"
                            + " oc_guarded, oc_checked, oc_coded CASCADE",
                    "DROP OPERATOR IF EXISTS === (int, int)", "DROP TYPE IF EXISTS oc_badge CASCADE",
                    "DROP DOMAIN IF EXISTS oc_code CASCADE",
                    "DROP FUNCTION IF EXISTS oc_purge, oc_purge_pl, oc_purge_atomic, oc_outer, oc_rows, oc_drop, oc_dyn,"
                            + " oc_total, oc_equal, oc_badge_of, oc_on_log, oc_step, oc_wipe CASCADE")) {
                sql.execute(drop);
            }
            sql.execute("CREATE TABLE oc_orders (id int PRIMARY KEY, note text)");
            sql.execute("CREATE TABLE oc_victim (id int)");
            sql.execute("CREATE TABLE oc_log (id int)");
            sql.execute("CREATE TABLE oc_inbox (id int)");
            sql.execute("CREATE FUNCTION oc_purge() RETURNS int LANGUAGE sql AS 'DELETE FROM oc_orders; SELECT 1'");
            sql.execute("CREATE TABLE oc_stamped (id int, stamp int DEFAULT oc_purge())");
            sql.execute("CREATE FUNCTION oc_wipe(oc_orders) RETURNS int LANGUAGE sql AS 'DELETE FROM oc_orders; SELECT 1'");
            sql.execute("CREATE DOMAIN oc_code AS int CHECK (oc_purge() = 1)");
            sql.execute("CREATE TABLE oc_checked (id int CHECK (oc_purge() = 1), code oc_code)");
            sql.execute("CREATE TABLE oc_coded (code oc_code)");
            sql.execute("CREATE VIEW oc_purging AS SELECT oc_purge() AS n");
            sql.execute("CREATE TABLE oc_guarded (id int)");
            sql.execute("ALTER TABLE oc_guarded ENABLE ROW LEVEL SECURITY");
            sql.execute("CREATE POLICY oc_guarded_rows ON oc_guarded USING (oc_purge() = 1)");
            sql.execute("CREATE FUNCTION oc_purge_pl() RETURNS int LANGUAGE plpgsql AS $$BEGIN DELETE FROM oc_orders;"
                    + " RETURN 1; END$$");
            sql.execute("CREATE FUNCTION oc_purge_atomic() RETURNS int LANGUAGE sql BEGIN ATOMIC DELETE FROM oc_orders;"
                    + " SELECT 1; END");
            sql.execute("CREATE FUNCTION oc_outer() RETURNS int LANGUAGE sql AS 'SELECT oc_purge()'");
            sql.execute("CREATE FUNCTION oc_rows() RETURNS SETOF oc_orders LANGUAGE sql AS"
                    + " 'DELETE FROM oc_orders RETURNING *'");
            sql.execute("CREATE FUNCTION oc_drop() RETURNS int LANGUAGE plpgsql SECURITY DEFINER AS"
                    + " $$BEGIN DROP TABLE oc_victim; RETURN 1; END$$");
            sql.execute("CREATE FUNCTION oc_dyn(q text) RETURNS int LANGUAGE plpgsql AS $$BEGIN EXECUTE q; RETURN 1; END$$");
            sql.execute("CREATE FUNCTION oc_total() RETURNS bigint LANGUAGE sql STABLE AS 'SELECT count(*) FROM oc_orders'");
            sql.execute("CREATE FUNCTION oc_equal(int, int) RETURNS boolean LANGUAGE sql AS"
                    + " 'DELETE FROM oc_orders; SELECT $1 = $2'");
            sql.execute("CREATE FUNCTION oc_step(int, int) RETURNS int LANGUAGE sql AS 'DELETE FROM oc_orders; SELECT $2'");
            sql.execute("CREATE AGGREGATE oc_last(int) (SFUNC = oc_step, STYPE = int)");
            sql.execute("CREATE OPERATOR === (LEFTARG = int, RIGHTARG = int, FUNCTION = oc_equal)");
            sql.execute("CREATE TYPE oc_badge AS (v int)");
            sql.execute("CREATE FUNCTION oc_badge_of(int) RETURNS oc_badge LANGUAGE sql AS"
                    + " 'DELETE FROM oc_orders; SELECT ROW($1)::oc_badge'");
            sql.execute("CREATE CAST (int AS oc_badge) WITH FUNCTION oc_badge_of(int)");
            sql.execute("CREATE FUNCTION oc_on_log() RETURNS trigger LANGUAGE plpgsql AS"
                    + " $$BEGIN DELETE FROM oc_orders; RETURN NEW; END$$");
            sql.execute("CREATE TRIGGER oc_log_insert AFTER INSERT ON oc_log FOR EACH ROW EXECUTE FUNCTION oc_on_log()");
            sql.execute("CREATE RULE oc_inbox_insert AS ON INSERT TO oc_inbox DO INSTEAD DELETE FROM oc_orders");
            sql.execute("GRANT ALL ON oc_orders, oc_victim, oc_log, oc_inbox, oc_stamped, oc_purging, oc_guarded,"
                    + " oc_checked, oc_coded TO PUBLIC");
        }
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    @BeforeEach
    void refill() throws SQLException {
        try (Connection direct = TestTarget.direct(); Statement sql = direct.createStatement()) {
            sql.execute("TRUNCATE oc_orders");
            sql.execute("INSERT INTO oc_orders VALUES (1, 'a'), (2, 'b'), (3, 'c')");
        }
    }

    @Test
    void aFunctionThatDeletesEveryRowIsABulkWriteWhereverItIsCalled() throws Exception {
        try (Connection c = gateway.connect("app"); Statement sql = c.createStatement()) {
            for (String call : List.of("SELECT oc_purge()", "SELECT * FROM oc_purge()", "VALUES (oc_purge())",
                    "SELECT 1 WHERE oc_purge() = 1", "WITH x AS (SELECT oc_purge()) SELECT * FROM x",
                    "SELECT public.oc_purge()", "SELECT \"oc_purge\"()", "SELECT oc_purge_pl()",
                    "SELECT oc_purge_atomic()", "SELECT oc_outer()", "SELECT * FROM oc_rows()", "TABLE oc_orders LIMIT oc_purge()",
                    "SELECT oc_last(id) FROM oc_orders", "SELECT o.oc_wipe FROM oc_orders o LIMIT 1",
                    // Operators, casts and domains' checks run the functions they name.
                    "SELECT 1 === 2", "SELECT 1 OPERATOR(public.===) 2", "SELECT 1::oc_badge", "SELECT CAST(1 AS oc_badge)",
                    "SELECT 1::oc_code",
                    "SELECT query_to_xml('SELECT oc_purge()', true, true, '')",
                    // A view's query and a row-level security policy run for whoever names the relation.
                    "SELECT * FROM oc_purging", "SELECT count(*) FROM oc_guarded")) {
                assertThatThrownBy(() -> sql.execute(call)).as(call).isInstanceOf(SQLException.class)
                        .satisfies(e -> assertThat(e.getMessage()).contains("no-bulk-writes"));
                assertThat(rows()).as(call).isEqualTo(3);
            }
        }
        assertThat(gateway.events("command", 0).stream().filter(e -> e.toString().contains("SELECT oc_outer()"))
                .map(e -> e.path("detail").path("class").asText())).as("recorded bulk").contains("bulk_write");
    }

    @Test
    void aWriteIsJudgedByTheTriggersRulesAndDefaultsItFires() throws Exception {
        try (Connection c = gateway.connect("app"); Statement sql = c.createStatement()) {
            for (String write : List.of("INSERT INTO oc_log VALUES (1)", "INSERT INTO oc_inbox VALUES (1)",
                    "INSERT INTO oc_stamped (id) VALUES (1)", "INSERT INTO oc_checked VALUES (1)",
                    "INSERT INTO oc_coded VALUES (1)")) {
                assertThatThrownBy(() -> sql.execute(write)).as(write).isInstanceOf(SQLException.class)
                        .satisfies(e -> assertThat(e.getMessage()).contains("no-bulk-writes"));
                assertThat(rows()).as(write).isEqualTo(3);
            }
        }
    }

    @Test
    void codeThatChangesTheSchemaOrRunsTextItIsGivenIsRefused() throws Exception {
        try (Connection c = gateway.connect("app"); Statement sql = c.createStatement()) {
            assertThatThrownBy(() -> sql.execute("SELECT oc_drop()")).isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(e.getMessage()).contains("no-ddl"));
            assertThatThrownBy(() -> sql.execute("SELECT oc_dyn('DELETE FROM oc_orders')"))
                    .isInstanceOf(SQLException.class);
        }
        assertThat(rows()).isEqualTo(3);
        try (Connection direct = TestTarget.direct(); Statement sql = direct.createStatement();
             ResultSet rs = sql.executeQuery("SELECT count(*) FROM pg_class WHERE relname = 'oc_victim'")) {
            rs.next();
            assertThat(rs.getInt(1)).as("oc_victim still there").isEqualTo(1);
        }
    }

    @Test
    void functionsThatOnlyReadStayReads() throws Exception {
        try (Connection c = gateway.connect("app"); Statement sql = c.createStatement();
             ResultSet rs = sql.executeQuery("SELECT oc_total(), count(*), lower('A') FROM oc_orders")) {
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(3);
        }
        try (Connection c = gateway.connect("app"); Statement sql = c.createStatement()) {
            sql.execute("INSERT INTO oc_orders (id, note) VALUES (4, lower('D'))");
            sql.execute("DELETE FROM oc_orders WHERE id = 4");
        }
        assertThat(rows()).isEqualTo(3);
    }

    private static int rows() throws SQLException {
        try (Connection direct = TestTarget.direct(); Statement sql = direct.createStatement();
             ResultSet rs = sql.executeQuery("SELECT count(*) FROM oc_orders")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
