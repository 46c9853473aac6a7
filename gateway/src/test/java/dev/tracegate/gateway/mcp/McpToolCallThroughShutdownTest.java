package dev.tracegate.gateway.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.tracegate.gateway.CommandEnds;
import dev.tracegate.gateway.TestGateway;
import dev.tracegate.gateway.config.ConnectionConfig;
import dev.tracegate.gateway.config.HttpConnectionConfig;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * An MCP tool call still running when the gateway stops (an HTTP target that answers slowly): the
 * gateway breaks the call off while its MCP endpoint still answers, so the agent reads a tool error
 * saying why at once (before, its connection was cut with no answer), and the evidence ends the
 * call with one result before its session's end, readable on the gateway that starts again on the
 * same data. The agent is curl: the official Java SDK client (2.2.0) leaves this answer unread on
 * its socket until its own request timeout (docs/mcp.md).
 */
class McpToolCallThroughShutdownTest {

    @Test
    void aToolCallRunningWhenTheGatewayStopsIsBrokenOffAnsweredAndRecordedBeforeItsSessionEnds() throws Exception {
        CountDownLatch reached = new CountDownLatch(1);
        HttpServer slow = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 10);
        slow.createContext("/api/slow", exchange -> {
            reached.countDown();
            try {
                Thread.sleep(20_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            byte[] answer = "{\"late\":true}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, answer.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer);
            }
        });
        slow.setExecutor(Executors.newCachedThreadPool());
        slow.start();
        ConnectionConfig svc = new HttpConnectionConfig("svc", "http://127.0.0.1:" + slow.getAddress().getPort() + "/api",
                null, List.of(), null, null);
        TestGateway gateway = TestGateway.start(List.of(svc), "defaults:\n  action: allow\n");
        try {
            String endpoint = "http://127.0.0.1:" + gateway.gateway().apiPort() + "/mcp";
            String headers = curl(endpoint, null, """
                    {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18",
                     "capabilities":{},"clientInfo":{"name":"agent","version":"1"}}}""", "-D", "-").output();
            String mcpSession = headers.lines().filter(l -> l.toLowerCase().startsWith("mcp-session-id:"))
                    .map(l -> l.substring(l.indexOf(':') + 1).strip()).findFirst().orElseThrow();
            curl(endpoint, mcpSession, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
            CompletableFuture<Curl> call = CompletableFuture.supplyAsync(() -> curl(endpoint, mcpSession, """
                    {"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"http_request","arguments":
                     {"connection":"svc","method":"GET","path":"/slow?through=shutdown"}}}"""));
            assertThat(reached.await(30, TimeUnit.SECONDS)).as("the call reached the target").isTrue();

            long stopping = System.nanoTime();
            gateway = gateway.restarted();
            Curl told = call.get(60, TimeUnit.SECONDS);
            assertThat(Duration.ofNanos(System.nanoTime() - stopping)).as("the agent is told at the stop, not after its"
                    + " own timeout or the target's 20 s answer").isLessThan(Duration.ofSeconds(15));
            assertThat(told.exit()).as("the answer was complete: " + told.output()).isZero();
            assertThat(told.output()).as("a tool error that says why").contains("\"isError\":true")
                    .contains("shutting down").contains("it may have run");

            TestGateway restarted = gateway;
            JsonNode command = Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> TestGateway
                    .eventsOfType(restarted.gateway().evidence(), "command").stream()
                    .filter(e -> e.path("detail").path("text").asText().contains("through=shutdown")).findFirst()
                    .orElse(null), e -> e != null);
            String session = command.path("session").asText();
            List<JsonNode> results = CommandEnds.ofSession(restarted.gateway().evidence(), "command.result", session).stream()
                    .filter(r -> r.path("detail").path("seq").equals(command.path("detail").path("seq"))).toList();
            assertThat(results).as("one end for the call").hasSize(1);
            assertThat(results.getFirst().path("detail").path("status").asText()).isEqualTo("error");
            assertThat(results.getFirst().toString()).contains("57P01").contains("broken off");
            assertThat(results.getFirst().path("index").asLong()).as("before its session's end").isLessThan(CommandEnds
                    .ofSession(restarted.gateway().evidence(), "session.close", session).getFirst().path("index").asLong());
        } finally {
            gateway.close();
            slow.stop(0);
        }
    }

    /** What curl, the agent's HTTP client here, read and how it ended. */
    private record Curl(int exit, String output) {
    }

    /** One JSON-RPC message posted by curl as the agent; an SSE answer is read until the gateway ends it. */
    private static Curl curl(String endpoint, String mcpSession, String body, String... options) {
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "-N", "--max-time", "60",
                "-H", "Authorization: Bearer " + TestGateway.AGENT_TOKEN, "-H", "Content-Type: application/json",
                "-H", "Accept: application/json, text/event-stream", "--data-binary", body));
        if (mcpSession != null) {
            command.addAll(List.of("-H", "Mcp-Session-Id: " + mcpSession, "-H", "MCP-Protocol-Version: 2025-06-18"));
        }
        command.addAll(List.of(options));
        command.add(endpoint);
        try {
            Process curl = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return new Curl(curl.waitFor(), output);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
