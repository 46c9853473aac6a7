package dev.tracegate.policy.lineage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracegate.policy.sql.SqlDialect;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which comments count as quoting a protected value, and which SHOW forms print them (docs/masking.md). */
class WrittenValuesTest {

    @Test
    void aCommentOnAFunctionReadingAProtectedTableCounts() {
        ProtectedSchema schema = shop(Map.of("cx_count", List.of("\"cx_count\" ( 'Alan Turing' ) ; ")),
                Map.of("cx_count", List.of(MySqlCodeText.asCode("SELECT count(*) FROM shop.customers"))));
        assertThat(schema.writtenValueMayQuote(WrittenValueNames.Kind.COMMENT)).isTrue();
        for (String show : List.of("SHOW PROCEDURE STATUS", "SHOW FUNCTION STATUS LIKE 'cx%'", "SHOW TABLE STATUS",
                "SHOW CREATE PROCEDURE cx_count", "SHOW INDEX FROM customers", "SHOW FULL COLUMNS FROM customers")) {
            assertThat(LineageCheck.check(show, SqlDialect.MYSQL, schema).allowed()).as(show).isFalse();
        }
    }

    @Test
    void aCommentOnATableWithoutProtectedColumnsDoesNotCount() {
        ProtectedSchema schema = shop(Map.of("orders", List.of("'imported nightly'")), Map.of());
        assertThat(schema.writtenValueMayQuote(WrittenValueNames.Kind.COMMENT)).isFalse();
        assertThat(LineageCheck.check("SHOW TABLE STATUS", SqlDialect.MYSQL, schema).allowed()).isTrue();
    }

    private static ProtectedSchema shop(Map<String, List<String>> comments, Map<String, List<String>> literalCode) {
        List<CatalogRelation> relations = List.of(
                new CatalogRelation("shop", "customers", RelationKind.TABLE, false, true, List.of(
                        new CatalogColumn("id", "int4"), new CatalogColumn("card_number", "text")), null),
                new CatalogRelation("shop", "orders", RelationKind.TABLE, false, true, List.of(
                        new CatalogColumn("id", "int4"), new CatalogColumn("status", "text")), null));
        CatalogSnapshot catalog = new CatalogSnapshot(relations, Set.of("cx_count"), ShopCatalog.BUILT_IN_FUNCTIONS,
                Set.of(), Set.of("select", "from", "show", "status", "like"), Set.of(), Set.of(), DatabaseCode.NONE,
                literalCode, new WrittenValues(comments, Set.of(), false), 1);
        return new ProtectedSchema(catalog, ShopCatalog.profile());
    }
}
