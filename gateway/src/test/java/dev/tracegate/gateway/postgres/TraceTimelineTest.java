package dev.tracegate.gateway.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracegate.gateway.TestGateway;
import dev.tracegate.gateway.TestTarget;
import dev.tracegate.gateway.approval.PendingApproval;
import dev.tracegate.gateway.identity.Identity;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Reasoning traces from real clients: psql with a traceparent in its application_name, statements
 * with sqlcommenter comments, and the timeline {@code GET /api/traces/{id}} makes of them: each
 * traced command with its result, what masking did, whether it was blocked, who approved it.
 */
class TraceTimelineTest {

    private static final String POLICY = """
            defaults:
              action: allow
            masking:
              profiles:
                personal-data:
                  columns:
                    - {match: trace_people.email, entity: email, strategy: "hash:format"}
            rules:
              - name: hold-ddl
                classes: [ddl]
                action: approve
                approvers: [dba]
                timeout: 20s
                reason: schema changes need a DBA
              - name: no-bulk-writes
                classes: [bulk_write]
                action: block
                reason: UPDATE or DELETE without WHERE is not allowed
              - name: mask-personal-data
                connections: [app]
                exceptGroups: [admins]
                mask: personal-data
            """;
    private static final String EMAIL = "grace.hopper@example.com";
    private static final Identity DBA = new Identity("tracegate", "apikey:dora", "dora", null, List.of("dba"), "human");
    private static final ObjectMapper JSON = new ObjectMapper();

    private static TestGateway gateway;

    @BeforeAll
    static void start() throws SQLException {
        try (Connection direct = TestTarget.direct(); Statement sql = direct.createStatement()) {
            sql.execute("DROP TABLE IF EXISTS trace_people, trace_steps");
            sql.execute("CREATE TABLE trace_people (id int PRIMARY KEY, email text)");
            // Masked callers may not alter tables that hold protected data; the held DDL alters this one.
            sql.execute("CREATE TABLE trace_steps (id int PRIMARY KEY)");
            sql.execute("INSERT INTO trace_people VALUES (1, '" + EMAIL + "')");
            sql.execute("GRANT ALL ON trace_people TO PUBLIC");
        }
        gateway = TestGateway.start(List.of(), POLICY);
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    @Test
    void aPsqlSessionWhoseApplicationNameCarriesATraceparentBelongsToThatTraceUnlessAStatementNamesAnother()
            throws Exception {
        String session = "5f3b1c9e2d4a4b7c8e9f0a1b2c3d4e5f";
        String statement = "a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5";
        String appName = "nightly-agent traceparent=00-" + session + "-b7ad6b7169203331-01";
        ClientProcess psql = ClientProcess.run(null, List.of("psql",
                gateway.libpqUri("app") + "&application_name=" + URLEncoder.encode(appName, StandardCharsets.UTF_8).replace("+", "%20"),
                "-X", "-At",
                "-c", "SELECT email FROM trace_people",
                "-c", "DELETE FROM trace_people",
                "-c", "SELECT 'own trace' /*traceparent='00-" + statement + "-00f067aa0ba902b7-01'*/"));
        assertThat(psql.output()).contains("not allowed");

        List<JsonNode> timeline = get(session, TestGateway.ADMIN_TOKEN).events();
        assertThat(timeline).extracting(TraceTimelineTest::line).containsExactly(
                "session.open",
                "command Query: SELECT email FROM trace_people",
                "masking.applied client",
                "command.result ok",
                "command Query: DELETE FROM trace_people",
                "command.blocked blocked",
                "command.result blocked",
                "session.close");
        assertThat(timeline).as("every event of the traced session carries its trace")
                .allSatisfy(e -> assertThat(e.path("trace").asText()).isEqualTo(session));
        assertThat(timeline.getFirst().path("detail").path("application_name").asText()).isEqualTo(appName);
        assertThat(timeline.get(2).path("detail").path("found").path("public.trace_people.email").path("EMAIL").asInt())
                .isEqualTo(1);
        assertThat(timeline.toString()).doesNotContain(EMAIL);

        assertThat(get(statement, TestGateway.ADMIN_TOKEN).events()).extracting(TraceTimelineTest::line).containsExactly(
                "session.open",
                "command Query: SELECT 'own trace' /*traceparent='00-" + statement + "-00f067aa0ba902b7-01'*/",
                "command.result ok",
                "session.close");
    }

    /**
     * pgjdbc and libpq set application_name with a statement; the relay reads it only from
     * statements that start with SET (a matcher per statement costs allocation on every one), which
     * must still find it in lower case and after white space.
     */
    @Test
    void aSetApplicationNameInLowerCaseAfterWhiteSpacePutsTheRestOfTheSessionInItsTrace() throws Exception {
        String trace = "6c1d2e3f4a5b4c6d8e7f9a0b1c2d3e4f";
        ClientProcess psql = ClientProcess.run(null, List.of("psql", gateway.libpqUri("app"), "-X", "-At",
                "-c", " \n\tset application_name = 'agent traceparent=00-" + trace + "-b7ad6b7169203331-01'",
                "-c", "SELECT 'after the set'"));
        assertThat(psql.output()).contains("after the set");

        assertThat(get(trace, TestGateway.ADMIN_TOKEN).events()).extracting(TraceTimelineTest::line)
                .contains("command Query: SELECT 'after the set'", "command.result ok", "session.close");
    }

    @Test
    void aHeldCommandShowsItsApprovalAndTheCallerSeesWhoApprovedIt() throws Exception {
        String trace = "7e0c4d8a9b1f4e2d8c3b5a6f7e8d9c0b";
        String ddl = "ALTER TABLE trace_steps ADD COLUMN note text /*traceparent='00-" + trace + "-1111111111111111-01'*/";
        try (Connection c = gateway.connect("app"); Statement sql = c.createStatement()) {
            CompletableFuture<Void> held = CompletableFuture.runAsync(() -> {
                try {
                    sql.execute(ddl);
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            PendingApproval pending = Awaitility.await().atMost(Duration.ofSeconds(10))
                    .until(() -> gateway.gateway().approvals().pending().stream().findFirst().orElse(null), p -> p != null);
            gateway.gateway().approvals().approve(pending.id(), DBA, "planned migration", null);
            held.get(10, TimeUnit.SECONDS);
        }

        List<JsonNode> own = get(trace, TestGateway.ALICE_TOKEN).events();
        assertThat(own).extracting(TraceTimelineTest::line).containsExactly(
                "session.open",
                "command Parse: " + ddl,
                "approval.requested",
                "approval.decided approved",
                "command Execute: " + ddl,
                "command.result ok",
                "session.close");
        JsonNode decided = own.get(3);
        assertThat(decided.path("actor").path("sub").asText()).as("the approver, shown to the requester").isEqualTo("apikey:dora");
        assertThat(decided.path("detail").path("reason").asText()).isEqualTo("planned migration");
    }

    @Test
    void aCallerWhoReadsOnlyTheirOwnSessionsCannotReadAnothersTraceAndAnUnknownTraceIsNotFound() throws Exception {
        String trace = "c0ffee00c0ffee00c0ffee00c0ffee00";
        Properties admin = new Properties();
        admin.setProperty("user", "admin");
        admin.setProperty("password", TestGateway.ADMIN_TOKEN);
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + gateway.port() + "/app?sslmode=require",
                admin); Statement sql = c.createStatement()) {
            sql.executeQuery("SELECT email FROM trace_people /*traceparent='00-" + trace + "-2222222222222222-01'*/").close();
        }

        assertThat(get(trace, TestGateway.ADMIN_TOKEN).status()).isEqualTo(200);
        Answer alice = get(trace, TestGateway.ALICE_TOKEN);
        assertThat(alice.status()).isEqualTo(404);
        assertThat(alice.body().toString()).doesNotContain(EMAIL).doesNotContain("trace_people");
        assertThat(get("0123456789abcdef0123456789abcdef", TestGateway.ADMIN_TOKEN).status()).isEqualTo(404);
    }

    /** Event type, and what tells events of the same type apart. */
    private static String line(JsonNode event) {
        JsonNode detail = event.path("detail");
        String type = event.path("type").asText();
        return switch (type) {
            case "command" -> type + " " + detail.path("message").asText() + ": " + detail.path("text").asText();
            case "command.result" -> type + " " + detail.path("status").asText();
            case "command.blocked", "approval.decided" -> type + " " + detail.path("outcome").asText();
            case "masking.applied" -> type + " " + detail.path("applied_to").asText();
            default -> type;
        };
    }

    private record Answer(int status, JsonNode body) {
        List<JsonNode> events() {
            assertThat(status).as(body.toString()).isEqualTo(200);
            return body.path("events").valueStream().toList();
        }
    }

    private static Answer get(String trace, String token) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + gateway.gateway().apiPort() + "/api/traces/" + trace))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), JSON.readTree(response.body()));
    }
}
