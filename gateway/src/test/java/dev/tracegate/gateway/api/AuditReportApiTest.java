package dev.tracegate.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracegate.gateway.TestGateway;
import dev.tracegate.gateway.evidence.BlobRetention;
import dev.tracegate.ledger.bundle.BundleVerifier;
import dev.tracegate.ledger.bundle.VerificationReport;
import dev.tracegate.ledger.merkle.MerkleHashes;
import dev.tracegate.ledger.report.ReportVerifier;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /api/evidence/report}: admins and auditors get the period's bundle with a report
 * that the offline verifier recomputes, the gateway's start and blob retention are in it, and
 * generating it is an event with the report's SHA-256.
 */
class AuditReportApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String POLICY = """
            defaults: {action: allow}
            rules:
              - {name: no-bulk-writes, classes: [bulk_write], action: block, reason: no bulk writes}
            """;

    @TempDir
    Path dir;

    @Test
    void anAdminGetsAVerifiableReportOfThePeriodAndItIsRecorded() throws Exception {
        Instant from = Instant.now().minusSeconds(60);
        try (TestGateway gateway = TestGateway.start(List.of(), POLICY)) {
            try (Connection c = gateway.connect("app"); Statement sql = c.createStatement()) {
                sql.executeQuery("SELECT 'kept as evidence'").close();
                assertThatThrownBy(() -> sql.execute("DELETE FROM no_such_table")).isInstanceOf(SQLException.class)
                        .hasMessageContaining("no-bulk-writes");
            }
            gateway.gateway().evidence().awaitStored();
            assertThat(new BlobRetention(gateway.gateway().evidence(), Duration.ZERO).applyNow()).isPositive();
            String to = Instant.now().plusSeconds(60).toString();

            HttpResponse<byte[]> response = get(gateway, "/api/evidence/report?from=" + from + "&to=" + to
                    + "&sample=2&seed=api-test&connection=app", TestGateway.ADMIN_TOKEN);
            assertThat(response.statusCode()).as(new String(response.body(), StandardCharsets.UTF_8)).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type")).contains("application/zip");
            Path bundle = unzip(response.body());
            VerificationReport verified = BundleVerifier.verify(bundle, Optional.of(gateway.gateway().checkpoints().verifierKey()));
            assertThat(verified.ok()).as(verified.summary()).isTrue();
            assertThat(verified.results()).as("the bundle states, signed, that it is the period's")
                    .anyMatch(line -> line.contains("the selection exported: {\"export\":\"period\",\"from\":\""));
            ReportVerifier.Result report = ReportVerifier.verify(bundle);
            assertThat(report.ok()).as(report.lines().toString()).isTrue();

            byte[] reportJson = Files.readAllBytes(bundle.resolve("report.json"));
            String sha256 = HexFormat.of().formatHex(MerkleHashes.newSha256().digest(reportJson));
            assertThat(response.headers().firstValue("X-Tracegate-Report-Sha256")).contains(sha256);
            assertThat(response.headers().firstValue("X-Tracegate-Seed")).contains("api-test");
            JsonNode model = JSON.readTree(reportJson);
            assertThat(figure(model.path("populations").path("sessions").path("total"))).isEqualTo(1);
            assertThat(figure(model.path("populations").path("blocked").path("total"))).isEqualTo(1);
            assertThat(figure(model.path("populations").path("retention").path("removed"))).isPositive();
            assertThat(figure(model.path("integrity").path("restarts"))).as("the gateway started in the period").isEqualTo(1);
            assertThat(model.path("integrity").path("restart_items").get(0).path("evidence").path("checkpoint_interval_seconds").asInt())
                    .isEqualTo(60);
            assertThat(model.path("integrity").path("verified").asBoolean()).isTrue();
            assertThat(model.path("scope").path("connections").toString()).isEqualTo("[\"app\"]");

            List<JsonNode> generated = gateway.events("report.generated", 0);
            assertThat(generated).hasSize(1);
            assertThat(generated.getFirst().path("detail").path("report_sha256").asText()).isEqualTo(sha256);
            assertThat(generated.getFirst().path("detail").path("format_version").asText()).isEqualTo("1.1");
            assertThat(generated.getFirst().path("actor").path("sub").asText()).isEqualTo("apikey:admin");
            assertThat(generated.getFirst().path("detail").path("connections").toString()).isEqualTo("[\"app\"]");
            assertThat(gateway.events("retention.applied", 0)).hasSize(1);
        }
    }

    @Test
    void onlyAdminsAndAuditorsGetAReportAndItNeedsAPeriod() throws Exception {
        try (TestGateway gateway = TestGateway.start()) {
            String period = "?from=2026-01-01T00:00:00Z&to=2026-04-01T00:00:00Z";
            assertThat(get(gateway, "/api/evidence/report" + period, TestGateway.ALICE_TOKEN).statusCode()).isEqualTo(403);
            assertThat(get(gateway, "/api/evidence/report" + period, null).statusCode()).isEqualTo(401);
            HttpResponse<byte[]> noPeriod = get(gateway, "/api/evidence/report?from=2026-01-01T00:00:00Z", TestGateway.ADMIN_TOKEN);
            assertThat(noPeriod.statusCode()).isEqualTo(400);
            assertThat(JSON.readTree(noPeriod.body()).path("error").asText()).contains("a report needs a period");
            HttpResponse<byte[]> backwards = get(gateway, "/api/evidence/report?from=2026-04-01T00:00:00Z&to=2026-01-01T00:00:00Z",
                    TestGateway.ADMIN_TOKEN);
            assertThat(backwards.statusCode()).isEqualTo(400);
            assertThat(JSON.readTree(backwards.body()).path("error").asText()).contains("must end after it starts");
            assertThat(get(gateway, "/api/evidence/report" + period + "&sample=1000", TestGateway.ADMIN_TOKEN).statusCode()).isEqualTo(400);
            assertThat(gateway.events("report.generated", 0)).as("refused requests generate nothing").isEmpty();
        }
    }

    private static long figure(JsonNode figure) {
        return figure.path("value").asLong(-1);
    }

    private Path unzip(byte[] zip) throws Exception {
        Path target = Files.createDirectories(dir.resolve("bundle"));
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            for (ZipEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                Path file = target.resolve(entry.getName());
                Files.createDirectories(file.getParent());
                Files.copy(in, file);
            }
        }
        return target;
    }

    private static HttpResponse<byte[]> get(TestGateway gateway, String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.gateway().apiPort() + path));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }
}
