package dev.tracegate.gateway.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracegate.gateway.TestGateway;
import dev.tracegate.gateway.identity.Identity;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The official MCP TypeScript SDK client, from npm, run with Node: the same flow as the Java
 * client (tools, a masked query, a block, a held statement polled through approval, a bad call).
 * {@code scripts/install-mcp-ts-client} installs it under target/; without a reachable npm
 * registry the test is skipped, saying so.
 */
class McpTypeScriptClientTest {

    private static final Identity DBA = new Identity("tracegate", "apikey:dora", "dora", null, List.of("dba"), "human");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path CLIENT_DIR = Path.of("target", "mcp-ts-client").toAbsolutePath();

    private static TestGateway gateway;

    @BeforeAll
    static void start() throws Exception {
        Process install = new ProcessBuilder(Path.of("..", "scripts", "install-mcp-ts-client").toString(),
                CLIENT_DIR.toString()).redirectErrorStream(true).start();
        String output = new String(install.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        boolean finished = install.waitFor(10, TimeUnit.MINUTES);
        Assumptions.assumeTrue(finished && install.exitValue() != 3,
                "skipped: the MCP TypeScript SDK cannot be installed from npm: " + output.strip());
        assertThat(install.exitValue()).as(output).isZero();
        try (InputStream script = McpTypeScriptClientTest.class.getResourceAsStream("/mcp/ts-client.mjs")) {
            Files.write(CLIENT_DIR.resolve("ts-client.mjs"), script.readAllBytes());
        }
        McpJavaClientTest.prepareTables();
        gateway = TestGateway.start(List.of(), McpJavaClientTest.POLICY);
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void theTypeScriptClientListsToolsQueriesMaskedIsBlockedAndCollectsAHeldStatementOnceApproved() throws Exception {
        Process node = new ProcessBuilder("node", "ts-client.mjs",
                "http://127.0.0.1:" + gateway.gateway().apiPort() + "/mcp", TestGateway.AGENT_TOKEN,
                McpJavaClientTest.TRACEPARENT).directory(CLIENT_DIR.toFile()).redirectErrorStream(true).start();
        Map<String, JsonNode> steps = new LinkedHashMap<>();
        StringBuilder transcript = new StringBuilder();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = lines.readLine()) != null; ) {
                transcript.append(line).append('\n');
                if (!line.startsWith("{")) {
                    continue;
                }
                JsonNode step = JSON.readTree(line);
                steps.put(step.path("step").asText(), step.path("value"));
                if (step.path("step").asText().equals("held")) {
                    String id = step.path("value").path("structuredContent").path("approval").asText();
                    gateway.gateway().approvals().approve(id, DBA, "fine for the test", null);
                }
            }
        }
        assertThat(node.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(node.exitValue()).as(transcript.toString()).isZero();
        assertThat(steps).as(transcript.toString()).containsKey("done");

        assertThat(steps.get("tools").toString()).contains("query", "describe_schema", "list_connections",
                "approval_status", "http_request");
        JsonNode masked = steps.get("masked").path("structuredContent");
        assertThat(masked.path("rows")).hasSize(2);
        assertThat(masked.path("rows").get(0).path("email").asText()).matches("[0-9a-f]{12}@[0-9a-f]{8}\\.example");
        assertThat(masked.path("rows").get(0).path("card_number").asText()).isEqualTo("**** **** **** 1111");
        assertThat(transcript.toString()).doesNotContain(McpJavaClientTest.EMAIL);

        assertThat(steps.get("blocked").path("isError").asBoolean()).isTrue();
        assertThat(steps.get("blocked").toString()).contains("no-bulk-writes");

        assertThat(steps.get("held").path("structuredContent").path("status").asText()).isEqualTo("held");
        assertThat(steps.get("approved").path("structuredContent").path("command").asText()).isEqualTo("ALTER TABLE");

        assertThat(steps.get("invalid").path("code").asInt()).isEqualTo(-32602);
    }
}
