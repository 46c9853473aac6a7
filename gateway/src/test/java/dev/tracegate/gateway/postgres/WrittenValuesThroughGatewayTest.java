package dev.tracegate.gateway.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracegate.gateway.TestGateway;
import dev.tracegate.gateway.TestTarget;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Values a DBA writes into the catalog that are no code, each alone in the database and quoting a
 * protected name: a comment on a protected table, on one of its columns, its constraint or its
 * index, on a function over it, on the database and a schema; a setting stored for the database
 * or the role; an aggregate's INITCOND. Every channel that shows them must hand a masked caller no
 * name, through pgjdbc in both query modes and through psql's describe commands.
 */
class WrittenValuesThroughGatewayTest {

    private static final String POLICY = """
            defaults:
              action: allow
            masking:
              profiles:
                personal-data:
                  columns:
                    - {match: public.wv_customers.name, entity: person_name, strategy: hash}
            rules:
              - name: mask-personal-data
                connections: [app]
                exceptGroups: [admins]
                mask: personal-data
              # The scenarios' set-up stores custom settings (ALTER DATABASE ... SET app.vip), which the
              # classifier cannot call harmless: high risk, allowed here for the admin who sets them up.
              - {name: admins-set-up-scenarios, connections: [app], groups: [admins], classes: [unknown], action: allow}
            """;

    private static TestGateway gateway;

    @BeforeAll
    static void start() throws SQLException {
        try (Connection direct = TestTarget.direct(); Statement sql = direct.createStatement()) {
            sql.execute("DROP TABLE IF EXISTS wv_customers, wv_plain CASCADE");
            sql.execute("CREATE TABLE wv_customers (id int PRIMARY KEY, name text, status text)");
            sql.execute("INSERT INTO wv_customers VALUES (1, 'Ada Lovelace', 'new'), (2, 'Grace Hopper', 'new')");
            sql.execute("CREATE TABLE wv_plain (id int, status text)");
        }
        gateway = TestGateway.start(List.of(), POLICY);
    }

    @AfterAll
    static void stop() throws SQLException {
        gateway.close();
        try (Connection direct = TestTarget.direct(); Statement sql = direct.createStatement()) {
            sql.execute("DROP TABLE IF EXISTS wv_customers, wv_plain CASCADE");
        }
    }

    static Stream<CatalogChannelScenario> scenarios() {
        return Stream.of(
                new CatalogChannelScenario("a comment on the table",
                        List.of("COMMENT ON TABLE wv_customers IS 'VIP: Ada Lovelace'"),
                        List.of("SELECT obj_description('wv_customers'::regclass, 'pg_class')",
                                "SELECT pg_catalog.obj_description(oid) FROM pg_class WHERE relname = 'wv_customers'",
                                "SELECT description FROM pg_description",
                                "SELECT d.* FROM pg_catalog.pg_description d",
                                "SELECT row_to_json(d) FROM pg_description d"),
                        List.of("\\dt+ wv_customers", "\\d+ wv_customers"),
                        List.of("COMMENT ON TABLE wv_customers IS NULL")),
                new CatalogChannelScenario("a comment on an unprotected column",
                        List.of("COMMENT ON COLUMN wv_customers.status IS 'new for Grace Hopper'"),
                        List.of("SELECT col_description('wv_customers'::regclass, 3)",
                                "SELECT description FROM pg_description WHERE objsubid = 3"),
                        List.of("\\d+ wv_customers"),
                        List.of("COMMENT ON COLUMN wv_customers.status IS NULL")),
                new CatalogChannelScenario("a comment on the constraint and the index",
                        List.of("COMMENT ON CONSTRAINT wv_customers_pkey ON wv_customers IS 'Alan Turing first'",
                                "COMMENT ON INDEX wv_customers_pkey IS 'Charles Babbage second'"),
                        List.of("SELECT obj_description(oid, 'pg_constraint') FROM pg_constraint"
                                        + " WHERE conname = 'wv_customers_pkey'",
                                "SELECT obj_description('wv_customers_pkey'::regclass, 'pg_class')"),
                        List.of("\\dd wv_customers_pkey", "\\di+ wv_customers_pkey"),
                        List.of("COMMENT ON CONSTRAINT wv_customers_pkey ON wv_customers IS NULL",
                                "COMMENT ON INDEX wv_customers_pkey IS NULL")),
                new CatalogChannelScenario("a comment on a function over the table",
                        List.of("CREATE FUNCTION wv_count() RETURNS bigint LANGUAGE sql"
                                        + " AS $$SELECT count(*) FROM wv_customers$$",
                                "COMMENT ON FUNCTION wv_count() IS 'counts Ada Lovelace too'"),
                        List.of("SELECT obj_description('wv_count'::regproc, 'pg_proc')"),
                        List.of("\\df+ wv_count"),
                        List.of("DROP FUNCTION wv_count()")),
                new CatalogChannelScenario("a comment on a schema and on the database",
                        List.of("CREATE SCHEMA wv_schema", "COMMENT ON SCHEMA wv_schema IS 'kept for Grace Hopper'",
                                "COMMENT ON DATABASE " + TestTarget.DATABASE + " IS 'Alan Turing'"),
                        List.of("SELECT obj_description('wv_schema'::regnamespace, 'pg_namespace')",
                                "SELECT shobj_description(oid, 'pg_database') FROM pg_database",
                                "SELECT description FROM pg_shdescription"),
                        List.of("\\dn+ wv_schema", "\\l+"),
                        List.of("DROP SCHEMA wv_schema", "COMMENT ON DATABASE " + TestTarget.DATABASE + " IS NULL")),
                new CatalogChannelScenario("a setting stored for the database",
                        List.of("ALTER DATABASE " + TestTarget.DATABASE + " SET app.vip = 'Ada Lovelace'"),
                        List.of("SELECT current_setting('app.vip')", "SHOW app.vip", "SHOW ALL",
                                "SELECT setting FROM pg_settings WHERE name = 'app.vip'",
                                "SELECT setting FROM pg_show_all_settings() WHERE name = 'app.vip'",
                                "SELECT setconfig FROM pg_db_role_setting", "SELECT s.* FROM pg_db_role_setting s"),
                        List.of("\\drds", "SHOW app.vip"),
                        List.of("ALTER DATABASE " + TestTarget.DATABASE + " RESET app.vip")),
                new CatalogChannelScenario("a setting stored for the role",
                        List.of("ALTER ROLE CURRENT_USER SET app.vip = 'Grace Hopper'"),
                        List.of("SELECT current_setting('app.vip', true)", "SHOW app.vip",
                                "SELECT rolconfig FROM pg_roles", "SELECT r.* FROM pg_catalog.pg_roles r",
                                "SELECT row_to_json(r) FROM pg_roles r", "SELECT useconfig FROM pg_user",
                                "SELECT setconfig FROM pg_db_role_setting"),
                        List.of("\\drds"),
                        List.of("ALTER ROLE CURRENT_USER RESET app.vip")),
                new CatalogChannelScenario("an aggregate's initial state",
                        List.of("CREATE AGGREGATE wv_names(text) (SFUNC = textcat, STYPE = text,"
                                + " INITCOND = 'Charles Babbage')"),
                        List.of("SELECT agginitval FROM pg_aggregate WHERE aggfnoid = 'wv_names'::regproc",
                                "SELECT a.* FROM pg_catalog.pg_aggregate a WHERE aggfnoid = 'wv_names'::regproc",
                                "SELECT row_to_json(a) FROM pg_aggregate a WHERE aggfnoid = 'wv_names'::regproc",
                                "SELECT wv_names(status) FROM wv_customers"),
                        List.of(),
                        List.of("DROP AGGREGATE wv_names(text)")),
                new CatalogChannelScenario("a moving aggregate's initial state",
                        List.of("CREATE AGGREGATE wv_moving(text) (SFUNC = textcat, STYPE = text, INITCOND = '0',"
                                + " MSFUNC = textcat, MINVFUNC = textcat, MSTYPE = text, MINITCOND = 'Grace Hopper')"),
                        List.of("SELECT aggminitval FROM pg_aggregate WHERE aggfnoid = 'wv_moving'::regproc",
                                "SELECT row_to_json(a) FROM pg_aggregate a WHERE aggfnoid = 'wv_moving'::regproc"),
                        List.of(),
                        List.of("DROP AGGREGATE wv_moving(text)")));
    }

    @ParameterizedTest
    @MethodSource("scenarios")
    void noChannelQuotesTheWrittenNameToAMaskedCaller(CatalogChannelScenario scenario) throws Exception {
        assertThat(scenario.leaks(gateway)).as(scenario.name()).isEmpty();
    }

    /**
     * A function's own setting ({@code ALTER FUNCTION ... SET app.vip = '...'}), which the gateway
     * refuses to pass for anyone (an unknown setting in a routine): a DBA sets it upstream, and the
     * gateway sees it in its next snapshot.
     */
    @Test
    void aFunctionsOwnSettingIsQuotedToNoMaskedCaller() throws Exception {
        try (Connection direct = TestTarget.direct(); Statement sql = direct.createStatement()) {
            sql.execute("CREATE FUNCTION wv_one() RETURNS int LANGUAGE sql AS 'SELECT 1'");
            sql.execute("ALTER FUNCTION wv_one() SET app.vip = 'Alan Turing'");
        }
        try {
            Thread.sleep(6_000); // the gateway reads its catalog again within five seconds
            assertThat(new CatalogChannelScenario("a function's own setting", List.of(),
                    List.of("SELECT proconfig FROM pg_proc WHERE proname = 'wv_one'",
                            "SELECT p.* FROM pg_catalog.pg_proc p WHERE proname = 'wv_one'",
                            "SELECT pg_get_functiondef('wv_one'::regproc)"),
                    List.of("\\sf wv_one"), List.of()).leaks(gateway)).isEmpty();
        } finally {
            try (Connection direct = TestTarget.direct(); Statement sql = direct.createStatement()) {
                sql.execute("DROP FUNCTION wv_one()");
            }
        }
    }

    /** A comment on a table with no protected column, and a numeric INITCOND, stay readable. */
    @Test
    void valuesNoProtectedDataOwnsStayReadable() throws Exception {
        CatalogChannelScenario.asAdmin(gateway, List.of("COMMENT ON TABLE wv_plain IS 'orders imported nightly'",
                "CREATE AGGREGATE wv_total(int) (SFUNC = int4pl, STYPE = int, INITCOND = '0')"));
        try {
            assertThat(ReceivedTexts.attempt(gateway, "alice", TestGateway.ALICE_TOKEN,
                    "SELECT obj_description('wv_plain'::regclass, 'pg_class')", "extended"))
                    .containsExactly("orders imported nightly");
            assertThat(ReceivedTexts.attempt(gateway, "alice", TestGateway.ALICE_TOKEN,
                    "SELECT agginitval FROM pg_aggregate WHERE aggfnoid = 'wv_total'::regproc", "simple"))
                    .containsExactly("0");
        } finally {
            CatalogChannelScenario.asAdmin(gateway, List.of("COMMENT ON TABLE wv_plain IS NULL", "DROP AGGREGATE wv_total(int)"));
        }
    }

}
