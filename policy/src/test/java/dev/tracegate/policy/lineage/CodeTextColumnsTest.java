package dev.tracegate.policy.lineage;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The catalogs every client reads ({@code pg_proc}, {@code pg_class}, {@code pg_type}) hold code
 * in a few columns: a function's source and arguments' defaults, a partition's bound, a domain's
 * default. While code quotes a protected value, a masked caller reads the rest of them and not
 * those columns, by name or as part of the row.
 */
class CodeTextColumnsTest {

    private static final ProtectedSchema QUOTING = shop(Map.of("customers", List.of(
            " SELECT c.id FROM (customers c JOIN ( VALUES ('4111111111111111'::text)) v(n) ON ((c.card_number = v.n)));")));
    private static final ProtectedSchema NOT_QUOTING = shop(Map.of("customers", List.of("id DEFAULT nextval('customers_id_seq'::regclass)")));

    @ParameterizedTest
    @ValueSource(strings = {
            "SELECT prosrc FROM pg_proc WHERE proname = 'vip_ids'",
            "SELECT p.prosrc FROM pg_catalog.pg_proc p",
            "SELECT upper(prosqlbody::text) FROM pg_proc",
            "SELECT pg_get_expr(proargdefaults, 0) FROM pg_proc",
            "SELECT pg_get_expr(relpartbound, oid) FROM pg_class",
            "SELECT relpartbound FROM pg_class WHERE relname = 'parts_ada'",
            "SELECT c.relname, c.relpartbound::text FROM pg_class c",
            "SELECT typdefault FROM pg_catalog.pg_type",
            "SELECT * FROM pg_proc",
            "SELECT p.* FROM pg_proc p",
            "SELECT p FROM pg_proc p",
            "SELECT row_to_json(c) FROM pg_class c",
            "SELECT to_jsonb(pg_type) FROM pg_type",
            "SELECT (t).typdefault FROM pg_type t",
            "SELECT t FROM pg_catalog.pg_type AS t",
            "SELECT x.prosrc FROM (SELECT * FROM pg_proc) x",
            "SELECT pg_get_function_sqlbody(oid) FROM pg_proc",
            "SELECT pg_get_function_arg_default(oid, 1) FROM pg_proc",
            "SELECT rowfilter FROM pg_publication_tables",
            "SELECT pg_get_expr(prqual, prrelid) FROM pg_publication_rel",
            "SELECT qual FROM pg_get_publication_tables('vip_pub')",
            "SELECT domain_default FROM information_schema.domains"})
    void codeColumnsAreRefusedWhileCodeQuotesAProtectedValue(String sql) {
        LineageVerdict verdict = LineageCheck.check(sql, QUOTING);
        assertThat(verdict.allowed()).as(sql).isFalse();
        assertThat(verdict.reason()).as(sql).contains("the database's code");
        LineageVerdict notQuoting = LineageCheck.check(sql, NOT_QUOTING);
        assertThat(notQuoting.allowed()).as("no code quotes: " + sql + ": " + notQuoting.reason()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "SELECT oid, proname FROM pg_proc WHERE proname = 'lo_open'",
            "SELECT c.relname, c.relkind FROM pg_catalog.pg_class c WHERE c.relnamespace = 2200",
            "SELECT t.typname, t.typtype FROM pg_type t WHERE t.oid = 25",
            "SELECT pg_type.oid, typname FROM pg_catalog.pg_type WHERE typname = 'int4' ORDER BY pg_type.oid DESC"})
    void theRestOfTheCatalogsStaysReadable(String sql) {
        assertThat(LineageCheck.check(sql, QUOTING).allowed()).as(sql).isTrue();
    }

    /** A view of a code column is refused as the column is; a view naming it in quoting code ends its own reading. */
    @Test
    void aViewOfACodeColumnIsRefusedAsTheColumnIs() {
        CatalogRelation sources = new CatalogRelation("public", "sources", RelationKind.VIEW, false, true, List.of(
                new CatalogColumn("proname", "name"), new CatalogColumn("prosrc", "text")),
                " SELECT proname, prosrc FROM pg_proc");
        ProtectedSchema quoting = shop(Map.of("vip", List.of(" SELECT s.proname FROM sources s JOIN customers c"
                + " ON c.card_number = '4111111111111111'")), sources);
        assertThat(LineageCheck.check("SELECT prosrc FROM sources", quoting).allowed()).isFalse();
        ProtectedSchema quiet = shop(Map.of("customers", List.of("id DEFAULT nextval('customers_id_seq'::regclass)")),
                sources);
        assertThat(LineageCheck.check("SELECT prosrc FROM sources", quiet).allowed()).isTrue();
    }

    private static ProtectedSchema shop(Map<String, List<String>> literalCode, CatalogRelation... more) {
        List<CatalogRelation> relations = new java.util.ArrayList<>(List.of(
                new CatalogRelation("public", "customers", RelationKind.TABLE, false, true, List.of(
                        new CatalogColumn("id", "int4"), new CatalogColumn("card_number", "text"),
                        new CatalogColumn("status", "text")), null),
                system("pg_proc", "oid", "proname", "prosrc", "prosqlbody", "proargdefaults"),
                system("pg_class", "oid", "relname", "relkind", "relnamespace", "relpartbound"),
                system("pg_type", "oid", "typname", "typtype", "typdefault"),
                system("pg_publication_rel", "prqual", "prrelid"),
                system("pg_publication_tables", "rowfilter"),
                new CatalogRelation("information_schema", "domains", RelationKind.SYSTEM, false, true,
                        List.of(new CatalogColumn("domain_default", "text")), null)));
        relations.addAll(List.of(more));
        CatalogSnapshot catalog = new CatalogSnapshot(relations, Set.of(), ShopCatalog.BUILT_IN_FUNCTIONS,
                Set.of(), Set.of("select", "from", "where", "as", "text", "int4", "join", "on", "pg_catalog",
                "information_schema", "pg_get_function_sqlbody", "pg_get_function_arg_default", "to_jsonb",
                "row_to_json", "pg_get_expr", "upper", "pg_get_publication_tables", "qual"), Set.of(), Set.of(), DatabaseCode.NONE, literalCode, 1);
        return new ProtectedSchema(catalog, ShopCatalog.profile());
    }

    private static CatalogRelation system(String name, String... columns) {
        return new CatalogRelation("pg_catalog", name, RelationKind.SYSTEM, false, true,
                java.util.Arrays.stream(columns).map(column -> new CatalogColumn(column, "text")).toList(), null);
    }
}
