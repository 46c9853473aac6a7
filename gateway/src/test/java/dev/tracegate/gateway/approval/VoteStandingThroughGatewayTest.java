package dev.tracegate.gateway.approval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tracegate.gateway.TestGateway;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
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

    /**
     * The deciding vote is asked whether its own sign-in still stands when it is counted, not only
     * when its request came in: a vote that waited for the request's lock (another decision on it,
     * a slow store) while its approver signed out or had their key revoked is refused, and the
     * statement stays held. Until 2026-12-07 it approved the statement after its sign-in had ended.
     */
    @ParameterizedTest
    @EnumSource(ApproverStanding.class)
    void aDecidingVoteWhoseStandingEndsWhileItWaitsIsNotCounted(ApproverStanding standing) throws Exception {
        try (TestGateway gateway = TestGateway.start(List.of(), HeldDdl.POLICY); Connection alice = gateway.connect("app");
             Statement sql = alice.createStatement()) {
            HeldDdl.Held hold = HeldDdl.hold(gateway, sql, "CREATE TABLE vote_racing (id int)");
            PendingApproval pending = hold.pending();
            GatewayApi api = new GatewayApi(gateway);
            ApproverStanding.Approver dba = standing.signIn(gateway, api, api.dbaServiceAccount("dba-racing"));

            CompletableFuture<HttpResponse<String>> vote;
            try (Connection store = gateway.gateway().store().dataSource().getConnection()) {
                store.setAutoCommit(false);
                try (var lock = store.prepareStatement("SELECT id FROM approval_request WHERE id = ? FOR UPDATE")) {
                    lock.setString(1, pending.id());
                    lock.executeQuery().close();
                }
                // A thread of its own: the common pool may have one worker, which the held statement takes.
                vote = CompletableFuture.supplyAsync(() -> {
                    try {
                        return dba.decide(pending.id(), "approve", "{\"reason\": \"planned\"}");
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }, command -> Thread.ofVirtual().start(command));
                Awaitility.await("the vote waits for the request's lock").atMost(Duration.ofSeconds(20))
                        .until(() -> vote.isDone() || waitingForALock(store));
                dba.end().run();
                store.rollback();
            }

            HttpResponse<String> answer = vote.get(30, TimeUnit.SECONDS);
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(403);
            assertThat(answer.body()).contains("the vote was not counted: " + standing.why("cast"));
            assertThat(gateway.gateway().approvals().pending()).as("still waiting for an approver who stands")
                    .anyMatch(p -> p.id().equals(pending.id()));
            assertThat(hold.run()).isNotDone();
            gateway.gateway().approvals().deny(pending.id(), HeldDdl.DBA, "end of test");
            assertThatThrownBy(() -> hold.run().get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
        }
    }

    /** Whether another connection of the (embedded H2) store waits for a lock: the vote, behind the test's lock. */
    private static boolean waitingForALock(Connection store) throws SQLException {
        try (Statement query = store.createStatement();
             var rows = query.executeQuery("SELECT count(*) FROM information_schema.sessions WHERE blocker_id IS NOT NULL")) {
            rows.next();
            return rows.getInt(1) > 0;
        }
    }

    private static HttpResponse<String> decide(GatewayApi api, JsonNode dba, String id, String decision, String reason) throws Exception {
        return api.call(dba.path("secret").asText(), "POST", "/api/approvals/" + id + "/" + decision, "{\"reason\": \"" + reason + "\"}");
    }
}
