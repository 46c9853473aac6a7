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
 * write) and every row went. The code is followed where it reaches: a body or trigger writing a table
 * with a trigger of its own, a foreign key's cascade into a table with a trigger, a view in a view or
 * in a body, a domain over a domain; and a routine replaced on the server a moment after the gateway
 * read the catalog is judged by its new body. Until 2026-12-07 (second round) none of these was seen.
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
            reachedCode(sql);
        }
    }

    /** Code reached through what other code writes and reads: triggers, cascades, views in views, domains over domains. */
    private static void reachedCode(Statement sql) throws SQLException {
        sql.execute("DROP TABLE IF EXISTS rc_log, rc_first, rc_parent, rc_child, rc_orphan, rc_deep, rc_when, rc_parted,"
                + " rc_tagged, rc_stamped CASCADE");
        sql.execute("DROP DOMAIN IF EXISTS rc_outer_stamp, rc_stamp CASCADE");
        sql.execute("DROP TYPE IF EXISTS rc_tag, rc_label CASCADE");
        sql.execute("DROP SCHEMA IF EXISTS rc_shadow CASCADE");
        sql.execute("DROP VIEW IF EXISTS rc_outer, rc_inner, rc_log_view CASCADE");
        sql.execute("DROP FUNCTION IF EXISTS rc_purge, rc_on_log, rc_on_first, rc_logs, rc_reads, rc_flip, rc_compares,"
                + " rc_casts, rc_holds, rc_takes, rc_nothing, rc_over, rc_tag_of,"
                + " rc_label_of, rc_labelled, rc_defaulted CASCADE");
        sql.execute("DROP DOMAIN IF EXISTS rc_outer_code, rc_inner_code CASCADE");
        sql.execute("CREATE FUNCTION rc_purge() RETURNS int LANGUAGE sql AS 'DELETE FROM oc_orders; SELECT 1'");
        // A trigger that deletes every row, on a table a function body or another trigger writes.
        sql.execute("CREATE TABLE rc_log (id int)");
        sql.execute("CREATE FUNCTION rc_on_log() RETURNS trigger LANGUAGE plpgsql AS"
                + " $$BEGIN DELETE FROM oc_orders; RETURN NEW; END$$");
        sql.execute("CREATE TRIGGER rc_log_insert AFTER INSERT ON rc_log FOR EACH ROW EXECUTE FUNCTION rc_on_log()");
        sql.execute("CREATE FUNCTION rc_logs() RETURNS int LANGUAGE sql AS 'INSERT INTO rc_log VALUES (1); SELECT 1'");
        sql.execute("CREATE TABLE rc_first (id int)");
        sql.execute("CREATE FUNCTION rc_on_first() RETURNS trigger LANGUAGE plpgsql AS"
                + " $$BEGIN INSERT INTO rc_log VALUES (NEW.id); RETURN NEW; END$$");
        sql.execute("CREATE TRIGGER rc_first_insert AFTER INSERT ON rc_first FOR EACH ROW"
                + " EXECUTE FUNCTION rc_on_first()");
        // A foreign key's cascade writes the child, whose triggers fire.
        sql.execute("CREATE TABLE rc_parent (id int PRIMARY KEY)");
        sql.execute("CREATE TABLE rc_child (parent int REFERENCES rc_parent ON DELETE CASCADE)");
        sql.execute("CREATE TABLE rc_orphan (parent int REFERENCES rc_parent ON DELETE SET NULL)");
        sql.execute("CREATE TRIGGER rc_child_delete AFTER DELETE ON rc_child FOR EACH ROW"
                + " EXECUTE FUNCTION rc_on_log()");
        sql.execute("CREATE TRIGGER rc_orphan_update AFTER UPDATE ON rc_orphan FOR EACH ROW"
                + " EXECUTE FUNCTION rc_on_log()");
        // Views in views, and a view a function body reads.
        sql.execute("CREATE VIEW rc_inner AS SELECT rc_purge() AS n");
        sql.execute("CREATE VIEW rc_outer AS SELECT n FROM rc_inner");
        sql.execute("CREATE FUNCTION rc_reads() RETURNS int LANGUAGE sql AS 'SELECT n FROM rc_inner'");
        // A domain over a domain whose check deletes.
        sql.execute("CREATE DOMAIN rc_inner_code AS int CHECK (rc_purge() = 1)");
        sql.execute("CREATE DOMAIN rc_outer_code AS rc_inner_code");
        sql.execute("CREATE TABLE rc_deep (code rc_outer_code)");
        // Operators, casts and domains a body uses; a domain an argument takes; a trigger's WHEN condition.
        sql.execute("CREATE FUNCTION rc_compares() RETURNS int LANGUAGE sql AS 'SELECT CASE WHEN 1 === 2 THEN 1 END'");
        sql.execute("CREATE FUNCTION rc_casts() RETURNS int LANGUAGE sql AS 'SELECT (1::oc_badge).v'");
        sql.execute("CREATE FUNCTION rc_holds() RETURNS int LANGUAGE plpgsql AS"
                + " $$DECLARE c oc_code := 1; BEGIN RETURN c; END$$");
        sql.execute("CREATE FUNCTION rc_takes(c oc_code) RETURNS int LANGUAGE sql AS 'SELECT 1'");
        sql.execute("CREATE FUNCTION rc_nothing() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$");
        sql.execute("CREATE TABLE rc_when (id int)");
        sql.execute("CREATE TRIGGER rc_when_insert AFTER INSERT ON rc_when FOR EACH ROW WHEN (oc_purge() = NEW.id)"
                + " EXECUTE FUNCTION rc_nothing()");
        // A harmless overload beside a deleting one, and a built-in's name in a schema the caller puts first.
        sql.execute("CREATE FUNCTION rc_over(int) RETURNS int LANGUAGE sql AS 'SELECT 1'");
        sql.execute("CREATE FUNCTION rc_over(text) RETURNS int LANGUAGE sql AS 'DELETE FROM oc_orders; SELECT 1'");
        sql.execute("CREATE SCHEMA rc_shadow");
        sql.execute("CREATE FUNCTION rc_shadow.initcap(text) RETURNS text LANGUAGE sql AS"
                + " 'DELETE FROM oc_orders; SELECT $1'");
        sql.execute("GRANT USAGE ON SCHEMA rc_shadow TO PUBLIC");
        // A partition's own trigger fires on a write to its parent; an updatable view's table on a write to the view.
        sql.execute("CREATE TABLE rc_parted (id int) PARTITION BY LIST (id)");
        sql.execute("CREATE TABLE rc_part_1 PARTITION OF rc_parted FOR VALUES IN (1)");
        sql.execute("CREATE TRIGGER rc_part_insert AFTER INSERT ON rc_part_1 FOR EACH ROW EXECUTE FUNCTION rc_on_log()");
        sql.execute("CREATE VIEW rc_log_view AS SELECT id FROM rc_log");
        // Casts that run without the text naming their type: on assignment to a column, and implicitly to an argument.
        sql.execute("CREATE TYPE rc_tag AS (v int)");
        sql.execute("CREATE FUNCTION rc_tag_of(int) RETURNS rc_tag LANGUAGE sql AS"
                + " 'DELETE FROM oc_orders; SELECT ROW($1)::rc_tag'");
        sql.execute("CREATE CAST (int AS rc_tag) WITH FUNCTION rc_tag_of(int) AS ASSIGNMENT");
        sql.execute("CREATE TABLE rc_tagged (t rc_tag)");
        sql.execute("CREATE TYPE rc_label AS (v int)");
        sql.execute("CREATE FUNCTION rc_label_of(int) RETURNS rc_label LANGUAGE sql AS"
                + " 'DELETE FROM oc_orders; SELECT ROW($1)::rc_label'");
        sql.execute("CREATE CAST (int AS rc_label) WITH FUNCTION rc_label_of(int) AS IMPLICIT");
        sql.execute("CREATE FUNCTION rc_labelled(rc_label) RETURNS int LANGUAGE sql AS 'SELECT 1'");
        // Defaults that run without the text naming them: a domain's (under a domain) and an argument's.
        sql.execute("CREATE DOMAIN rc_stamp AS int DEFAULT oc_purge()");
        sql.execute("CREATE DOMAIN rc_outer_stamp AS rc_stamp");
        sql.execute("CREATE TABLE rc_stamped (id int, stamp rc_outer_stamp)");
        sql.execute("CREATE FUNCTION rc_defaulted(n int DEFAULT oc_purge()) RETURNS int LANGUAGE sql AS 'SELECT $1'");
        sql.execute("CREATE FUNCTION rc_flip() RETURNS int LANGUAGE sql AS 'SELECT 1'");
        sql.execute("GRANT ALL ON rc_log, rc_first, rc_parent, rc_child, rc_orphan, rc_inner, rc_outer,"
                + " rc_deep, rc_when, rc_parted, rc_log_view, rc_tagged, rc_stamped TO PUBLIC");
    }

    @AfterAll
    static void stop() throws SQLException {
        gateway.close();
        try (Connection direct = TestTarget.direct(); Statement sql = direct.createStatement()) {
            sql.execute("DROP SCHEMA rc_shadow CASCADE"); // its initcap() would make every other test's initcap() a bulk write
        }
    }

    @BeforeEach
    void refill() throws SQLException {
        try (Connection direct = TestTarget.direct(); Statement sql = direct.createStatement()) {
            sql.execute("TRUNCATE oc_orders");
            sql.execute("INSERT INTO oc_orders VALUES (1, 'a'), (2, 'b'), (3, 'c')");
            sql.execute("ALTER TABLE rc_child DISABLE TRIGGER USER");
            sql.execute("ALTER TABLE rc_orphan DISABLE TRIGGER USER");
            sql.execute("TRUNCATE rc_child, rc_orphan, rc_parent");
            sql.execute("INSERT INTO rc_parent VALUES (1), (2)");
            sql.execute("INSERT INTO rc_child VALUES (1)");
            sql.execute("INSERT INTO rc_orphan VALUES (2)");
            sql.execute("ALTER TABLE rc_child ENABLE TRIGGER USER");
            sql.execute("ALTER TABLE rc_orphan ENABLE TRIGGER USER");
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
                assertBlockedAsBulkWrite(sql, call);
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
                assertBlockedAsBulkWrite(sql, write);
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

    @Test
    void codeReachedThroughWritesViewsAndDomainsIsJudged() throws Exception {
        try (Connection c = gateway.connect("app"); Statement sql = c.createStatement()) {
            for (String statement : List.of("SELECT rc_logs()", "INSERT INTO rc_first VALUES (1)",
                    "DELETE FROM rc_parent WHERE id = 1", "DELETE FROM rc_parent WHERE id = 2",
                    "SELECT * FROM rc_outer", "SELECT rc_reads()", "INSERT INTO rc_deep VALUES (1)",
                    "SELECT 1::rc_outer_code", "SELECT rc_compares()", "SELECT rc_casts()", "SELECT rc_holds()",
                    "SELECT rc_takes(1)", "INSERT INTO rc_when VALUES (1)", "INSERT INTO rc_parted VALUES (1)",
                    "INSERT INTO rc_log_view VALUES (1)", "INSERT INTO rc_tagged VALUES (1)", "SELECT rc_labelled(1)",
                    "INSERT INTO rc_stamped (id) VALUES (1)", "SELECT rc_defaulted()",
                    // Every overload of a name counts; a schema first in the path may hold a built-in's name.
                    "SELECT rc_over(1)", "SELECT rc_over('x')", "SET search_path = rc_shadow, pg_catalog, public;"
                            + " SELECT initcap('A')")) {
                assertBlockedAsBulkWrite(sql, statement);
            }
        }
    }

    @Test
    void aFunctionReplacedOnTheServerAMomentAgoIsJudgedByItsNewBody() throws Exception {
        try (Connection c = gateway.connect("app"); Statement sql = c.createStatement();
             Connection direct = TestTarget.direct(); Statement dba = direct.createStatement()) {
            dba.execute("CREATE OR REPLACE FUNCTION rc_flip() RETURNS int LANGUAGE sql AS 'SELECT 1'");
            sql.execute("SELECT rc_flip()"); // the gateway reads the catalog now: a harmless body
            dba.execute("CREATE OR REPLACE FUNCTION rc_flip() RETURNS int LANGUAGE sql AS"
                    + " 'DELETE FROM oc_orders; SELECT 1'");
            assertBlockedAsBulkWrite(sql, "SELECT rc_flip()");
        }
    }

    /**
     * Code added or replaced on the server that no routine of the gateway's answer reaches: a trigger on
     * a table that had none, a view's query. Until 2026-12-07 only routines were confirmed against the
     * catalog, and for five seconds the write and the read ran by the answer read before the change.
     */
    @Test
    void codeAddedOnTheServerAMomentAgoIsJudgedOnTheNextWriteOrRead() throws Exception {
        try (Connection c = gateway.connect("app"); Statement sql = c.createStatement();
             Connection direct = TestTarget.direct(); Statement dba = direct.createStatement()) {
            dba.execute("DROP TABLE IF EXISTS rc_fresh");
            dba.execute("DROP VIEW IF EXISTS rc_fresh_view");
            dba.execute("CREATE TABLE rc_fresh (id int)");
            dba.execute("CREATE VIEW rc_fresh_view AS SELECT 1 AS n");
            dba.execute("GRANT ALL ON rc_fresh, rc_fresh_view TO PUBLIC");
            sql.execute("SELECT rc_flip()"); // the gateway reads the catalog now: no trigger, a harmless view
            sql.execute("INSERT INTO rc_fresh VALUES (1)");
            sql.execute("SELECT * FROM rc_fresh_view");
            dba.execute("CREATE TRIGGER rc_fresh_insert AFTER INSERT ON rc_fresh FOR EACH ROW EXECUTE FUNCTION oc_on_log()");
            dba.execute("CREATE OR REPLACE VIEW rc_fresh_view AS SELECT oc_purge() AS n");
            assertBlockedAsBulkWrite(sql, "INSERT INTO rc_fresh VALUES (2)");
            assertBlockedAsBulkWrite(sql, "SELECT * FROM rc_fresh_view");
        }
    }

    /**
     * A write's WHERE that runs the database's own code tells no rows apart the gateway can read: an
     * operator whose function is true for every row, a {@code lower} of the database's own that the
     * session's search_path puts before the server's, a volatile counter that meets each row of a scan.
     * Until 2026-12-07 each read as a selective test and deleted every row.
     */
    @Test
    void aWritesConditionThatRunsTheDatabasesOwnCodeIsNoBound() throws Exception {
        try (Connection direct = TestTarget.direct(); Statement dba = direct.createStatement()) {
            dba.execute("DROP SCHEMA IF EXISTS oc_shadow CASCADE");
            dba.execute("DROP OPERATOR IF EXISTS ~~~ (int, int)");
            dba.execute("DROP FUNCTION IF EXISTS oc_always, oc_next CASCADE");
            dba.execute("DROP SEQUENCE IF EXISTS oc_counter");
            dba.execute("DROP TABLE IF EXISTS oc_graded");
            dba.execute("DROP TYPE IF EXISTS oc_grade CASCADE");
            // A column of a type that an implicit cast of the database's own converts to int: g = 5 runs it on g.
            dba.execute("CREATE TYPE oc_grade AS (v int)");
            dba.execute("CREATE FUNCTION oc_grade_int(oc_grade) RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT 5'");
            dba.execute("CREATE CAST (oc_grade AS int) WITH FUNCTION oc_grade_int(oc_grade) AS IMPLICIT");
            dba.execute("CREATE TABLE oc_graded (id int, g oc_grade)");
            dba.execute("INSERT INTO oc_graded VALUES (1, ROW(1)), (2, ROW(2)), (3, ROW(3))");
            dba.execute("GRANT ALL ON oc_graded TO PUBLIC");
            dba.execute("CREATE FUNCTION oc_always(int, int) RETURNS boolean LANGUAGE sql IMMUTABLE AS 'SELECT true'");
            dba.execute("CREATE OPERATOR ~~~ (LEFTARG = int, RIGHTARG = int, FUNCTION = oc_always)");
            dba.execute("CREATE SCHEMA oc_shadow");
            dba.execute("CREATE FUNCTION oc_shadow.lower(text) RETURNS text LANGUAGE sql IMMUTABLE AS $$SELECT 'a'::text$$");
            dba.execute("CREATE SEQUENCE oc_counter");
            dba.execute("CREATE FUNCTION oc_next() RETURNS int LANGUAGE sql AS $$SELECT nextval('oc_counter')::int$$");
            dba.execute("GRANT USAGE ON SCHEMA oc_shadow TO PUBLIC");
            dba.execute("GRANT ALL ON oc_counter TO PUBLIC");
        }
        try (Connection c = gateway.connect("app"); Statement sql = c.createStatement()) {
            assertBlockedAsBulkWrite(sql, "DELETE FROM oc_orders WHERE id ~~~ 5");
            assertBlockedAsBulkWrite(sql, "DELETE FROM oc_orders WHERE id OPERATOR(public.~~~) 5");
            assertBlockedAsBulkWrite(sql, "DELETE FROM oc_orders WHERE id = oc_next()");
            assertThatThrownBy(() -> sql.execute("DELETE FROM oc_graded WHERE g = 5")).isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(e.getMessage()).contains("no-bulk-writes"));
            sql.execute("SET search_path = oc_shadow, pg_catalog, public");
            assertBlockedAsBulkWrite(sql, "DELETE FROM oc_orders WHERE lower(note) = 'a'");
            // A test of the row's own column beside it still tells rows apart.
            sql.execute("DELETE FROM oc_orders WHERE id = oc_next() AND id = 1");
            assertThat(rows()).isEqualTo(2);
        } finally {
            try (Connection direct = TestTarget.direct(); Statement dba = direct.createStatement()) {
                dba.execute("DROP SCHEMA oc_shadow CASCADE");
                dba.execute("DROP OPERATOR ~~~ (int, int)");
                dba.execute("DROP FUNCTION oc_always, oc_next");
                dba.execute("DROP SEQUENCE oc_counter");
                try (ResultSet rs = dba.executeQuery("SELECT count(*) FROM oc_graded")) {
                    rs.next();
                    assertThat(rs.getInt(1)).as("no grade deleted").isEqualTo(3);
                }
                dba.execute("DROP TABLE oc_graded");
                dba.execute("DROP TYPE oc_grade CASCADE");
            }
        }
    }

    @Test
    void schemaChangesAreJudgedByTheEventTriggersTheyFire() throws Exception {
        String allowingDdl = TestGateway.NO_BULK_WRITES_POLICY + """
                  - name: no-privileges
                    classes: [privilege]
                    action: block
                    reason: no role or grant changes
                """;
        try (TestGateway ddlAllowed = TestGateway.start(List.of(), allowingDdl);
             Connection direct = TestTarget.direct(); Statement dba = direct.createStatement()) {
            dba.execute("DROP ROLE IF EXISTS rc_intruder");
            dba.execute("DROP SEQUENCE IF EXISTS rc_numbers");
            dba.execute("CREATE OR REPLACE FUNCTION rc_on_ddl() RETURNS event_trigger LANGUAGE plpgsql SECURITY DEFINER"
                    + " AS $$BEGIN CREATE ROLE rc_intruder SUPERUSER; END$$");
            dba.execute("CREATE EVENT TRIGGER rc_on_sequence ON ddl_command_end WHEN TAG IN ('CREATE SEQUENCE')"
                    + " EXECUTE FUNCTION rc_on_ddl()");
            try (Connection c = ddlAllowed.connect("app"); Statement sql = c.createStatement()) {
                assertThatThrownBy(() -> sql.execute("CREATE SEQUENCE rc_numbers")).isInstanceOf(SQLException.class)
                        .satisfies(e -> assertThat(e.getMessage()).contains("no-privileges"));
            } finally {
                dba.execute("DROP EVENT TRIGGER rc_on_sequence");
            }
            try (ResultSet rs = dba.executeQuery("SELECT count(*) FROM pg_roles WHERE rolname = 'rc_intruder'")) {
                rs.next();
                assertThat(rs.getInt(1)).as("no role made").isZero();
            }
        }
    }

    /** The statement is refused by the rule on bulk writes, and every row of oc_orders is still there. */
    private static void assertBlockedAsBulkWrite(Statement sql, String statement) throws SQLException {
        assertThatThrownBy(() -> sql.execute(statement)).as(statement).isInstanceOf(SQLException.class)
                .satisfies(e -> assertThat(e.getMessage()).contains("no-bulk-writes"));
        assertThat(rows()).as(statement).isEqualTo(3);
    }

    private static int rows() throws SQLException {
        try (Connection direct = TestTarget.direct(); Statement sql = direct.createStatement();
             ResultSet rs = sql.executeQuery("SELECT count(*) FROM oc_orders")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
