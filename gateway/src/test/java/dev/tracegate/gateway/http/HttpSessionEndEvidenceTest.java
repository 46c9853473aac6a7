package dev.tracegate.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tracegate.gateway.CommandEnds;
import dev.tracegate.gateway.TestGateway;
import dev.tracegate.gateway.config.ConnectionConfig;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An HTTP request whose answer is cut off (the target breaks off in the middle of its body, or the
 * client goes away while the target is still answering) still has its end in the evidence: its
 * {@code command} is closed by one result before the session's end, and the gateway serves on.
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
        upstream.route("/slow-answer", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.getResponseHeaders().add("Content-Type", "text/plain");
            exchange.sendResponseHeaders(200, 0); // chunked
            OutputStream out = exchange.getResponseBody();
            out.write("the first line of a slow answer\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
            try {
                Thread.sleep(4_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            out.write("the rest, after the client has gone\n".getBytes(StandardCharsets.UTF_8));
            out.close();
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

    @Test
    void aRequestWhoseClientLeavesWhileTheTargetAnswersHasOneEndBeforeItsSessionEnds() throws Exception {
        Process curl = new ProcessBuilder("curl", "-sS", "--max-time", "1", "-o", "/dev/null", "-H",
                "Authorization: Bearer " + TestGateway.ADMIN_TOKEN, gateway.httpUrl() + "/svc/slow-answer?client-leaves=1")
                .redirectErrorStream(true).start();
        curl.getInputStream().readAllBytes();
        assertThat(curl.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(curl.exitValue()).as("curl gave up (28: operation timed out)").isEqualTo(28);

        JsonNode command = TestGateway.eventsOfType(gateway.gateway().evidence(), "command").stream()
                .filter(event -> event.path("detail").path("text").asText().contains("client-leaves=1")).findFirst()
                .orElseThrow();
        String session = command.path("session").asText();
        Awaitility.await().atMost(Duration.ofSeconds(60))
                .until(() -> !CommandEnds.ofSession(gateway.gateway().evidence(), "session.close", session).isEmpty());
        List<JsonNode> results = CommandEnds.ofSession(gateway.gateway().evidence(), "command.result", session).stream()
                .filter(result -> result.path("detail").path("seq").equals(command.path("detail").path("seq"))).toList();
        assertThat(results).as("one command.result closes the request the client left").hasSize(1);
        assertThat(results.getFirst().path("index").asLong()).as("before the session's end").isLessThan(
                CommandEnds.ofSession(gateway.gateway().evidence(), "session.close", session).getFirst().path("index").asLong());

        Process next = new ProcessBuilder("curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "-H",
                "Authorization: Bearer " + TestGateway.ADMIN_TOKEN, gateway.httpUrl() + "/svc/slow-answer?after=1").start();
        assertThat(new String(next.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).as("the gateway serves on")
                .isEqualTo("200");
    }
}
