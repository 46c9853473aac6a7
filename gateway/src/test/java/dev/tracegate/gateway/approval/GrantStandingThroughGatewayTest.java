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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A DBA approves a schema change with a grant for the DDL after it; then the DBA's key is revoked
 * (the DBA left the team), or the DBA, who approved in the web console, signs out of it. The grant
 * was their word carried forward: the next DDL waits for a DBA who still stands. Through the real API
 * (and the real console sign-in form and session cookie) with service-account keys, on a pgjdbc
 * connection. Until 2026-12-06 a grant given in the console covered statements after its session
 * signed out.
 */
class GrantStandingThroughGatewayTest {

    @ParameterizedTest
    @EnumSource(ApproverStanding.class)
    void aGrantEndsWhenWhatItsApproverApprovedThroughNoLongerStands(ApproverStanding standing) throws Exception {
        try (TestGateway gateway = TestGateway.start(List.of(), HeldDdl.POLICY); Connection alice = gateway.connect("app");
             Statement sql = alice.createStatement()) {
            GatewayApi api = new GatewayApi(gateway);
            ApproverStanding.Approver leavingDba = standing.signIn(gateway, api, api.dbaServiceAccount("dba-leaving"));
            JsonNode stayingDba = api.dbaServiceAccount("dba-staying");
            HeldDdl.Held first = HeldDdl.hold(gateway, sql, "CREATE TABLE grant_standing_a_" + standing.name() + " (id int)");
            PendingApproval pending = first.pending();
            HttpResponse<String> approved = leavingDba.decide(pending.id(), "approve", "{\"reason\": \"migration\", \"grant\": \"30m\"}");
            assertThat(approved.statusCode()).as(approved.body()).isEqualTo(200);
            first.run().get(30, TimeUnit.SECONDS);
            sql.execute("CREATE TABLE grant_standing_b_" + standing.name() + " (id int)"); // under the grant: not held

            leavingDba.end().run();
            HeldDdl.Held held = HeldDdl.hold(gateway, sql, "CREATE TABLE grant_standing_c_" + standing.name() + " (id int)");
            PendingApproval heldAgain = held.pending();
            CompletableFuture<Void> third = held.run();

            assertThat(heldAgain.id()).isNotEqualTo(pending.id());
            assertThat(third).isNotDone();
            JsonNode lapsed = gateway.events("approval.decided", 0).stream().map(e -> e.path("detail"))
                    .filter(d -> d.path("outcome").asText().equals("grant_lapsed")).findFirst().orElseThrow();
            assertThat(lapsed.path("id").asText()).isEqualTo(pending.id());
            assertThat(lapsed.path("why").asText()).startsWith("the approval of tracegate|sa:dba-leaving no longer stands: "
                    + standing.why("given"));
            assertThat(api.call(stayingDba.path("secret").asText(), "POST", "/api/approvals/" + heldAgain.id() + "/deny",
                    "{\"reason\": \"not now\"}").statusCode()).isEqualTo(200);
            assertThatThrownBy(() -> third.get(30, TimeUnit.SECONDS)).as("the statement ran under the lapsed grant")
                    .isInstanceOf(ExecutionException.class).cause().cause().isInstanceOfSatisfying(SQLException.class,
                            refused -> assertThat(refused.getSQLState()).isEqualTo("42501"));
        }
    }
}
