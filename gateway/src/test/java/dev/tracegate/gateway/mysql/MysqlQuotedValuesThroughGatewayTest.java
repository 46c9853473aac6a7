package dev.tracegate.gateway.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.tracegate.gateway.TestGateway;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Server texts that quote stored values a statement never returned, to a masked caller whose
 * profile grants nothing on them: a write that touches no protected column can still break a
 * unique key that holds one, and MariaDB quotes the whole key in its error (moving a person to
 * another tenant answers {@code Duplicate entry '2-Ada Lovelace' for key 'tenant_name'}); a plan
 * quotes the row it read by its key while planning ({@code select 'Ada Lovelace' AS name} in
 * {@code SHOW WARNINGS} after {@code EXPLAIN EXTENDED}). Names have no shape a content detector
 * finds. The admin, who sees clear text, shows what the texts carry.
 */
class MysqlQuotedValuesThroughGatewayTest {

    private static final String POLICY = MysqlGatewayFixture.maskingPolicy(
            "{match: it_people.name, entity: person_name, strategy: hash}");
    private static final String MOVE = "UPDATE it_people SET tenant = 2 WHERE id = 1";

    private static MysqlGatewayFixture mysql;

    @BeforeAll
    static void start() throws IOException {
        mysql = MysqlGatewayFixture.start(POLICY,
                "DROP TABLE IF EXISTS shop.it_people",
                "CREATE TABLE shop.it_people (id int PRIMARY KEY, tenant int, name varchar(64),"
                        + " UNIQUE KEY tenant_name (tenant, name))",
                "INSERT INTO shop.it_people VALUES (1, 1, 'Ada Lovelace'), (2, 2, 'Ada Lovelace'), (3, 2, 'Grace Hopper')");
    }

    @AfterAll
    static void stop() {
        mysql.close();
    }

    @Test
    void aDuplicateKeyErrorOfAMaskedCallerKeepsItsCodeAndWithholdsTheKey() throws Exception {
        try (Connection admin = mysql.connect(TestGateway.ADMIN_TOKEN); Statement sql = admin.createStatement()) {
            assertThatThrownBy(() -> sql.executeUpdate(MOVE)).as("what the error carries")
                    .hasMessageContaining("2-Ada Lovelace");
        }
        try (Connection alice = mysql.connect(TestGateway.ALICE_TOKEN); Statement sql = alice.createStatement()) {
            assertThatThrownBy(() -> sql.executeUpdate(MOVE))
                    .isInstanceOf(SQLIntegrityConstraintViolationException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getErrorCode()).isEqualTo(1062))
                    .hasMessageContaining("tracegate: message withheld (error 1062, SQLSTATE 23000, integrity"
                            + " constraint violation for key 'tenant_name')")
                    .hasMessageNotContaining("Lovelace");
        }
        assertThat(mysql.gateway.events("command.result", 0).toString()).doesNotContain("Lovelace");
    }

    @Test
    void aPreparedWriteOfAMaskedCallerIsWithheldTheSame() throws Exception {
        try (Connection alice = mysql.connect(TestGateway.ALICE_TOKEN, "&useServerPrepStmts=true");
             PreparedStatement move = alice.prepareStatement("UPDATE it_people SET tenant = ? WHERE id = ?")) {
            move.setInt(1, 2);
            move.setInt(2, 1);
            assertThatThrownBy(move::executeUpdate)
                    .isInstanceOf(SQLIntegrityConstraintViolationException.class)
                    .hasMessageContaining("tracegate: message withheld (error 1062, SQLSTATE 23000, integrity"
                            + " constraint violation for key 'tenant_name')")
                    .hasMessageNotContaining("Lovelace");
        }
    }

    @Test
    void aPlanOfAStatementOnProtectedDataIsRefusedForAMaskedCaller() throws Exception {
        // A pseudonym grants join: c.name = o.name is allowed, and the plan prints the row c.id = 1 read while planning.
        String join = "SELECT o.id FROM it_people c JOIN it_people o ON o.name = c.name WHERE c.id = 1";
        try (Connection admin = mysql.connect(TestGateway.ADMIN_TOKEN); Statement sql = admin.createStatement()) {
            try (ResultSet plan = sql.executeQuery("ANALYZE FORMAT=JSON " + join)) {
                plan.next();
                assertThat(plan.getString(1)).as("the condition MariaDB attaches").contains("'Ada Lovelace'");
            }
            sql.executeQuery("EXPLAIN EXTENDED SELECT name FROM it_people WHERE id = 1").close();
            assertThat(MysqlErrorTextThroughGatewayTest.warnings(sql)).as("the rewritten query MariaDB notes").anyMatch(m -> m.contains("'Ada Lovelace'"));
        }
        try (Connection alice = mysql.connect(TestGateway.ALICE_TOKEN); Statement sql = alice.createStatement()) {
            sql.executeQuery(join).close();
            for (String plan : List.of("ANALYZE FORMAT=JSON " + join, "explain format=json " + join,
                    "/*!ANALYZE*/ FORMAT=JSON " + join, "EXPLAIN EXTENDED SELECT name FROM it_people WHERE id = 1")) {
                assertThat(catchThrowable(() -> sql.executeQuery(plan).close())).as(plan).isInstanceOf(SQLException.class)
                        .hasMessageContaining("tracegate: blocked");
                assertThat(String.join("\n", MysqlErrorTextThroughGatewayTest.warnings(sql))).as(plan).doesNotContain("Lovelace");
            }
            // The optimizer's trace of the caller's own statement holds the same values: a masked
            // caller can neither turn it on nor read it.
            for (String trace : List.of("SET optimizer_trace = 'enabled=on'",
                    "SELECT trace FROM information_schema.OPTIMIZER_TRACE")) {
                assertThat(catchThrowable(() -> sql.execute(trace))).as(trace)
                        .isInstanceOf(SQLException.class).hasMessageContaining("tracegate: blocked");
            }
            sql.executeQuery("EXPLAIN SELECT 1").close();
            sql.executeQuery("DESCRIBE it_people").close();
        }
    }

    /**
     * MariaDB shows the plan of another connection's running statement ({@code SHOW EXPLAIN FOR
     * id}, {@code SHOW ANALYZE FOR id}), with the values its conditions compare in JSON; every
     * caller's session logs in as the gateway's one account, so any of them is another caller's,
     * whose literals are theirs (an unmasked caller's {@code WHERE name = 'Grace Hopper'}), as in
     * the process list.
     */
    @Test
    void thePlanOfAnotherConnectionsStatementIsRefused() throws Exception {
        // An unmasked caller's long query (a join with MariaDB's sequence engine), killed once looked at.
        String running = "SELECT count(*) FROM it_people p, seq_1_to_1000000000 s WHERE p.name = 'Grace Hopper'";
        try (Connection admin = mysql.connect(TestGateway.ADMIN_TOKEN);
             Connection adminToo = mysql.connect(TestGateway.ADMIN_TOKEN);
             Connection alice = mysql.connect(TestGateway.ALICE_TOKEN)) {
            CompletableFuture<Void> counting = CompletableFuture.runAsync(() -> {
                try (Statement sql = admin.createStatement()) {
                    sql.executeQuery(running).close();
                } catch (SQLException killed) {
                    // ends with KILL QUERY below
                }
            });
            String id = "";
            for (int i = 0; i < 100 && id.isBlank(); i++) {
                Thread.sleep(50);
                id = mysql.mariadb.query("SELECT ID FROM information_schema.PROCESSLIST WHERE INFO LIKE '%seq_1_to%'"
                        + " AND INFO NOT LIKE '%PROCESSLIST%'").strip();
            }
            assertThat(id).as("the server's id of the running statement").isNotBlank();
            try {
                try (Statement sql = adminToo.createStatement();
                     ResultSet plan = sql.executeQuery("SHOW EXPLAIN FORMAT=JSON FOR " + id)) {
                    plan.next();
                    assertThat(plan.getString(1)).as("what the plan shows").contains("Grace Hopper");
                }
                try (Statement sql = alice.createStatement()) {
                    for (String show : List.of("SHOW EXPLAIN FORMAT=JSON FOR " + id, "SHOW ANALYZE FORMAT=JSON FOR " + id,
                            "show explain for " + id, "SHOW /* x */ ANALYZE FOR " + id)) {
                        assertThat(catchThrowable(() -> sql.executeQuery(show).close())).as(show)
                                .isInstanceOf(SQLException.class).hasMessageContaining("tracegate: blocked")
                                .hasMessageNotContaining("Hopper");
                    }
                }
            } finally {
                mysql.mariadb.sql("KILL QUERY " + id);
                counting.join();
            }
        }
    }

    @Test
    void integrityErrorsThatNameOnlyColumnsKeepTheirText() throws Exception {
        try (Connection alice = mysql.connect(TestGateway.ALICE_TOKEN); Statement sql = alice.createStatement()) {
            assertThatThrownBy(() -> sql.executeUpdate("INSERT INTO it_people (id, tenant, name) VALUES (NULL, 5, 'x')"))
                    .hasMessageContaining("Column 'id' cannot be null");
            assertThatThrownBy(() -> sql.executeQuery("SELECT no_such_column FROM it_people"))
                    .hasMessageContaining("no_such_column");
        }
    }

}
