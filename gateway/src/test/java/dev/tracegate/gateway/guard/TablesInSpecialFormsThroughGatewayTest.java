package dev.tracegate.gateway.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracegate.gateway.TestGateway;
import dev.tracegate.gateway.TestTarget;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A query in brackets inside one of SQL's special forms ({@code substring(... FROM ...)},
 * {@code position(... IN ...)}, {@code overlay(... PLACING ...)}, {@code xmlexists(... PASSING ...)})
 * reads its table as any subquery does, but JSqlParser's walk, which supplied the statement's tables,
 * did not enter them: until 2026-12-07 a rule on {@code tables: [ts_salaries]} let
 * {@code SELECT substring((SELECT ... FROM ts_salaries) FROM 1)} read the salaries, and a view's code
 * named only there was never judged.
 */
class TablesInSpecialFormsThroughGatewayTest {

    private static final String POLICY = TestGateway.NO_BULK_WRITES_POLICY + """
              - name: no-salaries
                tables: [ts_salaries]
                action: block
                reason: salaries are not for this gateway
            """;

    private static TestGateway gateway;

    @BeforeAll
    static void start() throws SQLException {
        gateway = TestGateway.start(List.of(), POLICY);
        dba("DROP VIEW IF EXISTS ts_purging", "DROP TABLE IF EXISTS ts_salaries, ts_orders",
                "DROP FUNCTION IF EXISTS ts_purge",
                "CREATE TABLE ts_salaries (who text, amount text)",
                "INSERT INTO ts_salaries VALUES ('ada', '250000')",
                "CREATE TABLE ts_orders (id int)",
                "INSERT INTO ts_orders VALUES (1), (2), (3)",
                "CREATE FUNCTION ts_purge() RETURNS int LANGUAGE sql AS 'DELETE FROM ts_orders; SELECT 1'",
                "CREATE VIEW ts_purging AS SELECT ts_purge()::text AS n",
                "GRANT ALL ON ts_salaries, ts_orders, ts_purging TO PUBLIC");
    }

    @AfterAll
    static void stop() throws SQLException {
        gateway.close();
        dba("DROP VIEW ts_purging", "DROP TABLE ts_salaries, ts_orders", "DROP FUNCTION ts_purge");
    }

    @Test
    void aTableReadInsideASpecialFormCountsForTableRules() throws Exception {
        try (Connection c = gateway.connect("app"); Statement sql = c.createStatement()) {
            for (String read : List.of("SELECT substring((SELECT amount FROM ts_salaries LIMIT 1) FROM 1 FOR 99)",
                    "SELECT overlay((SELECT amount FROM ts_salaries LIMIT 1) PLACING '' FROM 1 FOR 0)",
                    "SELECT position('5' IN (SELECT amount FROM ts_salaries LIMIT 1))",
                    "SELECT xmlexists('/a' PASSING (SELECT xmlelement(name a, amount) FROM ts_salaries LIMIT 1))",
                    "SELECT substring((TABLE ts_salaries LIMIT 1)::text FROM 1)")) {
                assertThatThrownBy(() -> sql.execute(read)).as(read).isInstanceOf(SQLException.class)
                        .satisfies(e -> assertThat(e.getMessage()).contains("no-salaries"));
            }
        }
    }

    @Test
    void aViewNamedOnlyInsideASpecialFormIsJudgedByItsCode() throws Exception {
        try (Connection c = gateway.connect("app"); Statement sql = c.createStatement()) {
            String read = "SELECT substring((SELECT n FROM ts_purging) FROM 1)";
            assertThatThrownBy(() -> sql.execute(read)).isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(e.getMessage()).contains("no-bulk-writes"));
        }
        try (Connection direct = TestTarget.direct(); Statement check = direct.createStatement();
             ResultSet rs = check.executeQuery("SELECT count(*) FROM ts_orders")) {
            rs.next();
            assertThat(rs.getInt(1)).as("no order deleted").isEqualTo(3);
        }
    }

    private static void dba(String... statements) throws SQLException {
        try (Connection direct = TestTarget.direct(); Statement sql = direct.createStatement()) {
            for (String statement : statements) {
                sql.execute(statement);
            }
        }
    }
}
