package dev.tracegate.gateway.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracegate.gateway.TestGateway;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The gateway does not read stored procedures' bodies, so {@code CALL} is unclassifiable: under
 * the demo's defaults ({@code highRisk: block}) a procedure that KILLs another session never runs,
 * whoever calls it, while the same procedure called on the server directly does kill.
 */
class MysqlStoredProcedureTest {

    /** The SQL part of the demo's policy (cli's DemoPolicy): DDL and riskier held, what cannot be classified blocked. */
    private static final String DEMO_POLICY = """
            defaults:
              action: allow
              highRisk: block
            rules:
              - name: hold-ddl
                connections: [shop]
                minClass: ddl
                action: approve
                approvers: [dba]
                timeout: 15m
                reason: schema and privilege changes on shop need a DBA's approval
              - name: no-bulk-writes
                classes: [bulk_write]
                action: block
                reason: UPDATE or DELETE without WHERE is not allowed
            """;

    private static TestMariaDb mariadb;
    private static TestGateway gateway;

    @BeforeAll
    static void start() throws IOException {
        mariadb = TestMariaDb.get();
        gateway = TestGateway.start(MysqlThroughGatewayTest.connections(mariadb), DEMO_POLICY, 1024 * 1024);
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    @Test
    void aProcedureThatKillsAnotherSessionIsRefusedForEveryCaller() throws Exception {
        try (Connection victim = DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + mariadb.port() + "/shop?user="
                + TestMariaDb.NATIVE_USER + "&password=" + TestMariaDb.PASSWORD)) {
            long victimId = connectionId(victim);
            mariadb.sql("CREATE OR REPLACE PROCEDURE shop.stop_other() KILL " + victimId,
                    "GRANT EXECUTE ON PROCEDURE shop.stop_other TO " + TestMariaDb.NATIVE_USER + "@'%'");
            for (String token : new String[] {TestGateway.ALICE_TOKEN, TestGateway.ADMIN_TOKEN}) {
                try (Connection c = DriverManager.getConnection("jdbc:mariadb://127.0.0.1:"
                        + gateway.gateway().port(MysqlEngine.PROTOCOL) + "/shop?sslMode=trust&user=caller&password=" + token);
                     Statement statement = c.createStatement()) {
                    for (String call : new String[] {"CALL stop_other()", "CALL stop_other", "call shop.stop_other()",
                            "/*!CALL stop_other()*/", "CALL `stop_other`()"}) {
                        assertThatThrownBy(() -> statement.execute(call)).as(call).isInstanceOf(SQLException.class)
                                .hasMessageContaining("blocked by policy rule default:high-risk")
                                .hasMessageContaining("CALL runs a stored procedure whose body is not analysed");
                    }
                }
            }
            assertThat(connectionId(victim)).as("the other session is still there").isEqualTo(victimId);
            assertThat(gateway.events("command.blocked", 0).stream()
                    .filter(e -> "default:high-risk".equals(e.path("detail").path("rule").asText())).count())
                    .isGreaterThanOrEqualTo(10);

            // The procedure does what it says when the server runs it: the refusals above are what kept the victim.
            mariadb.sql("CALL shop.stop_other()");
            assertThatThrownBy(() -> connectionId(victim)).isInstanceOf(SQLException.class);
        }
    }

    private static long connectionId(Connection c) throws SQLException {
        try (ResultSet rs = c.createStatement().executeQuery("SELECT CONNECTION_ID()")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
