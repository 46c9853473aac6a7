package dev.tracegate.gateway.operations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.tracegate.gateway.TestGateway;
import dev.tracegate.gateway.config.HttpSiemConfig;
import dev.tracegate.gateway.config.SiemConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * deploy/prometheus/alerts.yaml asks only for metrics the gateway exports, with labels they carry:
 * every {@code tracegate_}, {@code jvm_} and {@code process_} series an alert reads is in a real
 * gateway's {@code /metrics} (one that forwards to a SIEM and has seen a blocked command and a
 * failed log-in), so no alert silently watches a name that does not exist.
 */
class PrometheusAlertsTest {

    private static final Path ALERTS = Path.of("..", "deploy", "prometheus", "alerts.yaml");
    private static final Pattern SERIES = Pattern.compile("\\b((?:tracegate|jvm|process)_[a-z_]+)(\\{([^}]*)})?");
    private static final Pattern LABEL = Pattern.compile("([a-z_]+)\\s*=~?");

    private static String scraped;

    @BeforeAll
    static void scrape() throws Exception {
        scraped = scrapeAfterABlockedCommandAndAFailedLogin();
    }

    @Test
    void everyAlertReadsSeriesTheGatewayExports() throws Exception {
        JsonNode rules = new ObjectMapper(new YAMLFactory()).readTree(ALERTS.toFile()).path("groups").path(0).path("rules");
        assertThat(rules.size()).isGreaterThan(5);
        List<String> missing = new ArrayList<>();
        Set<String> read = new TreeSet<>();
        for (JsonNode rule : rules) {
            assertThat(rule.path("alert").asText()).isNotEmpty();
            assertThat(rule.path("annotations").path("summary").asText()).as(rule.path("alert").asText()).isNotEmpty();
            Matcher series = SERIES.matcher(rule.path("expr").asText());
            while (series.find()) {
                read.add(series.group(1));
                if (!Pattern.compile("(?m)^" + series.group(1) + "[{ ]").matcher(scraped).find()) {
                    missing.add(rule.path("alert").asText() + ": " + series.group(1));
                    continue;
                }
                Matcher label = LABEL.matcher(series.group(3) == null ? "" : series.group(3));
                while (label.find()) {
                    if (!Pattern.compile("(?m)^" + series.group(1) + "\\{[^}]*\\b" + label.group(1) + "=").matcher(scraped).find()) {
                        missing.add(rule.path("alert").asText() + ": " + series.group(1) + " has no label " + label.group(1));
                    }
                }
            }
        }
        assertThat(read).contains("tracegate_evidence_checkpoint_age_seconds", "tracegate_siem_dropped_events_total",
                "tracegate_evidence_write_seconds_bucket");
        assertThat(missing).isEmpty();
    }

    @Test
    void theCheckFindsAMisspeltSeries() {
        assertThat(SERIES.matcher("rate(tracegate_auth_failure_total[5m])").find()).isTrue();
        assertThat(Pattern.compile("(?m)^tracegate_auth_failure_total[{ ]").matcher(scraped).find()).isFalse();
        assertThat(Pattern.compile("(?m)^tracegate_auth_failures_total[{ ]").matcher(scraped).find()).isTrue();
    }

    private static String scrapeAfterABlockedCommandAndAFailedLogin() throws Exception {
        // A SIEM endpoint nobody answers: its queue's metrics are registered all the same.
        SiemConfig siem = new SiemConfig(0, null, new HttpSiemConfig("http://127.0.0.1:9/ingest", null, null, 0));
        try (TestGateway gateway = TestGateway.start(TestGateway.NO_BULK_WRITES_POLICY, siem); HttpClient http = HttpClient.newHttpClient()) {
            try (Connection c = gateway.connect("app"); Statement sql = c.createStatement()) {
                assertThatThrownBy(() -> sql.execute("DELETE FROM alerts_no_such_table")).isInstanceOf(SQLException.class);
            }
            String api = "http://127.0.0.1:" + gateway.gateway().apiPort();
            http.send(HttpRequest.newBuilder(URI.create(api + "/api/sessions")).header("Authorization", "Bearer wrong").build(),
                    HttpResponse.BodyHandlers.discarding());
            gateway.gateway().evidence().awaitStored();
            return http.send(HttpRequest.newBuilder(URI.create(api + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
        }
    }
}
