package dev.tracegate.policy.lineage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracegate.policy.sql.SqlDialect;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * MariaDB's stored view definitions (as {@code information_schema.VIEWS} shows them, fully
 * qualified and in backticks) read by the lineage check through {@link MySqlViewDefinition}, for a
 * caller masked by the shop profile: a view column that passes a protected column through is that
 * column, a computed one is an expression over it, and a view that cannot be read is refused.
 */
class MySqlViewDefinitionTest {

    private static final List<CatalogColumn> CUSTOMER_COLUMNS = List.of(new CatalogColumn("id", "int"),
            new CatalogColumn("name", "varchar"), new CatalogColumn("email", "varchar"),
            new CatalogColumn("card_number", "varchar"));

    private static final CatalogSnapshot CATALOG = new CatalogSnapshot(List.of(
            new CatalogRelation("shop", "customers", RelationKind.TABLE, false, true, CUSTOMER_COLUMNS, null),
            view("shop", "customer_contacts", List.of("id", "contact", "card_number"),
                    "select `shop`.`customers`.`id` AS `id`,`shop`.`customers`.`email` AS `contact`,"
                            + "`shop`.`customers`.`card_number` AS `card_number` from `shop`.`customers`"),
            view("shop", "contact_cards", List.of("reach", "pan"),
                    "select `shop`.`customer_contacts`.`contact` AS `reach`,`shop`.`customer_contacts`.`card_number` AS `pan`"
                            + " from `shop`.`customer_contacts`"),
            view("shop", "shouted", List.of("loud"),
                    "select ucase(`c`.`email`) AS `loud` from `shop`.`customers` `c`"),
            view("shop", "all_names", List.of("who"),
                    "select `shop`.`customers`.`name` AS `who` from `shop`.`customers` union select"
                            + " `shop`.`customers`.`email` AS `email` from `shop`.`customers`"),
            view("crm", "people", List.of("mail"),
                    "select `shop`.`customers`.`email` AS `mail` from `shop`.`customers`"),
            view("shop", "quoted", List.of("note"), "select 'it''s' AS `note`"),
            view("shop", "escaped", List.of("note"), "select 'it\\'s' AS `note`"),
            view("shop", "hidden", List.of("x"), "")),
            Set.of(), Set.of("ucase", "count", "reverse", "concat"), Set.of(),
            Set.of("select", "from", "as", "union", "where", "count", "shop", "crm"), 1);

    private static final ProtectedSchema SCHEMA = new ProtectedSchema(CATALOG, ShopCatalog.profile());

    private static CatalogRelation view(String schema, String name, List<String> columns, String mariadbDefinition) {
        return new CatalogRelation(schema, name, RelationKind.VIEW, false, schema.equals("shop"),
                columns.stream().map(c -> new CatalogColumn(c, "varchar")).toList(),
                MySqlViewDefinition.readable(mariadbDefinition));
    }

    private static LineageVerdict check(String sql) {
        return LineageCheck.check(sql, SqlDialect.MYSQL, SCHEMA);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "SELECT contact, card_number FROM customer_contacts",
            "SELECT `contact` FROM `shop`.`customer_contacts` WHERE id = 1",
            "SELECT reach, pan FROM contact_cards",
            "SELECT * FROM contact_cards",
            "SELECT count(*) FROM customer_contacts",
            "SELECT mail FROM crm.people",
            "SELECT note FROM quoted",
            "SELECT v.reach FROM contact_cards AS v",
            "SELECT c.email FROM customers c JOIN customer_contacts cc ON cc.id = c.id",
            "SELECT customers.email FROM customers customers",
    })
    void statementsOverTraceableViewsRun(String sql) {
        LineageVerdict verdict = check(sql);
        assertThat(verdict.allowed()).as("%s: %s", sql, verdict.reason()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            // Computing from a protected column passed through one view, or two, or another schema's.
            "SELECT reverse(contact) FROM customer_contacts",
            "SELECT concat(reach, 'x') FROM contact_cards",
            "SELECT reverse(mail) FROM crm.people",
            // A view that computes from a protected column: its column is that expression.
            "SELECT loud FROM shouted",
            // A UNION inside a view mixes a protected column into another.
            "SELECT who FROM all_names",
            // An alias that names another relation: MySQL names result columns by it (org_table).
            "SELECT reach FROM contact_cards AS customers",
            "SELECT reach FROM contact_cards customers",
            "SELECT reach FROM shop.contact_cards `customers`",
            "SELECT x FROM (SELECT email AS x FROM customers) customers",
            "WITH customers AS (SELECT email AS name FROM shop.customers) SELECT name FROM customers",
            "WITH RECURSIVE customer_contacts AS (SELECT email AS id FROM customers) SELECT id FROM customer_contacts",
            // A definition the gateway could not read (MySQL hides it without SHOW VIEW), or not one
            // way only (a backslash in a string: escape or character, by the server's sql_mode).
            "SELECT x FROM hidden",
            "SELECT note FROM escaped",
    })
    void statementsThatWouldRevealAProtectedColumnAreRefused(String sql) {
        LineageVerdict verdict = check(sql);
        assertThat(verdict.allowed()).as(sql).isFalse();
        assertThat(verdict.reason()).isNotBlank();
    }

    @Test
    void aViewColumnThatPassesAStoredColumnThroughIsNamedAsIt() {
        assertThat(ViewOrigins.of(CATALOG, "shop", "contact_cards")).containsExactly(
                Optional.of(new ViewOrigins.StoredColumn("shop", "customers", "email")),
                Optional.of(new ViewOrigins.StoredColumn("shop", "customers", "card_number")));
        assertThat(ViewOrigins.of(CATALOG, "crm", "people"))
                .containsExactly(Optional.of(new ViewOrigins.StoredColumn("shop", "customers", "email")));
        assertThat(ViewOrigins.of(CATALOG, "shop", "shouted")).containsExactly(Optional.empty());
        assertThat(ViewOrigins.of(CATALOG, "shop", "hidden")).isEmpty();
    }

    @Test
    void aDefinitionThatIsNotOneStatementReadOneWayHasNoRendition() {
        assertThat(MySqlViewDefinition.readable("select 1; select 2")).isNull();
        assertThat(MySqlViewDefinition.readable("select 'a")).isNull();
        assertThat(MySqlViewDefinition.readable(null)).isNull();
        assertThat(MySqlViewDefinition.readable("  ")).isNull();
        assertThat(MySqlViewDefinition.readable("select `shop`.`t`.`A` AS `b` from `shop`.`t`"))
                .isEqualTo("select \"shop\" . \"t\" . \"a\" as \"b\" from \"shop\" . \"t\"");
    }
}
