package dev.tracegate.gateway.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tracegate.gateway.TestGateway;
import dev.tracegate.gateway.config.McpConfig;
import dev.tracegate.gateway.identity.Identity;
import dev.tracegate.gateway.recording.SessionQueries;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The MCP limits with small values: rows and bytes per result, time per call, calls per
 * identity, and a caller without a kind becoming an agent.
 */
class McpLimitsTest {

    private static TestGateway gateway;

    /**
     * Short enough for the timeout's test to wait it out, long enough that the other calls, a first one among them
     * (catalog look-ups, the JIT), end within it on a loaded machine: a limit of 1 s stopped a ten-row query in CI.
     */
    private static final int CALL_TIMEOUT_SECONDS = 8;

    @BeforeAll
    static void start() {
        gateway = TestGateway.start(TestGateway.LONG_QUERIES_POLICY, new McpConfig(true, 3, 40, CALL_TIMEOUT_SECONDS, 1, 2048));
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    private static McpSyncClient client() {
        McpSyncClient client = McpClient.sync(HttpClientStreamableHttpTransport.builder(
                        "http://127.0.0.1:" + gateway.gateway().apiPort()).endpoint("/mcp")
                .requestBuilder(HttpRequest.newBuilder().header("Authorization", "Bearer " + TestGateway.AGENT_TOKEN))
                .build()).requestTimeout(Duration.ofSeconds(60)).build();
        client.initialize();
        return client;
    }

    @Test
    void resultsAreCappedByRowsAndBytes() {
        try (McpSyncClient client = client()) {
            CallToolResult rows = client.callTool(new CallToolRequest("query", Map.of("connection", "app",
                    "sql", "SELECT g FROM generate_series(1, 10) g")));
            assertThat(rows.structuredContent().toString()).contains("row_count=3").contains("truncated=true");
            CallToolResult bytes = client.callTool(new CallToolRequest("query", Map.of("connection", "app",
                    "sql", "SELECT repeat('x', 30) FROM generate_series(1, 3)")));
            assertThat(bytes.structuredContent().toString()).contains("row_count=1").contains("truncated=true");
        }
    }

    @Test
    void aCallOverItsTimeIsStoppedAndRecordedAsAnError() {
        try (McpSyncClient client = client()) {
            CallToolResult slow = client.callTool(new CallToolRequest("query", Map.of("connection", "app",
                    "sql", "SELECT pg_sleep(60)")));
            assertThat(slow.isError()).isTrue();
            assertThat(slow.content().toString()).contains("mcp.callTimeoutSeconds");
        }
        gateway.gateway().evidence().awaitStored();
        String session = new SessionQueries(gateway.gateway().evidence()).list("apikey:agent", "mcp", 10).getFirst().id();
        List<JsonNode> results = new SessionQueries(gateway.gateway().evidence()).events(session).stream()
                .filter(e -> e.path("type").asText().equals("command.result")).toList();
        assertThat(results).anySatisfy(e -> assertThat(e.path("detail").path("error").path("sqlstate").asText())
                .isEqualTo("57014"));
    }

    @Test
    void callsPerIdentityAreLimited() {
        CallLimits limits = new CallLimits(1);
        Identity agent = new Identity("tracegate", "apikey:agent", "agent", null, List.of(), "agent");
        Identity other = new Identity("tracegate", "apikey:other", "other", null, List.of(), "agent");
        CallLimits.Slot first = limits.acquire(agent);
        assertThat(first).isNotNull();
        assertThat(limits.acquire(agent)).as("a second call of the same identity").isNull();
        assertThat(limits.acquire(other)).as("another identity has its own").isNotNull();
        first.close();
        assertThat(limits.acquire(agent)).isNotNull();
    }

    @Test
    void aCallerWithoutAKindIsAnAgentAndOneWithAKindKeepsIt() {
        Identity kindless = new Identity("https://idp.example.com", "u1", "u1", null, List.of("analysts"), null);
        assertThat(McpAuthorization.asAgent(kindless).kind()).isEqualTo("agent");
        assertThat(McpAuthorization.asAgent(kindless).groups()).containsExactly("analysts");
        Identity human = new Identity("https://idp.example.com", "u2", "u2", null, List.of(), "human");
        assertThat(McpAuthorization.asAgent(human).kind()).isEqualTo("human");
    }
}
