package dev.tracegate.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracegate.gateway.TestGateway;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code /healthz}, {@code /readyz} and {@code /metrics} as a probe and a Prometheus scraper use
 * them: no token, figures that follow what callers did, and a node that cannot record says it is
 * not ready.
 */
class OperationsRoutesTest {


    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void metricsFollowWhatCallersDidAndCarryNoStatementOrIdentity() throws Exception {
        try (TestGateway gateway = TestGateway.start(List.of(), TestGateway.NO_BULK_WRITES_POLICY)) {
            String before = get(gateway, "/metrics").body();
            try (Connection c = gateway.connect("app"); Statement sql = c.createStatement()) {
                sql.executeQuery("SELECT 'metrics-marker'").close();
                assertThatThrownBy(() -> sql.execute("DELETE FROM metrics_no_such_table")).isInstanceOf(SQLException.class);
            }
            gateway.gateway().evidence().awaitStored();
            HttpResponse<String> scraped = get(gateway, "/metrics");
            assertThat(scraped.statusCode()).isEqualTo(200);
            assertThat(scraped.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/plain"));
            String after = scraped.body();
            assertThat(value(after, "tracegate_sessions_opened_total{protocol=\"postgres\"}") - value(before,
                    "tracegate_sessions_opened_total{protocol=\"postgres\"}")).isEqualTo(1);
            assertThat(value(after, "tracegate_commands_total{class=\"read\",protocol=\"postgres\"}")).isGreaterThanOrEqualTo(1);
            assertThat(value(after, "tracegate_commands_refused_total{outcome=\"blocked\",protocol=\"postgres\"}")).isEqualTo(1);
            assertThat(after).contains("tracegate_evidence_write_seconds_count", "tracegate_evidence_checkpoint_age_seconds",
                    "tracegate_evidence_queued", "jvm_memory_used_bytes");
            assertThat(after).doesNotContain("metrics-marker", "metrics_no_such_table", "alice", TestGateway.ALICE_TOKEN);
        }
    }

    @Test
    void probesNeedNoTokenAndANodeWhoseStoreIsGoneIsNotReady() throws Exception {
        try (TestGateway gateway = TestGateway.start()) {
            assertThat(get(gateway, "/healthz").statusCode()).isEqualTo(200);
            HttpResponse<String> ready = get(gateway, "/readyz");
            assertThat(ready.statusCode()).isEqualTo(200);
            assertThat(ready.body()).contains("\"ready\"");

            gateway.gateway().store().close();
            HttpResponse<String> gone = get(gateway, "/readyz");
            assertThat(gone.statusCode()).isEqualTo(503);
            assertThat(gone.body()).contains("not ready").contains("store");
            assertThat(get(gateway, "/healthz").statusCode()).as("the process still answers").isEqualTo(200);
        }
    }

    private HttpResponse<String> get(TestGateway gateway, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.gateway().apiPort() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** A sample's value in the exposition text; 0 when the series does not exist yet. */
    private static double value(String exposition, String series) {
        Matcher line = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(exposition);
        return line.find() ? Double.parseDouble(line.group(1)) : 0;
    }
}
