package dev.tracegate.policy.lineage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracegate.policy.sql.SqlDialect;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link LineageCheck} on MySQL text, against the shop catalog and profile of {@link LineageCheckTest}. */
class MySqlLineageTest {

    private static final ProtectedSchema SHOP = ShopCatalog.schema();

    private static LineageVerdict check(String sql) {
        return LineageCheck.check(sql, SqlDialect.MYSQL, SHOP);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            // Backticks name the columns they quote, in any case.
            "SELECT reverse(`email`) FROM `customers`",
            "SELECT reverse(`EMAIL`) FROM customers",
            "SELECT `c`.`card_number` || '' FROM `customers` `c`",
            "SELECT lower(email) FROM shop_alias.customers",
            // Under ANSI_QUOTES "email" is the column: the reading that reveals more decides.
            "SELECT reverse(\"email\") FROM customers",
            // Executable comments run; a version-gated one may or may not: every reading is checked.
            "SELECT /*!reverse(*/ email /*!)*/ FROM customers",
            "SELECT /*!50000 reverse(*/ email /*!50000 )*/ FROM customers",
            "SELECT email /*M!, reverse(email) */ FROM customers",
            // # and -- comments end where MySQL ends them.
            "SELECT id # , reverse(email)\n, reverse(email) FROM customers",
            "SELECT id --x\n, reverse(email) FROM customers",
            // User variables are copies: reading them back has no lineage.
            "SELECT @x := email FROM customers",
            "SELECT @x := reverse(email) FROM customers",
            "SELECT email INTO @x FROM customers LIMIT 1",
            "SELECT email FROM customers LIMIT 1 INTO @x",
            "SET @x = (SELECT email FROM customers LIMIT 1)",
            "SET @x := (SELECT card_number FROM customers LIMIT 1)",
            "SELECT email FROM customers INTO OUTFILE '/tmp/e'",
            // Data-reading built-ins and schemas of statements, accounts and logs.
            "SELECT LOAD_FILE('/etc/passwd')",
            "SELECT `load_file`('/var/lib/mysql/shop/customers.ibd')",
            "SELECT info FROM information_schema.PROCESSLIST",
            "SELECT trx_query FROM information_schema.innodb_trx",
            "SELECT sql_text FROM performance_schema.events_statements_history",
            "SELECT * FROM performance_schema.threads",
            "SELECT authentication_string FROM mysql.user",
            "SELECT argument FROM mysql.general_log",
            "SELECT * FROM `mysql`.`slow_log`",
            "SELECT * FROM sys.processlist",
            "SHOW FULL PROCESSLIST",
            "SHOW BINLOG EVENTS",
            "SHOW ENGINE INNODB STATUS",
            "SELECT histogram FROM information_schema.COLUMN_STATISTICS WHERE column_name = 'email'",
            "SELECT word FROM information_schema.INNODB_FT_INDEX_TABLE",
            "SELECT `WORD` FROM `information_schema`.`innodb_ft_index_cache`",
            "SELECT statement_text FROM information_schema.QUERY_CACHE_INFO",
            "SELECT trace FROM information_schema.OPTIMIZER_TRACE",
            "SELECT `TRACE` FROM `information_schema`.`optimizer_trace`",
            "SELECT lock_data FROM information_schema.INNODB_LOCKS",
            "SELECT lock_mode, table_schema FROM information_schema.METADATA_LOCK_INFO",
            "SELECT variable_value FROM information_schema.USER_VARIABLES",
            "SHOW USER_VARIABLES",
            // MariaDB's PROCEDURE ANALYSE() returns each selected column's smallest and largest value.
            "SELECT name FROM customers PROCEDURE ANALYSE()",
            "SELECT id, email FROM customers WHERE id > 0 PROCEDURE ANALYSE(10, 256)",
            "SHOW EXPLAIN FORMAT=JSON FOR 12",
            "show analyze for 12",
            "USE mysql",
            // Dynamic SQL is checked as its text, or refused.
            "PREPARE s FROM 'SELECT reverse(email) FROM customers'",
            "PREPARE s FROM @q",
            "EXECUTE IMMEDIATE 'SELECT reverse(email) FROM customers'",
            "EXECUTE IMMEDIATE CONCAT('SELECT reverse(email) ', 'FROM customers')",
            "HANDLER customers OPEN",
            "CALL p()",
            "CREATE TRIGGER t AFTER INSERT ON orders FOR EACH ROW SET @x = NEW.status",
            "CREATE DEFINER = CURRENT_USER TRIGGER t AFTER INSERT ON orders FOR EACH ROW SET @x = 1",
            "CREATE EVENT e ON SCHEDULE EVERY 1 HOUR DO INSERT INTO orders (status) SELECT email FROM customers",
            "INSERT INTO orders (status) SELECT email FROM customers",
            "REPLACE INTO orders (status) SELECT email FROM customers",
            // MariaDB's SET STATEMENT ... FOR carries a statement, judged as itself.
            "SET STATEMENT max_statement_time = 100 FOR UPDATE orders o JOIN customers c ON c.id = o.customer_id"
                    + " SET o.status = reverse(c.email)",
            "set statement sql_mode = '', max_statement_time = 1 for delete from orders where status = reverse(email)",
            "SET STATEMENT max_statement_time = 1 FOR SELECT reverse(email) FROM customers",
            "SET STATEMENT max_statement_time = 1 FOR SET STATEMENT sql_mode = '' FOR SELECT upper(email) FROM customers",
            // MariaDB's RETURNING on DELETE, INSERT and REPLACE.
            "DELETE FROM customers WHERE id = 99 RETURNING reverse(email)",
            "INSERT INTO orders (customer_id) SELECT id FROM customers RETURNING (SELECT max(email) FROM customers)",
            "REPLACE INTO orders (id) VALUES (1) RETURNING (SELECT upper(email) FROM customers LIMIT 1)",
            // MySQL stores a query's rows in a new table without AS.
            "CREATE TABLE stolen SELECT reverse(email) FROM customers",
            "CREATE TABLE stolen SELECT id, email FROM customers",
            "CREATE TEMPORARY TABLE stolen SELECT card_number FROM customers",
            "CREATE TABLE stolen (e text) IGNORE SELECT email AS e FROM customers",
            "CREATE TABLE stolen (SELECT email FROM customers)",
            "CREATE TABLE stolen TABLE customers",
            "SELECT 1 /*!99999 ' */, email FROM customers -- */",
            // Plans quote the values of rows read while planning (a row found by its key).
            "EXPLAIN EXTENDED SELECT email FROM customers WHERE id = 1",
            "EXPLAIN SELECT email FROM customers WHERE id = 1",
            "EXPLAIN FORMAT=JSON SELECT id FROM customers WHERE id = 1",
            "explain format = tree select id from `customers` where id = 1",
            "/*!EXPLAIN*/ SELECT email FROM customers WHERE id = 1",
            "ANALYZE FORMAT=JSON SELECT email FROM customers WHERE id = 1",
            "ANALYZE SELECT email FROM customers WHERE id = 1",
            "EXPLAIN ANALYZE SELECT email FROM customers WHERE id = 1",
            "EXPLAIN PARTITIONS SELECT email FROM customers WHERE id = 1",
            "EXPLAIN UPDATE orders SET status = 'x' WHERE customer_id = (SELECT id FROM customers WHERE id = 1)",
            "EXPLAIN FOR CONNECTION 5",
            "ANALYZE FORMAT=JSON SELECT o.id FROM customers c JOIN customers o ON o.email = c.email WHERE c.id = 1",
            "explain format=json SELECT o.id FROM customers c JOIN customers o ON o.email = c.email WHERE c.id = 1",
            "/*!ANALYZE*/ FORMAT=JSON SELECT o.id FROM customers c JOIN customers o ON o.email = c.email WHERE c.id = 1",
            // Under ANSI_QUOTES "paid" is a column the catalog does not have: a masked caller writes 'paid'.
            "SELECT id, status FROM orders WHERE status = \"paid\"",
            // A file of the server (an unmasked colleague's INTO OUTFILE export) loaded into a table no rule protects.
            "LOAD DATA INFILE '/tmp/people.tsv' INTO TABLE orders",
            "load data low_priority infile '/tmp/people.tsv' ignore into table orders (status)",
            "LOAD DATA CONCURRENT INFILE '/tmp/people.tsv' REPLACE INTO TABLE orders",
            "LOAD XML INFILE '/tmp/people.xml' INTO TABLE orders ROWS IDENTIFIED BY '<row>'",
            "/*!LOAD DATA INFILE '/tmp/people.tsv' INTO TABLE orders*/",
            // What a masked caller computes from a column it cannot see (checked 2026-12-06): MariaDB's PROCEDURE
            // ANALYSE returns a column's least and greatest values, HANDLER reads rows past the SELECT checks.
            "SELECT card_number FROM customers PROCEDURE ANALYSE()",
            "HANDLER customers READ `PRIMARY` FIRST WHERE card_number < '5'",
            "SELECT GROUP_CONCAT(id ORDER BY card_number) FROM customers",
            "SELECT id, card_number AS k FROM customers HAVING k < '5'",
            "SELECT JSON_ARRAYAGG(id) FROM (SELECT id FROM customers ORDER BY card_number LIMIT 3) t",
            "SELECT WEIGHT_STRING(card_number) FROM customers",
            "SELECT EXPORT_SET(1, card_number, 'x') FROM customers",
            "SELECT id FROM customers WHERE card_number > ALL (SELECT '4')",
    })
    void refusesWhatWouldLeak(String sql) {
        LineageVerdict verdict = check(sql);
        assertThat(verdict.allowed()).as("%s", sql).isFalse();
        assertThat(verdict.reason()).isNotBlank();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "SELECT `email` FROM `customers`",
            "SELECT `id`, `name`, email FROM customers WHERE id = 1",
            "SELECT email FROM customers # the profile masks it\n",
            "SELECT email FROM customers -- masked",
            "SELECT id FROM orders WHERE status = 'it\\'s'",
            "SELECT \"email\" FROM customers",
            "SELECT @x := count(*) FROM orders",
            "SET @x = 1",
            "SET NAMES utf8mb4",
            "SHOW TABLES",
            "DESCRIBE customers",
            "EXPLAIN SELECT 1",
            "PREPARE s FROM 'SELECT email FROM customers WHERE id = ?'",
            "EXECUTE s USING @id",
            "/*!40101 SELECT id FROM orders */",
            "SELECT id FROM orders; SELECT email FROM customers",
            "SET STATEMENT max_statement_time = 1 FOR SELECT email FROM customers",
            "SET STATEMENT max_statement_time = 1 FOR UPDATE orders SET status = 'paid' WHERE id = 1",
            "CREATE TABLE order_copy AS SELECT id, status FROM orders",
            "LOAD DATA LOCAL INFILE '/home/me/orders.tsv' INTO TABLE orders",
            "LOAD XML LOCAL INFILE '/home/me/orders.xml' INTO TABLE orders",
    })
    void allowsWhatLeaksNothing(String sql) {
        LineageVerdict verdict = check(sql);
        assertThat(verdict.allowed()).as("%s: %s", sql, verdict.reason()).isTrue();
    }

    /** MySQL quotes the value a conversion failed on in its warnings and errors, as PostgreSQL does. */
    @ParameterizedTest
    @ValueSource(strings = {"SELECT id FROM customers WHERE card_number + 0 = 1",
            "UPDATE customers SET id = id WHERE CAST(card_number AS DATE) IS NULL", "EXECUTE s"})
    void marksStatementsThatMayComputeOnAValueGrantedAny(String sql) {
        ProtectedSchema grantingAny = ShopCatalog.schema(ShopCatalog.profile(java.util.List.of(
                dev.tracegate.masking.ColumnUse.ANY)));
        LineageVerdict verdict = LineageCheck.check(sql, SqlDialect.MYSQL, grantingAny);
        assertThat(verdict.allowed()).as(sql + ": " + verdict.reason()).isTrue();
        assertThat(verdict.computesOnProtected()).as(sql).isTrue();
        assertThat(check(sql).computesOnProtected()).as("no 'any' granted: " + sql).isFalse();
        assertThat(LineageCheck.check("SELECT 'abc' + 0", SqlDialect.MYSQL, grantingAny).computesOnProtected()).isFalse();
    }

    /**
     * {@code LAST_INSERT_ID(expr)} keeps its argument for the session's next {@code LAST_INSERT_ID()},
     * which returns it as a bare number with no lineage; {@code GET_LOCK(name, ...)} shows its name to
     * other sessions: both copy a protected argument out, even where {@code any} allows computing on it.
     */
    @ParameterizedTest
    @ValueSource(strings = {"SELECT count(*) FROM customers WHERE LAST_INSERT_ID(card_number) > 0",
            "SELECT id FROM customers WHERE id = 1 AND `last_insert_id`(CONV(HEX(LEFT(card_number, 8)), 16, 10)) IS NOT NULL",
            "SELECT count(LAST_INSERT_ID(card_number)) FROM customers",
            "SELECT id FROM customers WHERE GET_LOCK(card_number, 0) = 1"})
    void writingAProtectedValueIntoTheSessionIsACopyEvenUnderAny(String sql) {
        ProtectedSchema grantingAny = ShopCatalog.schema(ShopCatalog.profile(java.util.List.of(
                dev.tracegate.masking.ColumnUse.ANY)));
        LineageVerdict verdict = LineageCheck.check(sql, SqlDialect.MYSQL, grantingAny);
        assertThat(verdict.allowed()).as(sql).isFalse();
        assertThat(verdict.reason()).contains("copies protected column");
        assertThat(LineageCheck.check("SELECT LAST_INSERT_ID()", SqlDialect.MYSQL, grantingAny).allowed()).isTrue();
        assertThat(LineageCheck.check("SELECT LAST_INSERT_ID(id) FROM orders WHERE id = 1", SqlDialect.MYSQL,
                grantingAny).allowed()).isTrue();
    }

    /** MySQL converts a value compared with another type, and warns quoting each that does not fit. */
    @Test
    void comparisonsAProfileGrantsMayComputeOnAValueInMySqlOnly() {
        ProtectedSchema grantingLookup = ShopCatalog.schema(ShopCatalog.profile(java.util.List.of(
                dev.tracegate.masking.ColumnUse.LOOKUP)));
        LineageVerdict verdict = LineageCheck.check("SELECT id FROM customers WHERE card_number = 0", SqlDialect.MYSQL,
                grantingLookup);
        assertThat(verdict.allowed()).as(verdict.reason()).isTrue();
        assertThat(verdict.computesOnProtected()).isTrue();
        assertThat(LineageCheck.check("SELECT id FROM customers WHERE card_number = '0'", grantingLookup)
                .computesOnProtected()).as("PostgreSQL converts no text").isFalse();
    }

    /**
     * A trigger's SIGNAL quotes any row it reads in the error of the write that fired it, so a
     * write to a table with triggers, or through a view over one, has its texts withheld like a
     * statement that computes on a protected value; reads fire no trigger.
     */
    @Test
    void writesThatMayFireATriggerAreMarkedAsThoughTheyComputedOnProtectedValues() {
        ProtectedSchema triggered = ShopCatalog.schema(ShopCatalog.profile(), java.util.Set.of("orders"));
        for (String sql : java.util.List.of("UPDATE orders SET status = 'paid' WHERE id = 1",
                "INSERT INTO `ORDERS` (id) VALUES (1)", "DELETE FROM public.orders WHERE id = 1",
                "REPLACE INTO orders (id) VALUES (1)", "/*!UPDATE*/ orders SET status = 'x'",
                "UPDATE order_totals SET total = 0", "SELECT 1; DELETE FROM orders")) {
            LineageVerdict verdict = LineageCheck.check(sql, SqlDialect.MYSQL, triggered);
            assertThat(verdict.allowed()).as(sql + ": " + verdict.reason()).isTrue();
            assertThat(verdict.computesOnProtected()).as(sql).isTrue();
            assertThat(check(sql).computesOnProtected()).as("no trigger: " + sql).isFalse();
        }
        for (String sql : java.util.List.of("SELECT status FROM orders", "UPDATE customers SET notes = 'x' WHERE id = 1")) {
            assertThat(LineageCheck.check(sql, SqlDialect.MYSQL, triggered).computesOnProtected()).as(sql).isFalse();
        }
    }

    /**
     * A trigger that copies the row it fires on into a user variable ({@code SET @last = OLD.name})
     * hands it to the caller's next {@code SELECT @last}: a masked caller may not name a variable a
     * trigger's body names, in any spelling, nor any variable when a trigger calls a routine.
     */
    @Test
    void variablesATriggerMaySetAreRefused() {
        Set<String> named = TriggerVariables.setBy(List.of(
                "BEGIN SET @`Last` = OLD.name; SET @n := 1; END", "SET @'x' = NEW.status"), Set.of("audit"));
        assertThat(named).containsExactlyInAnyOrder("@last", "@n", "@x");
        ProtectedSchema triggered = ShopCatalog.schema(ShopCatalog.profile(), Set.of("orders"), named);
        for (String sql : List.of("SELECT @last", "SELECT REVERSE(@LAST)", "SELECT @`last`", "SELECT @'last'",
                "SELECT @ /* */ last", "SELECT 1; SELECT @x", "EXECUTE s USING @last", "INSERT INTO orders (status) VALUES (@n)",
                "SET @y = @last", "SET STATEMENT max_statement_time = 1 FOR SELECT upper(@last)")) {
            LineageVerdict verdict = LineageCheck.check(sql, SqlDialect.MYSQL, triggered);
            assertThat(verdict.allowed()).as(sql).isFalse();
            assertThat(verdict.reason()).contains("trigger");
            assertThat(check(sql).allowed()).as("no trigger names it: " + sql).isTrue();
        }
        assertThat(LineageCheck.check("SELECT @other, @@version", SqlDialect.MYSQL, triggered).allowed()).isTrue();

        assertThat(TriggerVariables.setBy(List.of("CALL audit(OLD.id)"), Set.of())).containsExactly(TriggerVariables.EVERY);
        assertThat(TriggerVariables.setBy(List.of("INSERT INTO log VALUES (Audit(OLD.id))"), Set.of("audit")))
                .containsExactly(TriggerVariables.EVERY);
        assertThat(TriggerVariables.setBy(List.of("INSERT INTO log VALUES (OLD.id)"), Set.of("audit"))).isEmpty();
        ProtectedSchema callsARoutine = ShopCatalog.schema(ShopCatalog.profile(), Set.of("orders"),
                Set.of(TriggerVariables.EVERY));
        assertThat(LineageCheck.check("SELECT @anything", SqlDialect.MYSQL, callsARoutine).allowed()).isFalse();
    }

    @Test
    void mySqlVerdictsAreCachedApartFromPostgreSqls() {
        String sql = "SELECT $$ FROM customers WHERE reverse(email) = '' -- $$";

        assertThat(LineageCheck.check(sql, SHOP).allowed()).as("PostgreSQL reads a dollar-quoted string").isTrue();
        assertThat(check(sql).allowed()).as("MySQL reads reverse(email)").isFalse();
        assertThat(LineageCheck.check(sql, SHOP).allowed()).isTrue();
    }

    @Test
    void theRenditionQuotesIdentifiersAndUndoesEscapes() {
        var statements = dev.tracegate.policy.sql.SqlScriptSplitter
                .splitEveryReading("SELECT `Email`, 'it\\'s' FROM t", SqlDialect.MYSQL).orElseThrow().getFirst();

        assertThat(MySqlLineage.render(statements.getFirst().tokens()))
                .isEqualTo("select \"email\" , 'it''s' from t");
    }
}
