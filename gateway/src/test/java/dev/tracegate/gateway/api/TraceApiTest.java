package dev.tracegate.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracegate.gateway.TestGateway;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** {@code GET /api/traces/{id}}: one trace across sessions, from sqlcommenter comments and application_name. */
class TraceApiTest {

    private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String TRACEPARENT = "00-" + TRACE + "-00f067aa0ba902b7-01";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aTraceJoinsSessionsAndEachCallerSeesTheirOwnPart() throws Exception {
        try (TestGateway gateway = TestGateway.start()) {
            try (Connection c = gateway.connect("app"); Statement sql = c.createStatement()) {
                try (ResultSet rs = sql.executeQuery("SELECT 41 + 1 /*traceparent='" + TRACEPARENT + "'*/")) {
                    rs.next();
                }
                sql.executeQuery("SELECT 'not part of the trace'").close();
            }
            Properties admin = new Properties();
            admin.setProperty("user", "admin");
            admin.setProperty("password", TestGateway.ADMIN_TOKEN);
            admin.setProperty("ApplicationName", "nightly-agent traceparent=" + TRACEPARENT);
            try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + gateway.port()
                    + "/app?sslmode=require", admin); Statement sql = c.createStatement()) {
                sql.executeQuery("SELECT 'agent step two'").close();
            }

            JsonNode all = get(gateway, TRACE, TestGateway.ADMIN_TOKEN).body();
            List<String> lines = all.path("events").valueStream()
                    .map(e -> e.path("type").asText() + " " + e.path("detail").path("text").asText()).toList();
            assertThat(lines).containsSubsequence("command SELECT 41 + 1 /*traceparent='" + TRACEPARENT + "'*/",
                    "command.result ", "command SELECT 'agent step two'", "command.result ");
            assertThat(lines).noneMatch(line -> line.contains("not part of the trace"));
            assertThat(all.path("events").valueStream().map(e -> e.path("actor").path("sub").asText()).distinct())
                    .containsExactlyInAnyOrder("apikey:alice", "apikey:admin");

            JsonNode own = get(gateway, TRACE, TestGateway.ALICE_TOKEN).body();
            assertThat(own.path("events").valueStream().map(e -> e.path("actor").path("sub").asText()).distinct())
                    .containsExactly("apikey:alice");
            assertThat(get(gateway, "0".repeat(31) + "1", TestGateway.ADMIN_TOKEN).status()).isEqualTo(404);
            assertThat(get(gateway, "not-a-trace", TestGateway.ADMIN_TOKEN).status()).isEqualTo(400);
        }
    }

    private record Answer(int status, JsonNode body) {
    }

    private static Answer get(TestGateway gateway, String trace, String token) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + gateway.gateway().apiPort() + "/api/traces/" + trace))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), JSON.readTree(response.body()));
    }
}
