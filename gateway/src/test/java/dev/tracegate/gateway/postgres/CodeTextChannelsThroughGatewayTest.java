package dev.tracegate.gateway.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracegate.gateway.TestGateway;
import dev.tracegate.gateway.TestTarget;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each piece of a DBA's code alone in the database, quoting a protected name where the earlier
 * sweep did not look: a partition's bound, a publication's row filter, a domain's default and
 * check, a trigger's arguments, a function body that quotes the name in dollar quotes or through a
 * variable, a view that compares the column with a {@code VALUES} list, an SQL-standard function
 * body. Every catalog channel that shows that code must hand a masked caller no name, through
 * pgjdbc in both query modes and through psql's describe commands.
 */
class CodeTextChannelsThroughGatewayTest {

    private static final String POLICY = """
            defaults:
              action: allow
            masking:
              profiles:
                personal-data:
                  columns:
                    - {match: public.cx_customers.name, entity: person_name, strategy: hash}
                    - {match: public.cx_parts.name, entity: person_name, strategy: hash}
                    - {match: public.cx_customers.nick, entity: person_name, strategy: hash}
            rules:
              - name: mask-personal-data
                connections: [app]
                exceptGroups: [admins]
                mask: personal-data
            """;

    private static TestGateway gateway;

    @BeforeAll
    static void start() throws SQLException {
        try (Connection direct = TestTarget.direct(); Statement sql = direct.createStatement()) {
            sql.execute("DROP TABLE IF EXISTS cx_customers, cx_parts CASCADE");
            sql.execute("CREATE TABLE cx_customers (id int PRIMARY KEY, name text, status text)");
            sql.execute("INSERT INTO cx_customers VALUES (1, 'Ada Lovelace', 'new'), (2, 'Grace Hopper', 'new')");
        }
        gateway = TestGateway.start(List.of(), POLICY);
    }

    @AfterAll
    static void stop() throws SQLException {
        gateway.close();
        try (Connection direct = TestTarget.direct(); Statement sql = direct.createStatement()) {
            sql.execute("DROP TABLE IF EXISTS cx_customers, cx_parts CASCADE");
        }
    }

    static Stream<CatalogChannelScenario> scenarios() {
        return Stream.of(
                new CatalogChannelScenario("a partition's bound",
                        List.of("CREATE TABLE cx_parts (id int, name text) PARTITION BY LIST (name)",
                                "CREATE TABLE cx_parts_ada PARTITION OF cx_parts FOR VALUES IN ('Ada Lovelace')"),
                        List.of("SELECT pg_get_expr(relpartbound, oid) FROM pg_class WHERE relname = 'cx_parts_ada'",
                                "SELECT relpartbound FROM pg_class WHERE relname = 'cx_parts_ada'",
                                "SELECT c.relpartbound::text FROM pg_catalog.pg_class c WHERE c.relname = 'cx_parts_ada'",
                                "SELECT row_to_json(c) FROM pg_class c WHERE relname = 'cx_parts_ada'",
                                "SELECT pg_get_partition_constraintdef('cx_parts_ada'::regclass)"),
                        List.of("\\d cx_parts_ada", "\\d+ cx_parts"),
                        List.of("DROP TABLE cx_parts")),
                new CatalogChannelScenario("a publication's row filter",
                        List.of("CREATE PUBLICATION cx_pub FOR TABLE cx_customers WHERE (name = 'Ada Lovelace')"
                                + " WITH (publish = 'insert')"),
                        List.of("SELECT rowfilter FROM pg_publication_tables WHERE pubname = 'cx_pub'",
                                "SELECT pg_get_expr(prqual, prrelid) FROM pg_publication_rel",
                                "SELECT prqual FROM pg_catalog.pg_publication_rel"),
                        List.of("\\dRp+ cx_pub", "\\d cx_customers"),
                        List.of("DROP PUBLICATION cx_pub")),
                new CatalogChannelScenario("a domain's default and check",
                        List.of("CREATE DOMAIN cx_name AS text DEFAULT 'Alan Turing' CHECK (VALUE <> 'Charles Babbage')",
                                "ALTER TABLE cx_customers ALTER COLUMN name TYPE cx_name"),
                        List.of("SELECT typdefault FROM pg_type WHERE typname = 'cx_name'",
                                "SELECT pg_get_expr(typdefaultbin, 0) FROM pg_type WHERE typname = 'cx_name'",
                                "SELECT t.* FROM pg_catalog.pg_type t WHERE typname = 'cx_name'",
                                "SELECT domain_default FROM information_schema.domains WHERE domain_name = 'cx_name'",
                                "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE contypid = 'cx_name'::regtype",
                                "SELECT check_clause FROM information_schema.check_constraints"),
                        List.of("\\dD cx_name", "\\d cx_customers"),
                        List.of("ALTER TABLE cx_customers ALTER COLUMN name TYPE text", "DROP DOMAIN cx_name")),
                new CatalogChannelScenario("a trigger's arguments",
                        List.of("CREATE FUNCTION cx_refuse() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN"
                                        + " IF NEW.name = TG_ARGV[0] THEN RETURN NULL; END IF; RETURN NEW; END$$",
                                "CREATE TRIGGER cx_refuse_ada BEFORE INSERT ON cx_customers FOR EACH ROW"
                                        + " EXECUTE FUNCTION cx_refuse('Ada Lovelace')"),
                        List.of("SELECT pg_get_triggerdef(oid) FROM pg_trigger WHERE tgname = 'cx_refuse_ada'",
                                "SELECT encode(tgargs, 'escape') FROM pg_trigger WHERE tgname = 'cx_refuse_ada'",
                                "SELECT action_statement FROM information_schema.triggers"),
                        List.of("\\d cx_customers"),
                        List.of("DROP TRIGGER cx_refuse_ada ON cx_customers", "DROP FUNCTION cx_refuse()")),
                new CatalogChannelScenario("a body quoting in dollar quotes",
                        List.of("CREATE FUNCTION cx_ada() RETURNS SETOF int LANGUAGE sql"
                                + " AS $f$SELECT id FROM cx_customers WHERE name = $q$Ada Lovelace$q$$f$"),
                        List.of("SELECT pg_get_functiondef('cx_ada'::regproc)",
                                "SELECT prosrc FROM pg_proc WHERE proname = 'cx_ada'",
                                "SELECT p.* FROM pg_proc p WHERE proname = 'cx_ada'",
                                "SELECT row_to_json(p) FROM pg_catalog.pg_proc p WHERE proname = 'cx_ada'",
                                "SELECT routine_definition FROM information_schema.routines WHERE routine_name = 'cx_ada'"),
                        List.of("\\sf cx_ada", "\\df+ cx_ada"),
                        List.of("DROP FUNCTION cx_ada()")),
                new CatalogChannelScenario("a DBA's view of the functions' sources",
                        List.of("CREATE FUNCTION cx_ada_src() RETURNS SETOF int LANGUAGE sql"
                                        + " AS $$SELECT id FROM cx_customers WHERE name = 'Ada Lovelace'$$",
                                "CREATE VIEW cx_sources AS SELECT proname, prosrc FROM pg_proc"),
                        List.of("SELECT prosrc FROM cx_sources WHERE proname = 'cx_ada_src'",
                                "SELECT s.* FROM cx_sources s WHERE proname = 'cx_ada_src'"),
                        List.of(),
                        List.of("DROP VIEW cx_sources", "DROP FUNCTION cx_ada_src()")),
                new CatalogChannelScenario("a body quoting through a variable",
                        List.of("CREATE FUNCTION cx_grace() RETURNS SETOF int LANGUAGE plpgsql AS $$DECLARE"
                                + " who text := 'Grace Hopper'; BEGIN RETURN QUERY SELECT id FROM cx_customers"
                                + " WHERE name = who; END$$"),
                        List.of("SELECT pg_get_functiondef('cx_grace'::regproc)",
                                "SELECT prosrc FROM pg_proc WHERE proname = 'cx_grace'"),
                        List.of("\\sf cx_grace"),
                        List.of("DROP FUNCTION cx_grace()")),
                new CatalogChannelScenario("a body building its query as text",
                        List.of("CREATE FUNCTION cx_dynamic() RETURNS SETOF int LANGUAGE plpgsql AS $$BEGIN RETURN QUERY"
                                + " EXECUTE format('SELECT id FROM %I WHERE name = %L', 'cx_customers', 'Ada Lovelace'); END$$"),
                        List.of("SELECT pg_get_functiondef('cx_dynamic'::regproc)",
                                "SELECT prosrc FROM pg_proc WHERE proname = 'cx_dynamic'"),
                        List.of("\\sf cx_dynamic"),
                        List.of("DROP FUNCTION cx_dynamic()")),
                new CatalogChannelScenario("a call handing the value to a function that compares it",
                        List.of("CREATE FUNCTION cx_ids_named(who text) RETURNS SETOF int LANGUAGE sql"
                                        + " AS $$SELECT id FROM cx_customers WHERE name = who$$",
                                "CREATE FUNCTION cx_ada_ids() RETURNS SETOF int LANGUAGE sql"
                                        + " AS $$SELECT cx_ids_named('Ada Lovelace')$$"),
                        List.of("SELECT pg_get_functiondef('cx_ada_ids'::regproc)",
                                "SELECT prosrc FROM pg_proc WHERE proname = 'cx_ada_ids'"),
                        List.of("\\sf cx_ada_ids"),
                        List.of("DROP FUNCTION cx_ada_ids()", "DROP FUNCTION cx_ids_named(text)")),
                new CatalogChannelScenario("a view comparing with a VALUES list",
                        List.of("CREATE VIEW cx_vip AS SELECT c.id FROM cx_customers c"
                                + " JOIN (VALUES ('Ada Lovelace')) v(n) ON c.name = v.n"),
                        List.of("SELECT pg_get_viewdef('cx_vip')",
                                "SELECT definition FROM pg_views WHERE viewname = 'cx_vip'"),
                        List.of("\\d+ cx_vip"),
                        List.of("DROP VIEW cx_vip")),
                new CatalogChannelScenario("an SQL-standard body",
                        List.of("CREATE FUNCTION cx_atomic() RETURNS SETOF int LANGUAGE sql BEGIN ATOMIC"
                                + " SELECT id FROM cx_customers WHERE name = 'Ada Lovelace'; END"),
                        List.of("SELECT pg_get_function_sqlbody('cx_atomic'::regproc)",
                                "SELECT prosqlbody FROM pg_proc WHERE proname = 'cx_atomic'"),
                        List.of(),
                        List.of("DROP FUNCTION cx_atomic()")),
                new CatalogChannelScenario("a column's value for the rows before it was added",
                        List.of("ALTER TABLE cx_customers ADD COLUMN nick text DEFAULT 'Alan Turing'",
                                "ALTER TABLE cx_customers ALTER COLUMN nick DROP DEFAULT"),
                        List.of("SELECT attmissingval FROM pg_attribute WHERE attname = 'nick'",
                                "SELECT a.attmissingval::text FROM pg_catalog.pg_attribute a WHERE a.attname = 'nick'",
                                "SELECT row_to_json(a) FROM pg_attribute a WHERE attname = 'nick'"),
                        List.of(),
                        List.of("ALTER TABLE cx_customers DROP COLUMN nick")),
                new CatalogChannelScenario("an argument's default",
                        List.of("CREATE FUNCTION cx_who(who text DEFAULT 'Alan Turing') RETURNS SETOF int LANGUAGE sql"
                                + " AS $$SELECT id FROM cx_customers WHERE name = who$$"),
                        List.of("SELECT pg_get_function_arg_default('cx_who'::regproc, 1)",
                                "SELECT pg_get_expr(proargdefaults, 0) FROM pg_proc WHERE proname = 'cx_who'",
                                "SELECT proargdefaults FROM pg_proc WHERE proname = 'cx_who'"),
                        List.of("\\df cx_who"),
                        List.of("DROP FUNCTION cx_who(text)")));
    }

    @ParameterizedTest
    @MethodSource("scenarios")
    void noChannelQuotesTheCodesNameToAMaskedCaller(CatalogChannelScenario scenario) throws Exception {
        assertThat(scenario.leaks(gateway)).as(scenario.name()).isEmpty();
    }

    /** A name spelled one character code at a time is the same name: chr(65) || chr(100) || ... */
    @Test
    void aNameSpelledInCharacterCodesIsQuotedToNoMaskedCaller() throws Exception {
        String spelled = "Ada Lovelace".chars().mapToObj(c -> "chr(" + c + ")").collect(Collectors.joining(" || "));
        CatalogChannelScenario.asAdmin(gateway, List.of("CREATE VIEW cx_spelled AS SELECT id FROM cx_customers WHERE name = " + spelled));
        try {
            for (String mode : List.of("simple", "extended")) {
                assertThat(ReceivedTexts.attempt(gateway, "alice", TestGateway.ALICE_TOKEN,
                        "SELECT pg_get_viewdef('cx_spelled')", mode)).as(mode).noneMatch(text -> text.contains("chr(65)"));
            }
        } finally {
            CatalogChannelScenario.asAdmin(gateway, List.of("DROP VIEW cx_spelled"));
        }
    }

}
