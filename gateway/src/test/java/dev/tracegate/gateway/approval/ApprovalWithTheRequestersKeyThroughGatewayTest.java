package dev.tracegate.gateway.approval;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tracegate.gateway.TestGateway;
import dev.tracegate.gateway.TestTarget;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A service-account key's secret is shown once, to the administrator who created it: a vote cast
 * with it is theirs. An administrator who is not a DBA creates {@code sa:helper} in the dba group
 * and approves their own held DDL with it: refused as their own command, through the real API
 * with the key as its bearer token, and the DDL waits for someone else.
 */
class ApprovalWithTheRequestersKeyThroughGatewayTest {

    private static TestGateway gateway;

    @BeforeAll
    static void start() {
        gateway = TestGateway.start(List.of(), HeldDdl.POLICY);
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    @Test
    void aKeyTheRequesterCreatedDoesNotApproveTheirCommand() throws Exception {
        GatewayApi api = new GatewayApi(gateway);
        JsonNode helper = api.dbaServiceAccount("helper");
        try (Connection direct = TestTarget.direct(); Statement sql = direct.createStatement()) {
            sql.execute("DROP TABLE IF EXISTS key_holder_audit");
            sql.execute("CREATE TABLE key_holder_audit (id int)");
        }
        try (Connection admin = asAdmin(); Statement sql = admin.createStatement()) {
            HeldDdl.Held held = HeldDdl.hold(gateway, sql, "DROP TABLE key_holder_audit");
            assertThat(held.pending().request().requester().subject()).isEqualTo("apikey:admin");

            HttpResponse<String> ownKey = api.call(helper.path("secret").asText(), "POST",
                    "/api/approvals/" + held.pending().id() + "/approve", "{\"reason\": \"looks fine\"}");
            assertThat(ownKey.statusCode()).as(ownKey.body()).isEqualTo(403);
            assertThat(ownKey.body()).contains("your own command", "was created by tracegate|apikey:admin, who asked")
                    .doesNotContain(helper.path("secret").asText());
            Thread.sleep(300);
            assertThat(held.run()).as("the DROP waits for someone else").isNotDone();
            assertThat(tableExists()).isTrue();

            gateway.gateway().approvals().approve(held.pending().id(), HeldDdl.DBA, "someone else's eyes", null);
            held.run().get(30, TimeUnit.SECONDS);
        }
        assertThat(tableExists()).isFalse();
    }

    /** A pgjdbc connection through the gateway as the administrator (apikey:admin, group admins). */
    private static Connection asAdmin() throws SQLException {
        Properties props = new Properties();
        props.setProperty("password", TestGateway.ADMIN_TOKEN);
        return DriverManager.getConnection(gateway.jdbcUrl("app").replace("user=alice", "user=admin"), props);
    }

    private static boolean tableExists() throws SQLException {
        try (Connection direct = TestTarget.direct(); Statement sql = direct.createStatement();
             ResultSet rs = sql.executeQuery("SELECT to_regclass('key_holder_audit') IS NOT NULL")) {
            rs.next();
            return rs.getBoolean(1);
        }
    }
}
