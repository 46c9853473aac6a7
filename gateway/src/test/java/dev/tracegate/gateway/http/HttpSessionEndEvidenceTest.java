package dev.tracegate.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tracegate.gateway.CommandEnds;
import dev.tracegate.gateway.TestGateway;
import dev.tracegate.gateway.config.ConnectionConfig;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An HTTP request whose answer is cut off (the target breaks off in the middle of its body) still
 * has its end in the evidence: its {@code command} is closed by a result before the session's end.
 */
class HttpSessionEndEvidenceTest {

    @TempDir
    static Path secrets;
    private static UpstreamService upstream;
    private static TestGateway gateway;

    @BeforeAll
    static void start() throws Exception {
        upstream = new UpstreamService();
        upstream.route("/broken-off", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.getResponseHeaders().add("Content-Type", "text/plain");
            exchange.sendResponseHeaders(200, 0); // chunked
            OutputStream out = exchange.getResponseBody();
            byte[] line = "a line of the target's answer\n".getBytes(StandardCharsets.UTF_8);
            for (int i = 0; i < 10_000; i++) {
                out.write(line);
            }
            out.flush();
            // The target dies before the chunked body's last chunk: its server drops the connection.
            throw new IllegalStateException("the target broke off");
        });
        ConnectionConfig svc = upstream.bearerConnection(secrets, "Upstream-Session-End-Secret-7c2d");
        gateway = TestGateway.start(List.of(svc), "defaults:\n  action: allow\n");
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    @Test
    void aRequestWhoseTargetBreaksOffMidBodyIsClosedByAResultBeforeItsSessionEnds() throws Exception {
        Process curl = new ProcessBuilder("curl", "-sS", "-o", "/dev/null", "-H", "Authorization: Bearer "
                + TestGateway.ADMIN_TOKEN, gateway.httpUrl() + "/svc/broken-off?session-end=1").redirectErrorStream(true)
                .start();
        curl.getInputStream().readAllBytes();
        assertThat(curl.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(curl.exitValue()).as("curl saw the answer cut short").isNotZero();

        JsonNode command = TestGateway.eventsOfType(gateway.gateway().evidence(), "command").stream()
                .filter(event -> event.path("detail").path("text").asText().contains("session-end=1")).findFirst()
                .orElseThrow();
        CommandEnds.unansweredBeforeItsSessionCloses(gateway.gateway().evidence(), command);
    }
}
