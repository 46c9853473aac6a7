package dev.tracegate.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracegate.gateway.approval.PendingApproval;
import dev.tracegate.gateway.identity.IdentityGateway;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An identity is issuer plus subject. Mallory signs in at a configured provider whose account she
 * controls, with the subject {@code apikey:alice}: the very subject of Alice's static key, at
 * another issuer. Through the real API with real credentials, every route that decides who may
 * see sessions, traces and approval activity shows her only her own.
 */
class CrossIssuerVisibilityTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TRACE = "5a1ce0000000000000000000000a11ce";
    private static IdentityGateway gateway;
    private static String alice;
    private static String mallory;
    private static String aliceSession;
    private static String mallorySession;

    @BeforeAll
    static void start() throws Exception {
        gateway = IdentityGateway.start();
        alice = IdentityGateway.ALICE_KEY;
        mallory = gateway.idp().token("okta", "apikey:alice", "tracegate", Map.of("name", "mallory"));
        // Both work in the same trace, each in a session of their own.
        aliceSession = tracedSession(alice, "SELECT 'alice-private-row' AS label");
        mallorySession = tracedSession(mallory, "SELECT 'mallory-marker' AS mine");
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    @Test
    void theSessionListShowsOnlyTheCallersOwnAtTheirIssuer() throws Exception {
        assertThat(sessionIds(mallory, "")).contains(mallorySession).doesNotContain(aliceSession);
        assertThat(sessionIds(alice, "")).contains(aliceSession).doesNotContain(mallorySession);
        // Asking for the other issuer's sessions by name changes nothing for a non-admin.
        assertThat(sessionIds(mallory, "?user=apikey:alice&issuer=tracegate")).doesNotContain(aliceSession);
        // Admins can tell the two apart.
        assertThat(sessionIds(IdentityGateway.ADMIN_KEY, "?user=apikey:alice")).contains(aliceSession, mallorySession);
        assertThat(sessionIds(IdentityGateway.ADMIN_KEY, "?user=apikey:alice&issuer=tracegate"))
                .contains(aliceSession).doesNotContain(mallorySession);
        assertThat(get("/api/sessions?issuer=tracegate", IdentityGateway.ADMIN_KEY).statusCode())
                .as("an issuer without a user says nothing").isEqualTo(400);
    }

    @Test
    void aSessionAndItsDataAreNotFoundForTheSameSubjectAtAnotherIssuer() throws Exception {
        HttpResponse<String> own = get("/api/sessions/" + aliceSession, alice);
        assertThat(own.statusCode()).isEqualTo(200);
        String blob = JSON.readTree(own.body()).path("events").findValuesAsText("blob").getFirst();

        HttpResponse<String> session = get("/api/sessions/" + aliceSession, mallory);
        assertThat(session.statusCode()).isEqualTo(404);
        assertThat(session.body()).doesNotContain("alice-private-row");
        assertThat(get("/api/sessions/" + aliceSession + "/data/" + blob, mallory).statusCode()).isEqualTo(404);
        assertThat(get("/api/sessions/" + aliceSession + "/data/" + blob, alice).body()).contains("alice-private-row");
    }

    @Test
    void aSharedTraceShowsEachOnlyTheirOwnSessions() throws Exception {
        JsonNode seenByMallory = JSON.readTree(get("/api/traces/" + TRACE, mallory).body()).path("events");
        assertThat(seenByMallory.findValuesAsText("session")).contains(mallorySession).doesNotContain(aliceSession);
        assertThat(seenByMallory.toString()).doesNotContain("alice-private-row");

        JsonNode seenByAlice = JSON.readTree(get("/api/traces/" + TRACE, alice).body()).path("events");
        assertThat(seenByAlice.findValuesAsText("session")).contains(aliceSession).doesNotContain(mallorySession);
        JsonNode seenByAdmin = JSON.readTree(get("/api/traces/" + TRACE, IdentityGateway.ADMIN_KEY).body()).path("events");
        assertThat(seenByAdmin.findValuesAsText("session")).contains(aliceSession, mallorySession);
    }

    @Test
    void aHeldCommandAndItsRequestersActivityAreHiddenFromTheSameSubjectAtAnotherIssuer() throws Exception {
        try (Connection c = gateway.connect(alice); Statement sql = c.createStatement()) {
            CompletableFuture<Void> held = CompletableFuture.runAsync(() -> {
                try {
                    sql.execute("CREATE TABLE alice_plan (note text)");
                } catch (SQLException e) {
                    // Denied below: the statement fails, as it should.
                }
            });
            PendingApproval pending = Awaitility.await().atMost(Duration.ofSeconds(10))
                    .until(() -> gateway.gateway().approvals().pending().stream().findFirst().orElse(null), p -> p != null);
            String id = pending.id();

            assertThat(JSON.readTree(get("/api/approvals", mallory).body()).findValuesAsText("id")).doesNotContain(id);
            assertThat(JSON.readTree(get("/api/approvals?all=true", mallory).body()).findValuesAsText("id")).doesNotContain(id);
            assertThat(get("/api/approvals/" + id, mallory).statusCode()).isEqualTo(404);
            assertThat(get("/api/approvals/" + id + "/activity", mallory).statusCode()).isEqualTo(404);
            assertThat(gateway.api("POST", "/api/approvals/" + id + "/deny", mallory, "{\"reason\": \"mine\"}").statusCode())
                    .as("not her request to withdraw or decide").isEqualTo(404);
            assertThat(JSON.readTree(get("/api/approvals", alice).body()).findValuesAsText("id")).contains(id);

            // The approver sees the requester's recent commands: Alice's, not those of her namesake.
            String activity = get("/api/approvals/" + id + "/activity", IdentityGateway.DBA_KEY).body();
            assertThat(activity).contains("alice-private-row").doesNotContain("mallory-marker");
            JsonNode view = JSON.readTree(get("/api/approvals/" + id, IdentityGateway.DBA_KEY).body());
            assertThat(view.path("requester_issuer").asText()).isEqualTo("tracegate");

            assertThat(gateway.api("POST", "/api/approvals/" + id + "/deny", IdentityGateway.DBA_KEY, "{\"reason\": \"not now\"}")
                    .statusCode()).isEqualTo(200);
            held.get(10, TimeUnit.SECONDS);
        }
    }

    /** Opens a session in {@link #TRACE} as the holder of {@code credential}, runs {@code query}, closes it; its id. */
    private static String tracedSession(String credential, String query) throws Exception {
        Properties traced = new Properties();
        traced.setProperty("ApplicationName", "agent traceparent=00-" + TRACE + "-b7ad6b7169203331-01");
        List<String> before = sessionIds(IdentityGateway.ADMIN_KEY, "");
        try (Connection c = gateway.connect(credential, traced); Statement sql = c.createStatement()) {
            sql.executeQuery(query).close();
        }
        return Awaitility.await().atMost(Duration.ofSeconds(10)).until(
                () -> sessionIds(IdentityGateway.ADMIN_KEY, "?status=closed").stream().filter(id -> !before.contains(id))
                        .findFirst().orElse(null), id -> id != null);
    }

    private static List<String> sessionIds(String bearer, String query) throws Exception {
        HttpResponse<String> response = get("/api/sessions" + query, bearer);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body()).valueStream().map(s -> s.path("id").asText()).toList();
    }

    private static HttpResponse<String> get(String path, String bearer) throws Exception {
        return gateway.api("GET", path, bearer, null);
    }
}
