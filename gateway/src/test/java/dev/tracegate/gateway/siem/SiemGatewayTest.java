package dev.tracegate.gateway.siem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracegate.gateway.TestGateway;
import dev.tracegate.gateway.config.HttpSiemConfig;
import dev.tracegate.gateway.config.SiemConfig;
import dev.tracegate.gateway.tls.TestServerCertificate;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A gateway configured with {@code siem.http} forwards what psql and an API caller did, as OCSF
 * events, to a real HTTPS collector, and reports the forwarding on {@code /metrics}.
 */
@Timeout(180)
class SiemGatewayTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void sessionsCommandsRefusalsAndFailedLoginsReachTheCollector(@TempDir Path dir) throws Exception {
        TestServerCertificate certificate = TestServerCertificate.create(dir);
        try (HttpsReceiver collector = HttpsReceiver.start(certificate.serverContext(), 0);
             TestGateway gateway = TestGateway.start(TestGateway.NO_BULK_WRITES_POLICY, new SiemConfig(0, null,
                     new HttpSiemConfig(collector.url(), null, certificate.caPem().toString(), 0)));
             HttpClient http = HttpClient.newHttpClient()) {
            try (Connection c = gateway.connect("app"); Statement sql = c.createStatement()) {
                sql.executeQuery("SELECT 'siem-marker'").close();
                assertThatThrownBy(() -> sql.execute("DELETE FROM siem_no_such_table")).isInstanceOf(SQLException.class);
            }
            HttpResponse<String> refused = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + gateway.gateway().apiPort() + "/api/sessions")).header("Authorization", "Bearer tg_wrong_guess_8d1c").build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(refused.statusCode()).isEqualTo(401);

            Map<String, JsonNode> byType = new ConcurrentHashMap<>();
            StringBuilder everything = new StringBuilder();
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                HttpsReceiver.Request request = collector.requests().poll(1, TimeUnit.SECONDS);
                if (request != null) {
                    everything.append(request.body());
                    JSON.readTree(request.body()).forEach(e -> byType.merge(
                            e.path("metadata").path("event_code").asText(), e, (first, later) -> first));
                }
                return byType.keySet().containsAll(List.of("gateway.started", "session.open", "command", "command.blocked",
                        "auth.failure", "session.close"));
            });
            JsonNode open = byType.get("session.open");
            assertThat(open.path("class_uid").asInt()).isEqualTo(3002);
            assertThat(open.path("actor").path("user").path("uid").asText()).isEqualTo("apikey:alice");
            assertThat(open.path("metadata").path("log_name").asText()).isEqualTo("tracegate.test/log");
            JsonNode blocked = byType.get("command.blocked");
            assertThat(blocked.path("class_uid").asInt()).isEqualTo(6005);
            assertThat(blocked.path("status").asText()).isEqualTo("Failure");
            assertThat(blocked.path("status_detail").asText()).contains("no bulk writes");
            JsonNode failure = byType.get("auth.failure");
            assertThat(failure.path("class_uid").asInt()).isEqualTo(3002);
            assertThat(failure.path("status_id").asInt()).isEqualTo(2);
            assertThat(everything.toString()).as("no credential is forwarded")
                    .doesNotContain(TestGateway.ALICE_TOKEN, "tg_wrong_guess_8d1c");

            String metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.gateway().apiPort()
                    + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
            assertThat(metrics).contains("tracegate_siem_delivered_events_total{destination=\"http\"}",
                    "tracegate_siem_backlog_events{destination=\"http\"}",
                    "tracegate_siem_dropped_events_total{destination=\"http\"} 0.0");
        }
    }
}
