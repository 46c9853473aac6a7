package dev.tracegate.gateway.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracegate.gateway.TestGateway;
import dev.tracegate.gateway.TestTarget;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The text of the database's code quotes what a DBA wrote into it: a view's {@code WHERE name =
 * 'Ada Lovelace'}, a column's {@code DEFAULT 'Alan Turing'}, a check's {@code name <> 'Grace
 * Hopper'}, a partial index's and a trigger's {@code WHEN}, a function's body and its arguments' defaults. {@code pg_get_viewdef}, {@code
 * pg_views.definition}, {@code information_schema.columns.column_default} and their kin handed a
 * masked caller those names in clear, as a computed value no column rule covers and no detector
 * recognises; so did psql's {@code \d+}. No name may reach the masked caller; its reads of the
 * table itself stay masked as before.
 */
class CodeTextThroughGatewayTest {

    private static final String POLICY = """
            defaults:
              action: allow
            masking:
              profiles:
                personal-data:
                  columns:
                    - {match: public.ct_customers.name, entity: person_name, strategy: hash}
            rules:
              - name: mask-personal-data
                connections: [app]
                exceptGroups: [admins]
                mask: personal-data
            """;
    private static final List<String> NAMES = List.of("Ada Lovelace", "Grace Hopper", "Alan Turing");
    private static final LeakSearch LEAKS = new LeakSearch(Set.copyOf(NAMES), Set.of());

    private static TestGateway gateway;

    @BeforeAll
    static void start() throws SQLException {
        try (Connection direct = TestTarget.direct(); Statement sql = direct.createStatement()) {
            dropAll(sql);
            sql.execute("CREATE TABLE ct_customers (id int PRIMARY KEY, name text, tier int)");
            for (int i = 0; i < NAMES.size(); i++) {
                sql.execute("INSERT INTO ct_customers VALUES (" + (i + 1) + ", '" + NAMES.get(i) + "', 1)");
            }
            // A DBA's code, each piece quoting a name.
            sql.execute("CREATE VIEW ct_vip AS SELECT id, tier FROM ct_customers WHERE name = 'Ada Lovelace'");
            sql.execute("ALTER TABLE ct_customers ADD CONSTRAINT ct_not_grace CHECK (name <> 'Grace Hopper') NOT VALID");
            sql.execute("ALTER TABLE ct_customers ALTER COLUMN name SET DEFAULT 'Alan Turing'");
            sql.execute("CREATE INDEX ct_ada ON ct_customers (id) WHERE name = 'Ada Lovelace'");
            sql.execute("CREATE FUNCTION ct_noop() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$");
            sql.execute("CREATE FUNCTION ct_grace_ids(who text DEFAULT 'Alan Turing') RETURNS SETOF int LANGUAGE sql"
                    + " AS $$SELECT id FROM ct_customers WHERE name = 'Grace Hopper' OR name = who$$");
            sql.execute("CREATE TRIGGER ct_watch BEFORE UPDATE ON ct_customers FOR EACH ROW"
                    + " WHEN (NEW.name = 'Grace Hopper') EXECUTE FUNCTION ct_noop()");
        }
        gateway = TestGateway.start(List.of(), POLICY);
    }

    @AfterAll
    static void stop() throws SQLException {
        gateway.close();
        try (Connection direct = TestTarget.direct(); Statement sql = direct.createStatement()) {
            dropAll(sql);
        }
    }

    private static void dropAll(Statement sql) throws SQLException {
        sql.execute("DROP VIEW IF EXISTS ct_vip");
        sql.execute("DROP TABLE IF EXISTS ct_customers");
        sql.execute("DROP FUNCTION IF EXISTS ct_noop(), ct_grace_ids(text)");
    }

    static Stream<String> attempts() {
        return Stream.of(
                "SELECT pg_get_viewdef('ct_vip')", "SELECT upper(pg_catalog.pg_get_viewdef('ct_vip'::regclass, true))",
                "SELECT definition FROM pg_views WHERE viewname = 'ct_vip'",
                "SELECT * FROM pg_catalog.pg_views WHERE viewname = 'ct_vip'",
                "SELECT view_definition FROM information_schema.views WHERE table_name = 'ct_vip'",
                "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = 'ct_not_grace'",
                "SELECT check_clause FROM information_schema.check_constraints WHERE constraint_name = 'ct_not_grace'",
                "SELECT column_default FROM information_schema.columns WHERE table_name = 'ct_customers'",
                "SELECT pg_get_expr(adbin, adrelid) FROM pg_attrdef WHERE adrelid = 'ct_customers'::regclass",
                "SELECT indexdef FROM pg_indexes WHERE tablename = 'ct_customers'",
                "SELECT pg_get_indexdef(indexrelid) FROM pg_index WHERE indrelid = 'ct_customers'::regclass",
                "SELECT pg_get_triggerdef(oid) FROM pg_trigger WHERE tgname = 'ct_watch'",
                "SELECT action_condition FROM information_schema.triggers WHERE trigger_name = 'ct_watch'",
                "SELECT pg_get_functiondef('ct_grace_ids'::regproc)",
                "SELECT pg_get_function_arguments('ct_grace_ids'::regproc)",
                "SELECT routine_definition FROM information_schema.routines WHERE routine_name = 'ct_grace_ids'",
                "SELECT parameter_default FROM information_schema.parameters WHERE specific_name LIKE 'ct_grace_ids%'");
    }

    @ParameterizedTest
    @MethodSource("attempts")
    void theDatabasesCodeQuotesNoNameToAMaskedCaller(String attempt) throws SQLException {
        for (String mode : List.of("simple", "extended")) {
            assertThat(LEAKS.leaksIn(received(attempt, mode, TestGateway.ALICE_TOKEN))).as(mode + ": " + attempt).isEmpty();
        }
    }

    @Test
    void psqlsDescribeQuotesNoName() throws Exception {
        for (String describe : List.of("\\d+ ct_vip", "\\d ct_customers", "\\sf ct_grace_ids", "\\df+ ct_grace_ids")) {
            ClientProcess psql = ClientProcess.run(null, List.of("psql", gateway.libpqUri("app"), "-X", "-c", describe));
            assertThat(LEAKS.leaksIn(psql.output())).as(describe).isEmpty();
        }
    }

    @Test
    void theCodeHoldsTheNamesAndTheTableStaysReadableMasked() throws SQLException {
        assertThat(received("SELECT pg_get_viewdef('ct_vip')", "simple", TestGateway.ADMIN_TOKEN))
                .singleElement().asString().contains("Ada Lovelace");
        List<String> masked = received("SELECT name FROM ct_customers ORDER BY id", "extended", TestGateway.ALICE_TOKEN);
        assertThat(masked).hasSize(3).doesNotContainAnyElementsOf(NAMES).doesNotContainNull();
    }

    private static List<String> received(String attempt, String mode, String token) throws SQLException {
        String user = token.equals(TestGateway.ADMIN_TOKEN) ? "admin" : "alice";
        return ReceivedTexts.attempt(gateway, user, token, attempt, mode);
    }
}
