package dev.tracegate.gateway.approval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tracegate.gateway.TestGateway;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A DBA approves a schema change with a grant for the DDL after it; then the DBA's key is revoked
 * (the DBA left the team). The grant was their word carried forward: the next DDL waits for a DBA
 * who still is one. Through the real API with service-account keys, on a pgjdbc connection.
 */
class GrantStandingThroughGatewayTest {

    @Test
    void aGrantEndsWhenTheKeyItsApproverApprovedWithIsRevoked() throws Exception {
        try (TestGateway gateway = TestGateway.start(List.of(), HeldDdl.POLICY); Connection alice = gateway.connect("app");
             Statement sql = alice.createStatement()) {
            GatewayApi api = new GatewayApi(gateway);
            JsonNode leavingDba = api.dbaServiceAccount("dba-leaving");
            JsonNode stayingDba = api.dbaServiceAccount("dba-staying");
            HeldDdl.Held first = HeldDdl.hold(gateway, sql, "CREATE TABLE grant_standing_a (id int)");
            PendingApproval pending = first.pending();
            HttpResponse<String> approved = api.call(leavingDba.path("secret").asText(), "POST",
                    "/api/approvals/" + pending.id() + "/approve", "{\"reason\": \"migration\", \"grant\": \"30m\"}");
            assertThat(approved.statusCode()).as(approved.body()).isEqualTo(200);
            first.run().get(30, TimeUnit.SECONDS);
            sql.execute("CREATE TABLE grant_standing_b (id int)"); // under the grant: not held

            api.revokeKey(leavingDba);
            HeldDdl.Held held = HeldDdl.hold(gateway, sql, "CREATE TABLE grant_standing_c (id int)");
            PendingApproval heldAgain = held.pending();
            CompletableFuture<Void> third = held.run();

            assertThat(heldAgain.id()).isNotEqualTo(pending.id());
            assertThat(third).isNotDone();
            JsonNode lapsed = gateway.events("approval.decided", 0).stream().map(e -> e.path("detail"))
                    .filter(d -> d.path("outcome").asText().equals("grant_lapsed")).findFirst().orElseThrow();
            assertThat(lapsed.path("id").asText()).isEqualTo(pending.id());
            assertThat(lapsed.path("why").asText()).startsWith("the approval of tracegate|sa:dba-leaving no longer stands:"
                    + " the key it was given with is no longer active");
            assertThat(api.call(stayingDba.path("secret").asText(), "POST", "/api/approvals/" + heldAgain.id() + "/deny",
                    "{\"reason\": \"not now\"}").statusCode()).isEqualTo(200);
            assertThatThrownBy(() -> third.get(30, TimeUnit.SECONDS)).as("the statement ran under the lapsed grant")
                    .isInstanceOf(ExecutionException.class).cause().cause().isInstanceOfSatisfying(SQLException.class,
                            refused -> assertThat(refused.getSQLState()).isEqualTo("42501"));
        }
    }
}
