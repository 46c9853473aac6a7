package dev.tracegate.policy.sql;

import static dev.tracegate.policy.sql.StatementClass.BULK_WRITE;
import static dev.tracegate.policy.sql.StatementClass.READ;
import static dev.tracegate.policy.sql.StatementClass.WRITE;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A write's null tests of NOT NULL columns, read as the schema makes them: constant for every row. */
class NotNullColumnTestsTest {

    private final SqlClassifier classifier = new SqlClassifier();
    /** orders.id and orders.created_at are NOT NULL; note is not. */
    private final NotNullColumnTests.NotNullColumns schema = tables -> tables.stream()
            .anyMatch(t -> t.replace("`", "").endsWith("orders")) ? Set.of("id", "created_at", "Mixed Case") : Set.of();

    @Test
    void aTestThatANotNullColumnIsNotNullChangesEveryRow() {
        for (String sql : List.of("DELETE FROM orders WHERE id IS NOT NULL", "DELETE FROM orders WHERE id NOTNULL",
                "DELETE FROM orders WHERE orders.id IS NOT NULL", "DELETE FROM public.orders o WHERE o.id IS NOT NULL",
                "DELETE FROM orders WHERE public.orders.id is not null", "DELETE FROM orders WHERE id IS DISTINCT FROM NULL",
                "DELETE FROM orders WHERE NOT id IS NULL", "DELETE FROM orders WHERE NOT (id ISNULL)",
                "DELETE FROM orders WHERE id /* x */ IS -- y\n NOT NULL", "DELETE FROM orders WHERE \"id\" IS NOT NULL",
                "DELETE FROM orders WHERE \"Mixed Case\" IS NOT NULL",
                "UPDATE orders SET note = 'x' WHERE created_at IS NOT NULL OR note = 'y'",
                "UPDATE orders SET note = 'x' WHERE id IS NULL OR created_at IS NOT NULL",
                "DELETE FROM orders WHERE id IS NOT NULL AND created_at IS NOT NULL",
                "WITH d AS (DELETE FROM orders WHERE id IS NOT NULL RETURNING 1) SELECT count(*) FROM d")) {
            assertThat(judged(sql).statementClass()).as(sql).isEqualTo(BULK_WRITE);
            assertThat(judged(sql).reasons()).as(sql).anyMatch(r -> r.contains("NOT NULL"));
        }
    }

    @Test
    void testsThatStillTellRowsApartKeepTheWriteAWrite() {
        for (String sql : List.of("DELETE FROM orders WHERE note IS NOT NULL", "DELETE FROM orders WHERE id IS NULL",
                "DELETE FROM orders WHERE id IS NOT NULL AND note = 'x'", "DELETE FROM orders WHERE id = 7",
                "DELETE FROM customers WHERE id IS NOT NULL", "DELETE FROM orders WHERE id IS NOT DISTINCT FROM NULL",
                "UPDATE orders SET note = NULL WHERE id = 7")) {
            assertThat(judged(sql).statementClass()).as(sql).isEqualTo(WRITE);
        }
        assertThat(judged("SELECT * FROM orders WHERE id IS NOT NULL").statementClass()).isEqualTo(READ);
    }

    @Test
    void mySqlAndMariaDbTestsOfNotNullColumnsChangeEveryRowWhateverTheirCase() {
        for (String sql : List.of("DELETE FROM orders WHERE id IS NOT NULL", "DELETE FROM orders WHERE ID IS NOT NULL",
                "DELETE FROM `orders` WHERE `Id` IS NOT NULL", "DELETE FROM shop.orders WHERE orders.id IS NOT NULL # x",
                "DELETE FROM orders WHERE NOT id IS NULL LIMIT 10", "UPDATE orders SET note = 'it''s' WHERE created_at IS NOT NULL",
                "UPDATE orders SET note = 'a\\\\' WHERE id IS NOT NULL", "DELETE FROM orders WHERE /*!id IS NOT NULL*/")) {
            assertThat(judged(sql, SqlDialect.MYSQL).statementClass()).as(sql).isEqualTo(BULK_WRITE);
        }
        // A test the schema makes false leaves MySQL's rules a WHERE that reads no row, bulk as WHERE false is.
        for (String sql : List.of("DELETE FROM orders WHERE note IS NOT NULL", "DELETE FROM orders WHERE id IS NULL OR note = 'x'",
                "UPDATE orders SET note = 'id IS NOT NULL' WHERE id = 7")) {
            assertThat(judged(sql, SqlDialect.MYSQL).statementClass()).as(sql).isEqualTo(WRITE);
        }
    }

    @Test
    void textAStatementRunsIsJudgedAsThatTextWouldBe() {
        for (String sql : List.of("PREPARE s FROM 'DELETE FROM orders WHERE id IS NOT NULL'",
                "EXECUTE IMMEDIATE 'UPDATE orders SET note = ''x'' WHERE NOT id IS NULL'")) {
            assertThat(judged(sql, SqlDialect.MYSQL).statementClass()).as(sql).isEqualTo(BULK_WRITE);
            assertThat(judged(sql, SqlDialect.MYSQL).reasons().getFirst()).as(sql).contains("the text it runs");
        }
        assertThat(judged("SELECT query_to_xml('DELETE FROM orders WHERE id IS NOT NULL RETURNING 1', true, true, '')")
                .statementClass()).isEqualTo(BULK_WRITE);
        // A value that reads as SQL is a value.
        assertThat(judged("INSERT INTO orders (note) VALUES ('DELETE FROM orders WHERE id IS NOT NULL')", SqlDialect.MYSQL)
                .statementClass()).isEqualTo(WRITE);
        assertThat(judged("PREPARE s FROM 'DELETE FROM orders WHERE note IS NOT NULL'", SqlDialect.MYSQL)
                .statementClass()).isEqualTo(WRITE);
    }

    @Test
    void aCatalogThatCannotAnswerCountsEveryColumnTestedForNullAsNotNull() {
        NotNullColumnTests.NotNullColumns unread = tables -> null;
        for (SqlDialect dialect : List.of(SqlDialect.POSTGRESQL, SqlDialect.MYSQL)) {
            ClassifiedStatement statement = NotNullColumnTests.judged(classifier.classify(
                    "DELETE FROM orders WHERE note IS NOT NULL", dialect, name -> java.util.Optional.empty())
                    .statements().getFirst(), unread, classifier, dialect);
            assertThat(statement.statementClass()).as(dialect.name()).isEqualTo(BULK_WRITE);
            assertThat(statement.reasons().getFirst()).contains("could not be read").contains("note");
        }
    }

    private ClassifiedStatement judged(String sql) {
        return judged(sql, SqlDialect.POSTGRESQL);
    }

    private ClassifiedStatement judged(String sql, SqlDialect dialect) {
        return NotNullColumnTests.judged(classifier.classify(sql, dialect, name -> java.util.Optional.empty())
                .statements().getFirst(), schema, classifier, dialect);
    }
}
