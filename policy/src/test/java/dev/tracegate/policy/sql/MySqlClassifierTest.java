package dev.tracegate.policy.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * MySQL text through {@link SqlClassifier#classify(String, SqlDialect, java.util.function.Function)}:
 * what a caller (the MySQL engine, the policy) sees besides the class, which the corpus
 * ({@link MySqlEvasionCorpusTest}) covers.
 */
class MySqlClassifierTest {

    private final SqlClassifier classifier = new SqlClassifier();

    private SqlClassification mysql(String sql) {
        return classifier.classify(sql, SqlDialect.MYSQL, name -> Optional.empty());
    }

    @Test
    void aNulCharacterIsRefusedWithAReason() {
        SqlClassification result = mysql("SELECT 1 # \0; DROP TABLE t");

        assertThat(result.highestRisk()).isEqualTo(StatementClass.UNKNOWN);
        assertThat(result.statements().getFirst().reasons()).anyMatch(r -> r.contains("NUL"));
    }

    @Test
    void delimiterIsRefusedAsAClientCommand() {
        ClassifiedStatement statement = mysql("DELIMITER //").statements().getFirst();

        assertThat(statement.statementClass()).isEqualTo(StatementClass.UNKNOWN);
        assertThat(statement.command()).isEqualTo("DELIMITER");
        assertThat(statement.reasons()).anyMatch(r -> r.contains("mysql client"));
    }

    @Test
    void theRiskierReadingSaysWhichReadingItIs() {
        SqlClassification result = mysql("SELECT \"a\\\"; DROP TABLE t; -- \"");

        assertThat(result.highestRisk()).isEqualTo(StatementClass.DDL);
        assertThat(result.statements()).anyMatch(s -> s.reasons().stream().anyMatch(r -> r.contains("ANSI_QUOTES")));
    }

    @Test
    void versionGatedCommentsThatEndDifferentlyAreRefused() {
        SqlClassification result = mysql("SELECT 1 /*!99999 ' */ ; DROP TABLE t; -- ' */");

        assertThat(result.statements()).hasSize(1);
        assertThat(result.highestRisk()).isEqualTo(StatementClass.UNKNOWN);
        assertThat(result.statements().getFirst().reasons()).anyMatch(r -> r.contains("servers would read"));
    }

    @Test
    void executeTakesTheClassTheSessionRecordedForThePreparedName() {
        SqlClassification prepared = mysql("PREPARE del FROM 'DELETE FROM t WHERE id = ?'");
        assertThat(prepared.statements().getFirst().prepares()).contains("del");
        assertThat(prepared.highestRisk()).isEqualTo(StatementClass.WRITE);

        Map<String, StatementClass> session = Map.of("del", StatementClass.WRITE);
        SqlClassification executed = classifier.classify("EXECUTE del USING @id", SqlDialect.MYSQL,
                name -> Optional.ofNullable(session.get(name)));
        assertThat(executed.highestRisk()).isEqualTo(StatementClass.WRITE);

        assertThat(mysql("EXECUTE del USING @id").highestRisk()).isEqualTo(StatementClass.UNKNOWN);
    }

    @Test
    void preparedNamesAreCaseInsensitiveAsInMySql() {
        SqlClassification result = mysql("PREPARE S FROM 'DROP TABLE t'; EXECUTE s");

        assertThat(result.statements().get(1).statementClass()).isEqualTo(StatementClass.DDL);
    }

    @Test
    void textFromAUserVariableIsUnknownAndNamed() {
        ClassifiedStatement statement = mysql("PREPARE s FROM @sql").statements().getFirst();

        assertThat(statement.statementClass()).isEqualTo(StatementClass.UNKNOWN);
        assertThat(statement.prepares()).contains("s");
        assertThat(statement.reasons()).anyMatch(r -> r.contains("@sql"));
    }

    @Test
    void commandsNameWhatTheEngineTreatsSpecially() {
        assertThat(mysql("KILL QUERY 12").statements().getFirst().command()).isEqualTo("KILL QUERY");
        assertThat(mysql("KILL 12").statements().getFirst().command()).isEqualTo("KILL CONNECTION");
        assertThat(mysql("LOAD DATA LOCAL INFILE 'x' INTO TABLE t").statements().getFirst().command())
                .isEqualTo("LOAD DATA LOCAL INFILE");
        assertThat(mysql("LOAD DATA INFILE 'x' INTO TABLE t").statements().getFirst().command())
                .isEqualTo("LOAD DATA INFILE");
    }

    @Test
    void theSameTextIsReadInEachDialectsOwnWay() {
        String sql = "SELECT $$; DROP TABLE t; -- $$";

        assertThat(classifier.classify(sql).highestRisk()).isEqualTo(StatementClass.READ);
        assertThat(mysql(sql).highestRisk()).isEqualTo(StatementClass.DDL);
        assertThat(classifier.classify(sql).highestRisk()).as("PostgreSQL's cached result is its own")
                .isEqualTo(StatementClass.READ);
    }

    @Test
    void theSessionsStringModeDecidesWhereAStringEnds() {
        String sql = "SELECT 'a\\'; DROP TABLE t; -- '";

        assertThat(mysql(sql).highestRisk()).isEqualTo(StatementClass.READ);
        assertThat(classifier.classify(sql, SqlDialect.MYSQL_NO_BACKSLASH_ESCAPES, name -> Optional.empty())
                .highestRisk()).isEqualTo(StatementClass.DDL);
    }

    @Test
    void statementsKeepTheirOwnTextAndTables() {
        SqlClassification result = mysql("SELECT * FROM `shop`.`orders` WHERE id = 1; DELETE FROM t");

        assertThat(result.statements()).extracting(ClassifiedStatement::text)
                .containsExactly("SELECT * FROM `shop`.`orders` WHERE id = 1", "DELETE FROM t");
        assertThat(result.statements().get(1).statementClass()).isEqualTo(StatementClass.BULK_WRITE);
    }

    @Test
    void aLongTextThatServersCouldReadInManyWaysIsRefusedNotReadManyTimes() {
        StringBuilder sql = new StringBuilder("SET sql_mode = ''; SELECT \"a\\\\\" ");
        for (int version = 50_001; version <= 50_008; version++) {
            sql.append("/*!").append(version).append(" , 1 */ ");
        }
        sql.append("'x' ".repeat(50_000));

        SqlClassification result = mysql(sql.toString());

        assertThat(result.statements()).hasSize(1);
        assertThat(result.highestRisk()).isEqualTo(StatementClass.UNKNOWN);
        assertThat(result.statements().getFirst().reasons()).anyMatch(r -> r.contains("ways"));
    }

    @Test
    void aWhereOnASubquerysOwnTablesOrOrdWithItsComplementChangesEveryRow() {
        assertEachIs(StatementClass.BULK_WRITE,
                "DELETE FROM orders WHERE EXISTS (SELECT 1 FROM dual)",
                "DELETE FROM orders WHERE EXISTS (SELECT 1 FROM customers c WHERE c.id = 7)",
                "UPDATE orders SET v = 'x' WHERE (SELECT COUNT(*) FROM customers) > 0",
                "DELETE FROM orders WHERE EXISTS (SELECT 1 FROM orders WHERE orders.id > 0)",
                "DELETE FROM orders WHERE x IS NULL OR x IS NOT NULL",
                "UPDATE orders SET v = 'x' WHERE id = 7 OR NOT id = 7",
                "DELETE FROM orders WHERE id IN (SELECT id FROM orders)",
                "DELETE FROM orders WHERE id IN (SELECT id FROM (SELECT id FROM orders) AS z)",
                "UPDATE orders SET v = 'x' WHERE id IN (SELECT z.id FROM (SELECT * FROM orders) z)");
        assertEachIs(StatementClass.WRITE,
                "DELETE FROM orders WHERE customer_id IN (SELECT id FROM customers WHERE banned = 1)",
                "DELETE FROM orders WHERE id IN (SELECT id FROM (SELECT id FROM orders WHERE v = 'x') AS z)",
                "DELETE FROM orders WHERE EXISTS (SELECT 1 FROM customers c WHERE c.id = orders.customer_id)",
                "DELETE FROM shop.orders WHERE EXISTS (SELECT 1 FROM customers c WHERE c.id = orders.customer_id)",
                "DELETE LOW_PRIORITY QUICK FROM orders AS o WHERE EXISTS (SELECT 1 FROM customers c WHERE c.id = o.customer_id)",
                "UPDATE IGNORE orders o SET v = 'x' WHERE o.id = 7");
    }

    @Test
    void anUpsertOrReplaceOfRowsReadFromItsOwnTableRewritesEveryRowItReads() {
        assertEachIs(StatementClass.BULK_WRITE,
                "INSERT INTO orders SELECT id, 'gone' FROM orders ON DUPLICATE KEY UPDATE v = 'gone'",
                "INSERT IGNORE orders SELECT * FROM orders o WHERE 1 = 1 ON DUPLICATE KEY UPDATE v = 'gone'",
                "REPLACE INTO orders SELECT id, 'gone' FROM orders",
                "REPLACE LOW_PRIORITY orders TABLE orders");
        assertEachIs(StatementClass.WRITE,
                "INSERT INTO orders SELECT id, 'gone' FROM orders WHERE id = 5 ON DUPLICATE KEY UPDATE v = 'gone'",
                "INSERT INTO orders SELECT * FROM staging ON DUPLICATE KEY UPDATE v = 'x'",
                "REPLACE INTO orders SELECT id, 'gone' FROM orders WHERE id = 7",
                "REPLACE INTO orders VALUES (1, 'x')");
    }

    private void assertEachIs(StatementClass expected, String... statements) {
        for (String statement : statements) {
            assertThat(mysql(statement).highestRisk()).as(statement).isEqualTo(expected);
        }
    }

    @Test
    void aShortTextIsReadInAllItsWays() {
        SqlClassification result = mysql("DELETE FROM t /*!50001 WHERE id = 1 */ /*!50002 AND id > 0 */");

        assertThat(result.highestRisk()).as("a server older than both versions deletes every row")
                .isEqualTo(StatementClass.BULK_WRITE);
    }

    @Test
    void dynamicSqlInsidePreparedTextIsNotRead() {
        assertThat(mysql("PREPARE s FROM 'PREPARE t FROM ''SELECT 1'''").highestRisk())
                .isEqualTo(StatementClass.UNKNOWN);
    }
}
