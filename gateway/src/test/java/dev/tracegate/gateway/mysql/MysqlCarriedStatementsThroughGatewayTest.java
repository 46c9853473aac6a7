package dev.tracegate.gateway.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracegate.gateway.TestGateway;
import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Statements MySQL and MariaDB read differently from PostgreSQL, which carry a computation on a
 * protected column into a table the masked caller then reads: MariaDB's {@code SET STATEMENT ...
 * FOR} wraps any statement (a multi-table {@code UPDATE} copying {@code reverse(p.name)} into an
 * unprotected column, under a policy that lets MySQL's unclassifiable text run), and {@code CREATE
 * TABLE t SELECT ...} needs no {@code AS}. Each is refused before it runs, and nothing is copied.
 */
class MysqlCarriedStatementsThroughGatewayTest {

    private static final String POLICY = MysqlGatewayFixture.maskingPolicy(
            "{match: cs_people.name, entity: person_name, strategy: hash}");

    private static MysqlGatewayFixture mysql;

    @BeforeAll
    static void start() throws IOException {
        mysql = MysqlGatewayFixture.start(POLICY,
                "DROP TABLE IF EXISTS shop.cs_people, shop.cs_orders, shop.cs_stolen, shop.cs_stolen2, shop.cs_copy",
                "CREATE TABLE shop.cs_people (id int PRIMARY KEY, name varchar(64))",
                "INSERT INTO shop.cs_people VALUES (1, 'Ada Lovelace'), (2, 'Grace Hopper')",
                "CREATE TABLE shop.cs_orders (id int PRIMARY KEY, person_id int, item varchar(64))",
                "INSERT INTO shop.cs_orders VALUES (1, 1, 'book'), (2, 2, 'pen')");
    }

    @AfterAll
    static void stop() {
        mysql.close();
    }

    @Test
    void aStatementUnderSetStatementIsJudgedAsItself() throws Exception {
        String copy = "UPDATE cs_orders o JOIN cs_people p ON p.id = o.person_id SET o.item = reverse(p.name)";
        try (Connection alice = mysql.connect(TestGateway.ALICE_TOKEN); Statement sql = alice.createStatement()) {
            for (String statement : new String[] {copy, "SET STATEMENT max_statement_time = 100 FOR " + copy,
                    "set statement sql_mode = '', max_statement_time = 100 for " + copy,
                    "SET STATEMENT max_statement_time = 100 FOR SELECT reverse(name) FROM cs_people"}) {
                assertThatThrownBy(() -> sql.execute(statement)).as(statement).isInstanceOf(SQLException.class)
                        .hasMessageContaining("mask-personal-data");
            }
            sql.execute("SET STATEMENT max_statement_time = 100 FOR UPDATE cs_orders SET item = 'book' WHERE id = 1");
            // Allowed now that the carried statement is judged: its rows are masked as a plain SELECT's.
            try (ResultSet rows = sql.executeQuery("SET STATEMENT max_statement_time = 100 FOR SELECT name FROM cs_people")) {
                int count = 0;
                while (rows.next()) {
                    count++;
                    assertThat(rows.getString(1)).doesNotContain("Lovelace").doesNotContain("Hopper");
                }
                assertThat(count).isEqualTo(2);
            }
        }
        assertThat(mysql.mariadb.query("SELECT item FROM shop.cs_orders ORDER BY id")).isEqualTo("book\npen\n");
    }

    @Test
    void aTableCreatedFromAQueryWithoutAsIsACopy() throws Exception {
        try (Connection alice = mysql.connect(TestGateway.ALICE_TOKEN); Statement sql = alice.createStatement()) {
            for (String statement : new String[] {"CREATE TABLE cs_stolen SELECT reverse(name) AS n FROM cs_people",
                    "CREATE TABLE cs_stolen SELECT reverse(name) FROM cs_people",
                    "CREATE TABLE cs_stolen2 SELECT id, name FROM cs_people",
                    "CREATE TABLE cs_stolen2 (n varchar(64)) IGNORE SELECT name FROM cs_people",
                    "CREATE TEMPORARY TABLE cs_stolen SELECT name FROM cs_people"}) {
                assertThatThrownBy(() -> sql.execute(statement)).as(statement).isInstanceOf(SQLException.class)
                        .hasMessageContaining("mask-personal-data");
            }
        }
        assertThat(mysql.mariadb.query("SELECT count(*) FROM information_schema.TABLES WHERE TABLE_NAME LIKE 'cs_stolen%'"))
                .as("no table was created").isEqualTo("0\n");
    }

}
