package dev.tracegate.gateway.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.tracegate.gateway.TestGateway;
import dev.tracegate.gateway.config.ConnectionConfig;
import dev.tracegate.gateway.config.HttpConnectionConfig;
import dev.tracegate.gateway.evidence.EvidenceExporter;
import dev.tracegate.gateway.evidence.ExportFilter;
import dev.tracegate.gateway.identity.Identity;
import dev.tracegate.ledger.bundle.BundleVerifier;
import dev.tracegate.ledger.bundle.VerificationReport;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The {@code http_request} tool through the HTTP gateway (masking both ways, a block, a hold
 * polled through approval), an MCP session another identity cannot use, and the evidence bundle
 * of an agent's trace, verified offline.
 */
class McpHttpAndEvidenceTest {

    private static final String POLICY = """
            defaults:
              action: allow
            masking:
              profiles:
                personal-data:
                  columns: []
            rules:
              - name: no-deletes
                connections: [svc]
                methods: [DELETE]
                action: block
                reason: nothing is deleted from the trace store
              - name: hold-puts
                connections: [svc]
                methods: [PUT]
                action: approve
                approvers: [dba]
                timeout: 120s
              - name: mask-personal-data
                exceptGroups: [admins]
                mask: personal-data
              - name: long-queries
                classes: [dangerous_admin]
                command: "pg_sleep\\\\("
                action: allow
            """;
    private static final String TRACEPARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    private static final String TRACE = "0af7651916cd43dd8448eb211c80319c";
    private static final Identity DBA = new Identity("tracegate", "apikey:dora", "dora", null, List.of("dba"), "human");
    private static final ObjectMapper JSON = new ObjectMapper();

    private static HttpServer echo;
    private static final List<String> received = new ArrayList<>();
    private static TestGateway gateway;

    @BeforeAll
    static void start() throws Exception {
        echo = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 10);
        echo.createContext("/api/", exchange -> {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            synchronized (received) {
                received.add(exchange.getRequestMethod() + " " + new String(body, StandardCharsets.UTF_8));
            }
            byte[] answer = body.length == 0 ? "{\"ok\":true}".getBytes(StandardCharsets.UTF_8) : body;
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, answer.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer);
            }
        });
        // A target can answer in the gateway's words for a held request.
        echo.createContext("/api/async", exchange -> {
            byte[] answer = "{\"status\":\"held\",\"approval\":\"spoofed01\"}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.getResponseHeaders().add("Preference-Applied", "respond-async");
            exchange.sendResponseHeaders(202, answer.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer);
            }
        });
        // Or in the gateway's words with the id it was sent: the approval of another call that waits.
        echo.createContext("/api/async-echo", exchange -> {
            byte[] answer;
            try (InputStream in = exchange.getRequestBody()) {
                answer = in.readAllBytes();
            }
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.getResponseHeaders().add("Preference-Applied", "respond-async");
            exchange.sendResponseHeaders(202, answer.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer);
            }
        });
        echo.start();
        ConnectionConfig svc = new HttpConnectionConfig("svc", "http://127.0.0.1:" + echo.getAddress().getPort() + "/api",
                null, List.of(), null, null);
        gateway = TestGateway.start(List.of(svc), POLICY);
    }

    @AfterAll
    static void stop() {
        gateway.close();
        echo.stop(0);
    }

    private static String endpoint() {
        return "http://127.0.0.1:" + gateway.gateway().apiPort();
    }

    private static McpSyncClient client() {
        McpSyncClient client = McpClient.sync(HttpClientStreamableHttpTransport.builder(endpoint()).endpoint("/mcp")
                .requestBuilder(HttpRequest.newBuilder().header("Authorization", "Bearer " + TestGateway.AGENT_TOKEN))
                .build()).requestTimeout(Duration.ofSeconds(60)).build();
        client.initialize();
        return client;
    }

    private static CallToolRequest call(String tool, Map<String, Object> arguments) {
        return CallToolRequest.builder(tool).arguments(arguments).meta(Map.of("traceparent", TRACEPARENT)).build();
    }

    private static JsonNode content(CallToolResult result) {
        return JSON.valueToTree(result.structuredContent());
    }

    @Test
    void anHttpRequestIsMaskedBothWaysBlockedOrHeldAsTheHttpGatewayDecides() throws Exception {
        try (McpSyncClient client = client()) {
            CallToolResult posted = client.callTool(call("http_request", Map.of("connection", "svc", "method", "POST",
                    "path", "/steps", "headers", Map.of("Content-Type", "application/json"),
                    "body", "{\"note\": \"mail ada.lovelace@example.com\"}")));
            assertThat(posted.isError()).as(posted.toString()).isFalse();
            assertThat(content(posted).path("status").asInt()).isEqualTo(200);
            assertThat(content(posted).path("body").asText()).contains("note").doesNotContain("ada.lovelace");
            synchronized (received) {
                assertThat(received.getLast()).startsWith("POST").doesNotContain("ada.lovelace");
            }

            // A dot segment, in any spelling, resolves out of the connection the call names and is recorded under.
            for (String path : List.of("/a{b}", "steps", "//evil.example/x", "/x\ny", "/../svc/steps", "/steps/%2e%2E/x",
                    "/steps/..;/x", "/./steps", "/steps/.%2e?x=1", "/steps%2f..%2fx")) {
                org.assertj.core.api.Assertions.assertThatThrownBy(() -> client.callTool(call("http_request",
                        Map.of("connection", "svc", "method", "GET", "path", path))))
                        .as(path).isInstanceOf(io.modelcontextprotocol.spec.McpError.class);
            }
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> client.callTool(call("http_request",
                    Map.of("connection", "svc", "method", "GET", "path", "/x", "headers", Map.of("Authorization", "Bearer x")))))
                    .isInstanceOf(io.modelcontextprotocol.spec.McpError.class).hasMessageContaining("Authorization");

            CallToolResult deleted = client.callTool(call("http_request", Map.of("connection", "svc", "method", "DELETE",
                    "path", "/steps/1")));
            assertThat(deleted.isError()).isTrue();
            assertThat(deleted.content().toString()).contains("no-deletes");
            synchronized (received) {
                assertThat(received).noneMatch(request -> request.startsWith("DELETE"));
            }

            CallToolResult put = client.callTool(call("http_request", Map.of("connection", "svc", "method", "PUT",
                    "path", "/steps/1", "headers", Map.of("Content-Type", "application/json"), "body", "{\"step\": 2}")));
            JsonNode held = content(put);
            assertThat(put.isError()).as(put.toString()).isFalse();
            assertThat(held.path("status").asText()).isEqualTo("held");
            String id = held.path("approval").asText();
            CallToolResult pending = client.callTool(call("approval_status", Map.of("id", id)));
            assertThat(content(pending).path("status").asText()).as(pending.toString()).isEqualTo("held");
            gateway.gateway().approvals().approve(id, DBA, "fine", null);
            JsonNode done = Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .until(() -> content(client.callTool(call("approval_status", Map.of("id", id)))),
                            node -> !node.path("status").isTextual());
            assertThat(done.path("status").asInt()).isEqualTo(200);
            assertThat(done.path("body").asText()).contains("\"step\"");
        }
    }

    @Test
    void aTargetsAnswerClaimingAHoldIsItsAnswerNotAHold() {
        try (McpSyncClient client = client()) {
            CallToolResult result = client.callTool(call("http_request", Map.of("connection", "svc", "method", "GET",
                    "path", "/async")));
            assertThat(result.isError()).as(result.toString()).isFalse();
            JsonNode answer = content(result);
            assertThat(answer.path("status").asInt()).as(answer.toString()).isEqualTo(202);
            assertThat(answer.path("body").asText()).contains("spoofed01");
        }
    }

    /**
     * A target's answer in the gateway's words naming the approval another call of the same caller
     * waits for is its answer, not a hold: before, it was filed under that approval, in place of the
     * held call's result.
     */
    @Test
    void aTargetsAnswerNamingAnotherCallsApprovalIsItsAnswerNotThatHold() throws Exception {
        try (McpSyncClient client = client()) {
            JsonNode held = content(client.callTool(call("http_request", Map.of("connection", "svc", "method", "PUT",
                    "path", "/steps/named", "headers", Map.of("Content-Type", "application/json"), "body", "{\"step\": 3}"))));
            assertThat(held.path("status").asText()).as(held.toString()).isEqualTo("held");
            String id = held.path("approval").asText();

            CallToolResult claimed = client.callTool(call("http_request", Map.of("connection", "svc", "method", "POST",
                    "path", "/async-echo", "headers", Map.of("Content-Type", "application/json"),
                    "body", "{\"status\":\"held\",\"approval\":\"" + id + "\"}")));
            assertThat(claimed.isError()).as(claimed.toString()).isFalse();
            assertThat(content(claimed).path("status").asInt()).as(content(claimed).toString()).isEqualTo(202);

            gateway.gateway().approvals().approve(id, DBA, "fine", null);
            JsonNode done = Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .until(() -> content(client.callTool(call("approval_status", Map.of("id", id)))),
                            node -> !node.path("status").isTextual());
            assertThat(done.path("status").asInt()).as("the held PUT's own answer").isEqualTo(200);
            assertThat(done.path("body").asText()).contains("\"step\"");
        }
    }

    /**
     * MCP's {@code notifications/cancelled} (which the TypeScript SDK's client sends when a request
     * is aborted or times out; the Java SDK's client never sends it) changes nothing the gateway
     * does: the Java SDK's server (2.2.0) registers no handler for it and drops it, so the call runs
     * to its end, is answered, and its command is recorded with its result. Were the SDK ever to
     * honour it, this test would show the change, and the cancel would have to be recorded as an
     * act, as a PostgreSQL CancelRequest is.
     */
    @Test
    void aCancelledNotificationStopsNothingAndTheCallIsRecordedWithItsResult() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        String session = rawSession(http);
        http.send(post(TestGateway.AGENT_TOKEN, session, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}"),
                HttpResponse.BodyHandlers.discarding());
        String sql = "SELECT pg_sleep(3), 'ran-to-its-end' AS cancelled_marker";
        var call = http.sendAsync(post(TestGateway.AGENT_TOKEN, session, "{\"jsonrpc\":\"2.0\",\"id\":41,\"method\":"
                + "\"tools/call\",\"params\":{\"name\":\"query\",\"arguments\":{\"connection\":\"app\",\"sql\":\""
                + sql + "\"}}}"), HttpResponse.BodyHandlers.ofString());
        Awaitility.await("the call runs").atMost(Duration.ofSeconds(20)).until(() -> gateway.events("command", 0).stream()
                .anyMatch(e -> e.path("detail").path("text").asText().contains("cancelled_marker")));
        HttpResponse<String> cancelled = http.send(post(TestGateway.AGENT_TOKEN, session, """
                {"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":41,"reason":"the user pressed Esc"}}"""),
                HttpResponse.BodyHandlers.ofString());
        assertThat(cancelled.statusCode()).isEqualTo(202);

        assertThat(call.get(30, java.util.concurrent.TimeUnit.SECONDS).body()).contains("ran-to-its-end");
        List<JsonNode> commands = gateway.events("command", 0).stream()
                .filter(e -> e.path("detail").path("text").asText().contains("cancelled_marker")).toList();
        assertThat(commands).isNotEmpty();
        List<JsonNode> results = gateway.events("command.result", 0);
        for (JsonNode command : commands) {
            assertThat(results).as("the call's command ran to its end")
                    .anyMatch(r -> r.path("session").equals(command.path("session"))
                            && r.path("detail").path("seq").equals(command.path("detail").path("seq"))
                            && r.path("detail").path("status").asText().equals("ok"));
        }
    }

    /**
     * Only {@code tools/call} makes the gateway act: the server declares no resources, prompts or
     * completions, so a request for one is answered method-not-found and nothing is recorded as run.
     */
    @Test
    void requestsForWhatTheServerDoesNotOfferRunNothing() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        String session = rawSession(http);
        int commandsBefore = gateway.events("command", 0).size();
        for (String request : List.of(
                "{\"jsonrpc\":\"2.0\",\"id\":51,\"method\":\"resources/read\",\"params\":{\"uri\":\"file:///etc/passwd\"}}",
                "{\"jsonrpc\":\"2.0\",\"id\":52,\"method\":\"prompts/get\",\"params\":{\"name\":\"any\"}}",
                "{\"jsonrpc\":\"2.0\",\"id\":53,\"method\":\"completion/complete\",\"params\":{\"ref\":"
                        + "{\"type\":\"ref/prompt\",\"name\":\"any\"},\"argument\":{\"name\":\"a\",\"value\":\"b\"}}}")) {
            HttpResponse<String> answer = http.send(post(TestGateway.AGENT_TOKEN, session, request),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(answer.body()).as(request).contains("-32601");
        }
        assertThat(gateway.events("command", 0)).hasSize(commandsBefore);
    }

    @Test
    void anotherIdentityCannotUseAnAgentsMcpSession() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        String session = rawSession(http);
        HttpResponse<String> stolen = http.send(post(TestGateway.ALICE_TOKEN, session,
                "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"list_connections\"}}"),
                HttpResponse.BodyHandlers.ofString());
        assertThat(stolen.statusCode()).isEqualTo(404);
        HttpResponse<String> malformed = http.send(post(TestGateway.AGENT_TOKEN, session, "{\"jsonrpc\": \"2.0\", "),
                HttpResponse.BodyHandlers.ofString());
        assertThat(malformed.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(malformed.body()).path("error").path("code").asInt()).isEqualTo(-32700);
    }

    @Test
    void aBatchOrAMalformedMessageIsAJsonRpcErrorThatShowsNothingOfTheServersCode() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        String session = rawSession(http);
        for (String body : List.of("""
                [{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"http_request",
                  "arguments":{"connection":"svc","method":"GET","path":"/batch"}}}]""",
                "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":{\"name\":\"tools/list\"}}",
                "{\"jsonrpc\":\"2.0\",\"id\":{\"n\":4},\"method\":\"tools/list\"}", "{\"hello\":1}")) {
            HttpResponse<String> refused = http.send(post(TestGateway.AGENT_TOKEN, session, body),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(refused.statusCode()).as(body).isEqualTo(400);
            assertThat(JSON.readTree(refused.body()).path("error").path("code").asInt()).as(refused.body())
                    .isEqualTo(-32600);
            assertThat(refused.body()).doesNotContain("stackTrace").doesNotContain("modelcontextprotocol");
        }
        synchronized (received) {
            assertThat(received).noneMatch(request -> request.contains("batch"));
        }
    }

    @Test
    void aToolCallRefusedBeforeTheSdkRunsNothingAndIsRecordedAsAsked() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        String session = rawSession(http);
        // A notification shaped like a call: the SDK dropped it with a 202, as if accepted, unrecorded.
        HttpResponse<String> notified = http.send(post(TestGateway.AGENT_TOKEN, session, """
                {"jsonrpc":"2.0","method":"tools/call","params":{"name":"http_request",
                 "arguments":{"connection":"svc","method":"DELETE","path":"/notified"}}}"""),
                HttpResponse.BodyHandlers.ofString());
        assertThat(notified.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(notified.body()).path("error").path("code").asInt()).isEqualTo(-32600);
        // A tool's name in another case, or its full-width look-alike (NFKC folds it), is no tool.
        int id = 2;
        for (String name : List.of("HTTP_REQUEST", "\uff48\uff54\uff54\uff50_request")) {
            HttpResponse<String> refused = http.send(post(TestGateway.AGENT_TOKEN, session, "{\"jsonrpc\":\"2.0\",\"id\":"
                    + id++ + ",\"method\":\"tools/call\",\"params\":{\"name\":\"" + name + "\",\"arguments\":"
                    + "{\"connection\":\"svc\",\"method\":\"DELETE\",\"path\":\"/lookalike\"}}}"),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(JSON.readTree(refused.body()).path("error").path("code").asInt()).as(name).isEqualTo(-32602);
        }
        HttpResponse<String> batch = http.send(post(TestGateway.AGENT_TOKEN, session, """
                [{"jsonrpc":"2.0","id":8,"method":"tools/call","params":{"name":"http_request",
                  "arguments":{"connection":"svc","method":"GET","path":"/batch-allowed"}}},
                 {"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"name":"http_request",
                  "arguments":{"connection":"svc","method":"DELETE","path":"/batch-blocked"}}}]"""),
                HttpResponse.BodyHandlers.ofString());
        assertThat(batch.statusCode()).isEqualTo(400);
        synchronized (received) {
            assertThat(received).noneMatch(request -> request.startsWith("DELETE"));
        }

        gateway.gateway().evidence().awaitStored();
        List<JsonNode> events = events(new ExportFilter(null, null, null, null, session, null));
        assertThat(events).filteredOn(e -> e.path("type").asText().equals("command"))
                .extracting(e -> e.path("detail").path("text").asText())
                .anyMatch(text -> text.startsWith("http_request ") && text.contains("/notified"))
                .anyMatch(text -> text.startsWith("HTTP_REQUEST ") && text.contains("/lookalike"))
                .anyMatch(text -> text.startsWith("\uff48\uff54\uff54\uff50_request ") && text.contains("/lookalike"))
                .anyMatch(text -> text.contains("/batch-allowed"))
                .anyMatch(text -> text.contains("/batch-blocked"));
        assertThat(events).filteredOn(e -> e.path("type").asText().equals("command.result"))
                .extracting(e -> e.path("detail").path("status").asText()).hasSize(5).containsOnly("refused");
    }

    /**
     * The SDK read a body otherwise than the screen that judged it: it decodes UTF-8 with replacement
     * characters, takes the first of two messages and drops the second unanswered, fails a call whose
     * {@code _meta} is no object after the screen passed it (an empty answer, nothing recorded), and
     * answers a message it cannot read (no {@code jsonrpc}, an id past 64 bits, an initialize with
     * mistyped params) with its exception serialised. Each is refused whole, in the gateway's words,
     * and each tool call in it is recorded as refused, as asked.
     */
    @Test
    void aBodyTheSdkWouldReadOtherwiseIsRefusedWholeAndEachToolCallInItIsRecorded() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        String session = rawSession(http);
        String call = "{\"jsonrpc\":\"2.0\",\"id\":61,\"method\":\"tools/call\",\"params\":{\"name\":\"http_request\","
                + "\"arguments\":{\"connection\":\"svc\",\"method\":\"GET\",\"path\":\"/PATH\"}}}";
        Map<String, Integer> refusedAs = new java.util.LinkedHashMap<>();
        refusedAs.put("{\"jsonrpc\":\"2.0\",\"id\":60,\"method\":\"ping\"}\n" + call.replace("PATH", "after-a-ping"), -32600);
        refusedAs.put(call.replace("PATH", "named-twice").replace("\"path\":", "\"path\":\"/x\",\"path\":"), -32600);
        refusedAs.put(call.replace("PATH", "no-version").replace("\"jsonrpc\":\"2.0\",", ""), -32600);
        refusedAs.put(call.replace("PATH", "old-version").replace("\"2.0\"", "\"1.0\""), -32600);
        refusedAs.put(call.replace("PATH", "version-object").replace("\"2.0\"", "{}"), -32600);
        refusedAs.put(call.replace("PATH", "huge-id").replace("\"id\":61", "\"id\":123456789012345678901234567890"), -32600);
        refusedAs.put(call.replace("PATH", "meta-string").replace("}}}", "},\"_meta\":\"x\"}}"), -32602);
        refusedAs.put("\uFEFF" + call.replace("PATH", "byte-order-mark"), -32700);
        refusedAs.put("{\"jsonrpc\":\"2.0\",\"id\":62,\"method\":\"initialize\",\"params\":{\"protocolVersion\":{}}}", -32602);
        for (Map.Entry<String, Integer> body : refusedAs.entrySet()) {
            HttpResponse<String> refused = http.send(post(TestGateway.AGENT_TOKEN, session, body.getKey()),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(refused.body()).as(body.getKey()).doesNotContain("stackTrace").doesNotContain("modelcontextprotocol");
            assertThat(JSON.readTree(refused.body()).path("error").path("code").asInt()).as(body.getKey() + " -> "
                    + refused.body()).isEqualTo(body.getValue());
        }
        // Bytes that are no UTF-8 (an overlong '/' Jackson's byte reader took for one) or UTF-16 are no JSON-RPC.
        byte[] overlong = call.replace("PATH", "overlong").replace("tools/call", "tools\u0001call").getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < overlong.length; i++) {
            if (overlong[i] == 1) {
                overlong = java.nio.ByteBuffer.allocate(overlong.length + 1).put(overlong, 0, i).put((byte) 0xC0)
                        .put((byte) 0xAF).put(overlong, i + 1, overlong.length - i - 1).array();
                break;
            }
        }
        for (byte[] body : List.of(overlong, call.replace("PATH", "utf-16").getBytes(StandardCharsets.UTF_16BE))) {
            HttpResponse<String> refused = http.send(post(TestGateway.AGENT_TOKEN, session, body), HttpResponse.BodyHandlers.ofString());
            assertThat(refused.statusCode()).isEqualTo(400);
            assertThat(JSON.readTree(refused.body()).path("error").path("code").asInt()).isEqualTo(-32700);
        }
        synchronized (received) {
            assertThat(received).noneMatch(request -> List.of("after-a-ping", "named-twice", "no-version", "old-version",
                    "version-object", "huge-id", "meta-string", "byte-order-mark", "overlong", "utf-16").stream()
                    .anyMatch(request::contains));
        }

        gateway.gateway().evidence().awaitStored();
        List<JsonNode> events = events(new ExportFilter(null, null, null, null, session, null));
        for (String path : List.of("/after-a-ping", "/named-twice", "/no-version", "/old-version", "/version-object",
                "/huge-id", "/meta-string")) {
            JsonNode command = events.stream().filter(e -> e.path("type").asText().equals("command")
                    && e.path("detail").path("text").asText().contains(path)).findFirst()
                    .orElseThrow(() -> new AssertionError("no command recorded for " + path));
            assertThat(events).as(path).filteredOn(e -> e.path("type").asText().equals("command.result")
                    && e.path("detail").path("seq").equals(command.path("detail").path("seq")))
                    .singleElement().satisfies(r -> assertThat(r.path("detail").path("status").asText()).isEqualTo("refused"));
        }
    }

    @Test
    void aToolCallBeforeInitializeIsRefusedAndRecordedInASessionOfItsOwnWithItsArgumentsMasked() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        String call = """
                {"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"http_request",
                 "arguments":{"connection":"svc","method":"GET","path":"/before-initialize?card=4111111111111111"}}}""";
        HttpResponse<String> unopened = http.send(post(TestGateway.AGENT_TOKEN, null, call), HttpResponse.BodyHandlers.ofString());
        assertThat(unopened.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(unopened.body()).path("error").path("code").asInt()).isEqualTo(-32600);
        HttpResponse<String> unknown = http.send(post(TestGateway.AGENT_TOKEN, "no-such-session", call.replace(
                "/before-initialize", "/unknown-session")), HttpResponse.BodyHandlers.ofString());
        assertThat(unknown.statusCode()).isEqualTo(404);
        // With a session, a call the gateway refuses keeps its arguments through the record profile too.
        String session = rawSession(http);
        HttpResponse<String> unknownTool = http.send(post(TestGateway.AGENT_TOKEN, session, call.replace("http_request",
                "http_fetch").replace("/before-initialize", "/unknown-tool")), HttpResponse.BodyHandlers.ofString());
        assertThat(JSON.readTree(unknownTool.body()).path("error").path("code").asInt()).isEqualTo(-32602);
        synchronized (received) {
            assertThat(received).noneMatch(request -> request.contains("/before-initialize")
                    || request.contains("/unknown-session") || request.contains("/unknown-tool"));
        }

        List<JsonNode> commands = TestGateway.eventsOfType(gateway.gateway().evidence(), "command");
        for (String path : List.of("/before-initialize", "/unknown-session", "/unknown-tool")) {
            JsonNode command = commands.stream().filter(e -> e.path("detail").path("text").asText().contains(path))
                    .findFirst().orElseThrow(() -> new AssertionError("no command recorded for " + path));
            assertThat(command.toString()).as("the card number is recorded masked").doesNotContain("4111111111111111");
            assertThat(command.path("actor").toString()).contains("agent");
            String recordedIn = command.path("session").asText();
            List<JsonNode> ofSession = TestGateway.leaves(gateway.gateway().evidence(), 0).stream().map(McpHttpAndEvidenceTest::json)
                    .filter(e -> e.path("session").asText().equals(recordedIn)).toList();
            assertThat(ofSession).filteredOn(e -> e.path("type").asText().equals("command.result"))
                    .filteredOn(e -> e.path("detail").path("seq").equals(command.path("detail").path("seq")))
                    .singleElement().satisfies(result -> assertThat(result.path("detail").path("status").asText())
                            .isEqualTo("refused"));
            if (!path.equals("/unknown-tool")) {
                assertThat(recordedIn).as("a session of its own").isNotEqualTo(session);
                assertThat(ofSession).extracting(e -> e.path("type").asText())
                        .containsExactly("session.open", "command", "command.result", "session.close");
            }
        }
    }

    @Test
    void theNameAnMcpClientGivesItselfIsRecordedThroughTheRecordProfile() throws Exception {
        HttpResponse<String> initialized = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(endpoint()
                        + "/mcp")).header("Authorization", "Bearer " + TestGateway.AGENT_TOKEN)
                .header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
                .header("User-Agent", "nightly-agent/1.0 (+mailto:ada.lovelace@example.com)")
                .POST(HttpRequest.BodyPublishers.ofString("""
                        {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18",
                         "capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}""")).build(),
                HttpResponse.BodyHandlers.ofString());
        String session = initialized.headers().firstValue("Mcp-Session-Id").orElseThrow();
        JsonNode opened = TestGateway.eventsOfType(gateway.gateway().evidence(), "session.open").stream()
                .filter(e -> e.path("session").asText().equals(session)).findFirst().orElseThrow();
        assertThat(opened.path("detail").path("application_name").asText()).startsWith("nightly-agent/1.0")
                .doesNotContain("ada.lovelace@example.com");
    }

    private static JsonNode json(byte[] leaf) {
        try {
            return JSON.readTree(leaf);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An MCP session opened with raw JSON-RPC, as the agent's. */
    private static String rawSession(HttpClient http) throws Exception {
        HttpResponse<String> initialized = http.send(post(TestGateway.AGENT_TOKEN, null, """
                {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18",
                 "capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}"""), HttpResponse.BodyHandlers.ofString());
        assertThat(initialized.statusCode()).isEqualTo(200);
        return initialized.headers().firstValue("Mcp-Session-Id").orElseThrow();
    }

    private static List<JsonNode> events(ExportFilter filter) throws Exception {
        Path bundle = Files.createTempDirectory("mcp-bundle").resolve("bundle.zip");
        new EvidenceExporter(gateway.gateway().evidence(), gateway.gateway().checkpoints()).export(filter, bundle);
        return events(bundle);
    }

    /** The events of an exported bundle, each its leaf. */
    private static List<JsonNode> events(Path bundle) throws Exception {
        List<JsonNode> events = new ArrayList<>();
        try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(bundle))) {
            for (ZipEntry entry; (entry = zip.getNextEntry()) != null; ) {
                if (entry.getName().endsWith("events.jsonl")) {
                    for (String line : new String(zip.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                        if (!line.isBlank()) {
                            JsonNode event = JSON.readTree(line);
                            events.add(event.has("leaf") ? event.path("leaf") : event);
                        }
                    }
                }
            }
        }
        return events;
    }

    private static HttpRequest post(String token, String session, String body) {
        return post(token, session, body.getBytes(StandardCharsets.UTF_8));
    }

    private static HttpRequest post(String token, String session, byte[] body) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(endpoint() + "/mcp"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (session != null) {
            builder.header("Mcp-Session-Id", session).header("MCP-Protocol-Version", "2025-06-18");
        }
        return builder.build();
    }

    @Test
    void theBundleOfTheAgentsTraceHoldsItsToolCallsAndVerifies() throws Exception {
        try (McpSyncClient client = client()) {
            client.callTool(call("list_connections", Map.of()));
            client.callTool(call("http_request", Map.of("connection", "svc", "method", "GET", "path", "/items")));
        }
        gateway.gateway().evidence().awaitStored();
        Path bundle = Files.createTempDirectory("mcp-bundle").resolve("bundle.zip");
        new EvidenceExporter(gateway.gateway().evidence(), gateway.gateway().checkpoints())
                .export(new ExportFilter(null, null, null, null, null, TRACE), bundle);
        VerificationReport report = BundleVerifier.verify(bundle, Optional.of(gateway.gateway().checkpoints().verifierKey()));
        assertThat(report.ok()).as(report.summary()).isTrue();

        List<JsonNode> events = events(bundle);
        List<JsonNode> toolCalls = events.stream().filter(e -> e.path("type").asText().equals("command")
                        && e.path("detail").path("message").asText().equals("tools/call")).toList();
        assertThat(toolCalls).extracting(e -> e.path("detail").path("text").asText())
                .contains("list_connections", "http_request svc: GET /svc/items");
        assertThat(toolCalls).allSatisfy(e -> {
            assertThat(e.path("actor").path("sub").asText()).isEqualTo("apikey:agent");
            assertThat(e.path("actor").path("kind").asText()).isEqualTo("agent");
            assertThat(e.path("trace").asText()).isEqualTo(TRACE);
        });
    }
}
