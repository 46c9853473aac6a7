package dev.tracegate.gateway.approval;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracegate.gateway.TestGateway;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
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
 * Two DBAs must approve; the first one's key is revoked before the second votes. Through the real
 * API, with service-account keys an administrator creates and revokes, and a statement held on a
 * pgjdbc connection.
 */
class VoteStandingThroughGatewayTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TWO_DBAS = HeldDdl.POLICY.replace("approvers: [dba]\n", "approvers: [dba]\n    minApprovals: 2\n");
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void aVoteCastWithAKeyRevokedBeforeTheDecidingVoteDoesNotCount() throws Exception {
        try (TestGateway gateway = TestGateway.start(List.of(), TWO_DBAS); Connection alice = gateway.connect("app");
             Statement sql = alice.createStatement()) {
            JsonNode firstDba = serviceAccount(gateway, "dba-leaving");
            JsonNode secondDba = serviceAccount(gateway, "dba-staying");
            CompletableFuture<Void> held = HeldDdl.runAsync(sql, "CREATE TABLE vote_standing (id int)");
            PendingApproval pending = HeldDdl.awaitPending(gateway);

            assertThat(decide(gateway, firstDba.path("secret").asText(), pending.id(), "approve", "planned").statusCode()).isEqualTo(200);
            assertThat(call(gateway, TestGateway.ADMIN_TOKEN, "DELETE", "/api/service-accounts/keys/"
                    + firstDba.path("key").path("id").asText(), null).statusCode()).isEqualTo(200);
            HttpResponse<String> second = decide(gateway, secondDba.path("secret").asText(), pending.id(), "approve", "fine");

            assertThat(second.statusCode()).isEqualTo(200);
            JsonNode after = JSON.readTree(second.body());
            assertThat(after.path("status").asText()).as("one standing vote of two").isEqualTo("pending");
            assertThat(after.path("votes").findValuesAsText("subject")).containsExactly("sa:dba-staying");
            JsonNode vote = gateway.events("approval.decided", 0).getLast().path("detail");
            assertThat(vote.path("outcome").asText()).isEqualTo("vote");
            assertThat(vote.path("lapsed_votes").findValuesAsText("sub")).containsExactly("sa:dba-leaving");
            assertThat(vote.path("lapsed_votes").get(0).path("why").asText()).startsWith("the key it was cast with is no longer active");
            assertThat(held).isNotDone();

            assertThat(decide(gateway, secondDba.path("secret").asText(), pending.id(), "deny", "not without a second DBA")
                    .statusCode()).isEqualTo(200);
            try {
                held.get(30, TimeUnit.SECONDS);
                throw new AssertionError("the held statement ran");
            } catch (ExecutionException e) {
                assertThat(e.getCause().getCause()).isInstanceOfSatisfying(SQLException.class,
                        refused -> assertThat(refused.getSQLState()).isEqualTo("42501"));
            }
        }
    }

    /** A service account in the dba group, with its first key ({@code secret}, {@code key.id}). */
    private JsonNode serviceAccount(TestGateway gateway, String name) throws Exception {
        HttpResponse<String> created = call(gateway, TestGateway.ADMIN_TOKEN, "POST", "/api/service-accounts",
                "{\"account\": \"" + name + "\", \"groups\": [\"dba\"], \"kind\": \"service\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return JSON.readTree(created.body());
    }

    private HttpResponse<String> decide(TestGateway gateway, String token, String id, String decision, String reason) throws Exception {
        return call(gateway, token, "POST", "/api/approvals/" + id + "/" + decision, "{\"reason\": \"" + reason + "\"}");
    }

    private HttpResponse<String> call(TestGateway gateway, String token, String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.gateway().apiPort() + path))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json");
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
