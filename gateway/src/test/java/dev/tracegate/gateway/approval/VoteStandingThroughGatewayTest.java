package dev.tracegate.gateway.approval;

import static org.assertj.core.api.Assertions.assertThat;

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
 * Two DBAs must approve; the first one's standing ends before the second votes: their key is
 * revoked, or they voted in the web console and signed out. Through the real API (and the real
 * console sign-in form and session cookie), with service-account keys an administrator creates and
 * revokes, and a statement held on a pgjdbc connection. Until 2026-12-06 a vote cast in the console
 * counted after its session signed out.
 */
class VoteStandingThroughGatewayTest {

    private static final String TWO_DBAS = HeldDdl.POLICY.replace("approvers: [dba]\n", "approvers: [dba]\n    minApprovals: 2\n");

    @ParameterizedTest
    @EnumSource(ApproverStanding.class)
    void aVoteWhoseStandingEndedBeforeTheDecidingVoteDoesNotCount(ApproverStanding standing) throws Exception {
        try (TestGateway gateway = TestGateway.start(List.of(), TWO_DBAS); Connection alice = gateway.connect("app");
             Statement sql = alice.createStatement()) {
            GatewayApi api = new GatewayApi(gateway);
            ApproverStanding.Approver firstDba = standing.signIn(gateway, api, api.dbaServiceAccount("dba-leaving"));
            JsonNode secondDba = api.dbaServiceAccount("dba-staying");
            CompletableFuture<Void> held = HeldDdl.runAsync(sql, "CREATE TABLE vote_standing (id int)");
            PendingApproval pending = HeldDdl.awaitPending(gateway);

            HttpResponse<String> first = firstDba.decide(pending.id(), "approve", "{\"reason\": \"planned\"}");
            assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
            firstDba.end().run();
            HttpResponse<String> second = decide(api, secondDba, pending.id(), "approve", "fine");

            assertThat(second.statusCode()).isEqualTo(200);
            JsonNode after = GatewayApi.read(second.body());
            assertThat(after.path("status").asText()).as("one standing vote of two").isEqualTo("pending");
            assertThat(after.path("votes").findValuesAsText("subject")).containsExactly("sa:dba-staying");
            JsonNode vote = gateway.events("approval.decided", 0).getLast().path("detail");
            assertThat(vote.path("outcome").asText()).isEqualTo("vote");
            assertThat(vote.path("lapsed_votes").findValuesAsText("sub")).containsExactly("sa:dba-leaving");
            assertThat(vote.path("lapsed_votes").get(0).path("why").asText()).startsWith(standing.why("cast"));
            assertThat(held).isNotDone();

            assertThat(decide(api, secondDba, pending.id(), "deny", "not without a second DBA").statusCode()).isEqualTo(200);
            try {
                held.get(30, TimeUnit.SECONDS);
                throw new AssertionError("the held statement ran");
            } catch (ExecutionException e) {
                assertThat(e.getCause().getCause()).isInstanceOfSatisfying(SQLException.class,
                        refused -> assertThat(refused.getSQLState()).isEqualTo("42501"));
            }
        }
    }

    private static HttpResponse<String> decide(GatewayApi api, JsonNode dba, String id, String decision, String reason) throws Exception {
        return api.call(dba.path("secret").asText(), "POST", "/api/approvals/" + id + "/" + decision, "{\"reason\": \"" + reason + "\"}");
    }
}
