package dev.tracegate.gateway.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracegate.gateway.TestGateway;
import dev.tracegate.gateway.TestTarget;
import dev.tracegate.gateway.approval.ConsoleBrowser;
import dev.tracegate.gateway.approval.GatewayApi;
import dev.tracegate.gateway.identity.Identity;
import dev.tracegate.gateway.recording.SessionQueries;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The official Java SDK client against {@code /mcp}: tools listed, a masked query, a blocked
 * statement, a held one polled through approval, bad calls refused as JSON-RPC errors, and the
 * evidence of it all under the agent's identity and trace. The SQL runs through the gateway's
 * PostgreSQL listener, so what psql would get is what the agent gets.
 */
class McpJavaClientTest {

    static final String POLICY = """
            defaults:
              action: allow
              highRisk: block
            masking:
              profiles:
                personal-data:
                  columns:
                    - {match: mcp_people.email, entity: email, strategy: "hash:format"}
                    - {match: mcp_people.card_number, entity: card, strategy: "partial:4"}
            rules:
              - name: hold-ddl
                minClass: ddl
                action: approve
                approvers: [dba]
                timeout: 120s
                reason: schema changes need a DBA
              - name: no-bulk-writes
                classes: [bulk_write]
                action: block
                reason: UPDATE or DELETE without WHERE is not allowed
              - name: mask-personal-data
                connections: [app]
                exceptGroups: [admins]
                mask: personal-data
            """;
    static final String EMAIL = "ada.lovelace@example.com";
    static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    private static final Identity DBA = new Identity("tracegate", "apikey:dora", "dora", null, List.of("dba"), "human");
    private static final ObjectMapper JSON = new ObjectMapper();

    private static TestGateway gateway;

    @BeforeAll
    static void start() throws SQLException {
        prepareTables();
        gateway = TestGateway.start(List.of(), POLICY);
    }

    static void prepareTables() throws SQLException {
        try (Connection direct = TestTarget.direct(); Statement sql = direct.createStatement()) {
            sql.execute("DROP TABLE IF EXISTS mcp_people");
            sql.execute("CREATE TABLE mcp_people (id int PRIMARY KEY, email text, card_number text)");
            for (int i = 1; i <= 5; i++) {
                sql.execute("INSERT INTO mcp_people VALUES (" + i + ", '" + EMAIL + "', '4111 1111 1111 1111')");
            }
            sql.execute("DROP TABLE IF EXISTS mcp_held");
            sql.execute("CREATE TABLE mcp_held (id int)");
            sql.execute("GRANT ALL ON mcp_people, mcp_held TO PUBLIC");
            // Code of the database can say anything in a notice, the gateway's own words included.
            sql.execute("CREATE OR REPLACE FUNCTION mcp_notice(message text) RETURNS int LANGUAGE plpgsql AS"
                    + " $$BEGIN RAISE NOTICE '%', message; PERFORM count(*) FROM generate_series(1, 3000000); RETURN 1; END$$");
        }
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    static String endpoint() {
        return "http://127.0.0.1:" + gateway.gateway().apiPort();
    }

    private static McpSyncClient client(String token) {
        HttpClientStreamableHttpTransport transport = HttpClientStreamableHttpTransport.builder(endpoint())
                .endpoint("/mcp")
                .requestBuilder(HttpRequest.newBuilder().header("Authorization", "Bearer " + token)
                        .header("traceparent", TRACEPARENT))
                .build();
        McpSyncClient client = McpClient.sync(transport).requestTimeout(Duration.ofSeconds(60)).build();
        client.initialize();
        return client;
    }

    private static JsonNode content(CallToolResult result) {
        return JSON.valueToTree(result.structuredContent());
    }

    @Test
    void withoutATokenTheAnswerIs401PointingToTheProtectedResourceMetadata() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> refused = http.send(HttpRequest.newBuilder(URI.create(endpoint() + "/mcp"))
                .header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(refused.statusCode()).isEqualTo(401);
        String challenge = refused.headers().firstValue("WWW-Authenticate").orElseThrow();
        assertThat(challenge).startsWith("Bearer ").contains("resource_metadata=\"" + endpoint()
                + "/.well-known/oauth-protected-resource/mcp\"");
        HttpResponse<String> wrong = http.send(HttpRequest.newBuilder(URI.create(endpoint() + "/mcp"))
                .header("Authorization", "Bearer not-a-token").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.headers().firstValue("WWW-Authenticate").orElseThrow()).contains("invalid_token");

        HttpResponse<String> metadata = http.send(HttpRequest.newBuilder(URI.create(endpoint()
                + "/.well-known/oauth-protected-resource/mcp")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(metadata.statusCode()).isEqualTo(200);
        JsonNode document = JSON.readTree(metadata.body());
        assertThat(document.path("resource").asText()).isEqualTo(endpoint() + "/mcp");
        assertThat(document.path("bearer_methods_supported").toString()).contains("header");
    }

    @Test
    void theToolsAreListedWithSchemasAndAQueryIsMaskedForTheAgent() {
        try (McpSyncClient client = client(TestGateway.AGENT_TOKEN)) {
            List<McpSchema.Tool> tools = client.listTools().tools();
            assertThat(tools).extracting(McpSchema.Tool::name).containsExactlyInAnyOrder("list_connections",
                    "describe_schema", "query", "approval_status", "http_request");
            assertThat(tools).allSatisfy(tool -> {
                assertThat(tool.description()).hasSizeGreaterThan(40);
                assertThat(tool.inputSchema()).containsEntry("type", "object");
            });

            CallToolResult result = client.callTool(new CallToolRequest("query", Map.of("connection", "app",
                    "sql", "SELECT id, email, card_number FROM mcp_people WHERE id <= $1 ORDER BY id",
                    "params", List.of(3))));
            assertThat(result.isError()).isFalse();
            JsonNode rows = content(result).path("rows");
            assertThat(rows).hasSize(3);
            assertThat(rows.get(0).path("id").asInt()).isEqualTo(1);
            assertThat(rows.get(0).path("email").asText()).matches("[0-9a-f]{12}@[0-9a-f]{8}\\.example");
            assertThat(rows.get(0).path("card_number").asText()).isEqualTo("**** **** **** 1111");
            assertThat(result.content().toString()).doesNotContain(EMAIL).doesNotContain("4111 1111");

            CallToolResult capped = client.callTool(new CallToolRequest("query", Map.of("connection", "app",
                    "sql", "SELECT id FROM mcp_people ORDER BY id", "max_rows", 2)));
            assertThat(content(capped).path("rows")).hasSize(2);
            assertThat(content(capped).path("truncated").asBoolean()).isTrue();

            JsonNode schema = content(client.callTool(new CallToolRequest("describe_schema",
                    Map.of("connection", "app", "table", "mcp_people"))));
            JsonNode columns = schema.path("tables").get(0).path("columns");
            assertThat(columns.toString()).contains("\"name\":\"email\"");
            for (JsonNode column : columns) {
                boolean protectedColumn = List.of("email", "card_number").contains(column.path("name").asText());
                assertThat(column.has("masked")).as(column.toString()).isEqualTo(protectedColumn);
            }
            assertThat(schema.path("masking_profile").asText()).isEqualTo("personal-data");

            JsonNode connections = content(client.callTool(new CallToolRequest("list_connections", Map.of())));
            assertThat(connections.path("connections").toString()).contains("\"name\":\"app\"")
                    .contains("personal-data");
        }
    }

    @Test
    void describeSchemaKeepsWorkingWhereCodeQuotesAProtectedValue() throws SQLException {
        // A view that quotes an e-mail withholds the catalog's code text from masked callers (docs/masking.md);
        // the tool reads names and types, not code, so the agent can still describe its tables.
        try (Connection direct = TestTarget.direct(); Statement sql = direct.createStatement()) {
            sql.execute("CREATE OR REPLACE VIEW mcp_vip AS SELECT id FROM mcp_people WHERE email = '" + EMAIL + "'");
        }
        try (McpSyncClient client = client(TestGateway.AGENT_TOKEN)) {
            CallToolResult code = client.callTool(new CallToolRequest("query", Map.of("connection", "app",
                    "sql", "SELECT pg_get_viewdef('mcp_vip')")));
            assertThat(code.isError()).as("the view's text is withheld").isTrue();
            assertThat(code.content().toString()).doesNotContain(EMAIL);

            CallToolResult described = client.callTool(new CallToolRequest("describe_schema",
                    Map.of("connection", "app", "table", "mcp_people")));
            assertThat(described.isError()).as(described.content().toString()).isFalse();
            JsonNode columns = content(described).path("tables").get(0).path("columns");
            assertThat(columns).extracting(column -> column.path("name").asText())
                    .containsExactly("id", "email", "card_number");
            assertThat(columns.get(1).path("type").asText()).isEqualTo("text");
            assertThat(described.content().toString()).doesNotContain(EMAIL);
        } finally {
            try (Connection direct = TestTarget.direct(); Statement sql = direct.createStatement()) {
                sql.execute("DROP VIEW IF EXISTS mcp_vip");
            }
        }
    }

    @Test
    void aBlockedStatementIsAToolErrorWithThePolicysReasonAndDoesNotRun() throws SQLException {
        try (McpSyncClient client = client(TestGateway.AGENT_TOKEN)) {
            CallToolResult result = client.callTool(new CallToolRequest("query", Map.of("connection", "app",
                    "sql", "DELETE FROM mcp_people")));
            assertThat(result.isError()).isTrue();
            assertThat(result.content().toString()).contains("no-bulk-writes").contains("without WHERE");
        }
        try (Connection direct = TestTarget.direct(); ResultSet rs = direct.createStatement()
                .executeQuery("SELECT count(*) FROM mcp_people")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(5);
        }
    }

    @Test
    void aHeldStatementAnswersAtOnceAndApprovalStatusReturnsItsResultOnceApproved() throws Exception {
        try (McpSyncClient client = client(TestGateway.AGENT_TOKEN)) {
            CallToolResult held = client.callTool(new CallToolRequest("query", Map.of("connection", "app",
                    "sql", "ALTER TABLE mcp_held ADD COLUMN IF NOT EXISTS note text")));
            assertThat(held.isError()).isFalse();
            JsonNode answer = content(held);
            assertThat(answer.path("status").asText()).isEqualTo("held");
            String id = answer.path("approval").asText();
            assertThat(gateway.gateway().approvals().find(id)).isPresent();

            JsonNode pending = content(client.callTool(new CallToolRequest("approval_status", Map.of("id", id))));
            assertThat(pending.path("status").asText()).isEqualTo("held");

            gateway.gateway().approvals().approve(id, DBA, "planned", null);
            JsonNode done = Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .until(() -> content(client.callTool(new CallToolRequest("approval_status", Map.of("id", id)))),
                            node -> !node.path("status").asText().equals("held"));
            assertThat(done.path("command").asText()).isEqualTo("ALTER TABLE");

            CallToolResult again = client.callTool(new CallToolRequest("approval_status", Map.of("id", id)));
            assertThat(again.isError()).as("a result is collected once").isTrue();
        }
        try (Connection direct = TestTarget.direct(); ResultSet rs = direct.createStatement().executeQuery(
                "SELECT count(*) FROM information_schema.columns WHERE table_name = 'mcp_held' AND column_name = 'note'")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(1);
        }
    }

    @Test
    void aHeldCallApprovedAfterTheAgentsKeyWasRevokedDoesNotRun() throws Exception {
        GatewayApi api = new GatewayApi(gateway);
        JsonNode agent = api.serviceAccount("mcp-agent-leaving", "analysts", "agent");
        String id;
        try (McpSyncClient client = client(agent.path("secret").asText())) {
            JsonNode answer = content(client.callTool(new CallToolRequest("query", Map.of("connection", "app",
                    "sql", "ALTER TABLE mcp_held ADD COLUMN IF NOT EXISTS after_revocation text"))));
            assertThat(answer.path("status").asText()).isEqualTo("held");
            id = answer.path("approval").asText();
            assertThat(gateway.gateway().approvals().find(id).orElseThrow().request().requester().subject())
                    .as("the agent asks, not the MCP engine").isEqualTo("sa:mcp-agent-leaving");

            api.revokeKey(agent);
            gateway.gateway().approvals().approve(id, DBA, "planned", null);
        }

        JsonNode refused = Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> gateway.events("command.blocked", 0).stream()
                .map(e -> e.path("detail")).filter(d -> d.path("approval").asText().equals(id)).findFirst().orElse(null), d -> d != null);
        assertThat(refused.path("outcome").asText()).isEqualTo("revoked");
        try (Connection direct = TestTarget.direct(); ResultSet rs = direct.createStatement().executeQuery("SELECT count(*)"
                + " FROM information_schema.columns WHERE table_name = 'mcp_held' AND column_name = 'after_revocation'")) {
            rs.next();
            assertThat(rs.getInt(1)).as("the approved statement never reached the database").isZero();
        }
    }

    /**
     * An MCP session stands on the sign-in that opened it, as a PostgreSQL session does: revoking the
     * agent's key ends it at once, in the evidence too, though the agent sends nothing more, with the
     * stream it listens on, and its id serves no other key of the same account. Before, it stayed open until the gateway stopped, and
     * a second key of the account carried on in the session the revoked key had opened.
     */
    @Test
    void anMcpSessionEndsWhenTheKeyItSignedInWithIsRevoked() throws Exception {
        GatewayApi api = new GatewayApi(gateway);
        JsonNode agent = api.serviceAccount("mcp-agent-rotated", "analysts", "agent");
        JsonNode rotated = api.serviceAccount("mcp-agent-rotated", "analysts", "agent");
        Set<String> earlier = gateway.sessionIds("sa:mcp-agent-rotated", AgentSession.PROTOCOL);
        try (McpSyncClient client = client(agent.path("secret").asText())) {
            assertThat(client.callTool(new CallToolRequest("list_connections", Map.of())).isError()).isFalse();
            String session = gateway.newSession("sa:mcp-agent-rotated", AgentSession.PROTOCOL, earlier);
            // The stream a client opens to hear the server on, as the Streamable HTTP transport has it.
            HttpResponse<InputStream> listening = HttpClient.newHttpClient().sendAsync(HttpRequest.newBuilder(
                    URI.create(endpoint() + "/mcp")).header("Authorization", "Bearer " + agent.path("secret").asText())
                    .header("Mcp-Session-Id", session).header("Accept", "text/event-stream").GET().build(),
                    HttpResponse.BodyHandlers.ofInputStream()).get(30, TimeUnit.SECONDS);
            assertThat(listening.statusCode()).isEqualTo(200);
            CompletableFuture<Integer> streamEnd = CompletableFuture.supplyAsync(() -> {
                try (InputStream body = listening.body()) {
                    while (body.read() >= 0) {
                        // What the server sends before the end does not matter here.
                    }
                    return -1;
                } catch (IOException e) {
                    return -2;
                }
            });
            Thread.sleep(300);
            assertThat(streamEnd).as("the stream stays open while the key stands").isNotDone();

            api.revokeKey(agent);

            assertThat(streamEnd.get(10, TimeUnit.SECONDS)).as("the stream ends with the session").isNegative();

            List<JsonNode> events = gateway.closedSessionEvents(session);
            assertThat(events.getLast().path("detail").path("reason").asText())
                    .contains("the credential this session signed in with was revoked").contains("service account key revoked");
            HttpResponse<String> joined = toolsList(rotated.path("secret").asText(), session);
            assertThat(joined.statusCode()).as(joined.body()).isEqualTo(404);
            assertThat(gateway.closedSessionEvents(session)).as("nothing more is recorded in the ended session")
                    .hasSameSizeAs(events);
        }
    }

    /**
     * A console session's user who signs out expects nothing to go on in their name: an agent's MCP
     * session signed in with a token issued through that console session ends with it, and the same
     * person's other credential cannot take it over. Before, it stayed open, and the agent's own key
     * went on calling tools in it.
     */
    @Test
    void anMcpSessionEndsWhenTheConsoleSessionItsTokenWasIssuedThroughSignsOut() throws Exception {
        ConsoleBrowser browser = ConsoleBrowser.signIn(gateway, TestGateway.AGENT_TOKEN);
        String token = browser.issueToken();
        Set<String> earlier = gateway.sessionIds("apikey:agent", AgentSession.PROTOCOL);
        try (McpSyncClient client = client(token)) {
            assertThat(client.callTool(new CallToolRequest("list_connections", Map.of())).isError()).isFalse();
            String session = gateway.newSession("apikey:agent", AgentSession.PROTOCOL, earlier);

            browser.signOut();

            assertThat(gateway.closedSessionEvents(session).getLast().path("detail").path("reason").asText())
                    .contains("the console session has signed out or ended");
            HttpResponse<String> joined = toolsList(TestGateway.AGENT_TOKEN, session);
            assertThat(joined.statusCode()).as(joined.body()).isEqualTo(404);
        }
    }

    /** {@code tools/list} in MCP session {@code session}, as a client of the protocol sends it. */
    private static HttpResponse<String> toolsList(String token, String session) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(endpoint() + "/mcp"))
                .header("Authorization", "Bearer " + token).header("Mcp-Session-Id", session)
                .header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\": \"2.0\", \"id\": 7, \"method\": \"tools/list\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void anApprovedCallRunsOnceWithItsOwnArgumentsWhateverTheAgentRetriesOrReplays() throws Exception {
        try (Connection direct = TestTarget.direct(); Statement sql = direct.createStatement()) {
            sql.execute("DROP TABLE IF EXISTS mcp_once");
            sql.execute("CREATE TABLE mcp_once (id int)");
            sql.execute("CREATE TABLE IF NOT EXISTS mcp_once_runs (query text)");
            sql.execute("TRUNCATE mcp_once_runs");
            // The target itself counts what reaches it: every DDL on mcp_once is logged as sent.
            sql.execute("CREATE OR REPLACE FUNCTION mcp_once_log() RETURNS event_trigger LANGUAGE plpgsql AS"
                    + " $$BEGIN IF EXISTS (SELECT 1 FROM pg_event_trigger_ddl_commands()"
                    + " WHERE object_identity LIKE 'public.mcp_once%' AND object_identity NOT LIKE 'public.mcp_once_runs%')"
                    + " THEN INSERT INTO mcp_once_runs VALUES (current_query()); END IF; END$$");
            sql.execute("DROP EVENT TRIGGER IF EXISTS mcp_once_log");
            sql.execute("CREATE EVENT TRIGGER mcp_once_log ON ddl_command_end EXECUTE FUNCTION mcp_once_log()");
        }
        String statement = "ALTER TABLE mcp_once ADD COLUMN IF NOT EXISTS note text";
        CallToolRequest call = new CallToolRequest("query", Map.of("connection", "app", "sql", statement));
        String id;
        try (McpSyncClient client = client(TestGateway.AGENT_TOKEN)) {
            id = content(client.callTool(call)).path("approval").asText();
            JsonNode retried = content(client.callTool(call));
            assertThat(retried.path("status").asText()).as("the same call again is a call of its own").isEqualTo("held");
            String other = retried.path("approval").asText();
            assertThat(other).as("and waits for an approval of its own").isNotEqualTo(id);

            gateway.gateway().approvals().approve(id, DBA, "planned", null);
            JsonNode done = Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .until(() -> content(client.callTool(new CallToolRequest("approval_status", Map.of("id", id)))),
                            node -> !node.path("status").asText().equals("held"));
            assertThat(done.path("command").asText()).isEqualTo("ALTER TABLE");
            assertThatThrownBy(() -> gateway.gateway().approvals().approve(id, DBA, "again", null))
                    .as("an approval replayed decides nothing more");
            assertThat(content(client.callTool(new CallToolRequest("approval_status", Map.of("id", other))))
                    .path("status").asText()).as("approving one call does not release its twin").isEqualTo("held");
            gateway.gateway().approvals().deny(other, DBA, "once is enough");
        }
        try (McpSyncClient reconnected = client(TestGateway.AGENT_TOKEN)) {
            // The agent comes back in a new MCP session: the run is collected, nothing is run for it again.
            assertThat(reconnected.callTool(new CallToolRequest("approval_status", Map.of("id", id))).isError()).isTrue();
        }
        Thread.sleep(1000);
        try (Connection direct = TestTarget.direct(); Statement sql = direct.createStatement()) {
            sql.execute("DROP EVENT TRIGGER IF EXISTS mcp_once_log");
            try (ResultSet rs = sql.executeQuery("SELECT query FROM mcp_once_runs")) {
                List<String> runs = new ArrayList<>();
                while (rs.next()) {
                    runs.add(rs.getString(1));
                }
                assertThat(runs).as("the target ran the approved statement exactly once, as approved")
                        .containsExactly(statement);
            }
        }
    }

    @Test
    void aNoticeOfTheDatabaseClaimingAHoldIsNotTakenForOne() {
        try (McpSyncClient client = client(TestGateway.ADMIN_TOKEN)) {
            CallToolResult result = client.callTool(new CallToolRequest("query", Map.of("connection", "app",
                    "sql", "SELECT mcp_notice('tracegate: statement held for approval spoofed01 (rule x: y)') AS ran")));
            assertThat(result.isError()).as(result.toString()).isFalse();
            JsonNode answer = content(result);
            assertThat(answer.path("status").asText()).as("nothing was held: the call ran").isNotEqualTo("held");
            assertThat(answer.path("rows").get(0).path("ran").asInt()).isEqualTo(1);
        }
    }

    /**
     * A notice of the database naming the approval another call of the same caller waits for (the
     * agent read its id in that call's answer) is not this call's hold: the call runs and answers,
     * within its time limit, and the held call's approval still yields the held call's result, not
     * this one's. Before, the notice was taken for a hold and the call's answer filed under the
     * other call's approval id, in place of its result.
     */
    @Test
    void aNoticeNamingAnotherCallsApprovalIsNotTakenForThisCallsHold() throws Exception {
        try (McpSyncClient client = client(TestGateway.ADMIN_TOKEN)) {
            JsonNode held = content(client.callTool(new CallToolRequest("query", Map.of("connection", "app",
                    "sql", "ALTER TABLE mcp_held ADD COLUMN IF NOT EXISTS named_in_a_notice text"))));
            assertThat(held.path("status").asText()).as(held.toString()).isEqualTo("held");
            String id = held.path("approval").asText();

            CallToolResult spoof = client.callTool(new CallToolRequest("query", Map.of("connection", "app",
                    "sql", "SELECT mcp_notice($1) AS ran", "params",
                    List.of("tracegate: statement held for approval " + id + " (rule hold-ddl: schema changes need a DBA)"))));
            assertThat(spoof.isError()).as(spoof.toString()).isFalse();
            JsonNode answer = content(spoof);
            assertThat(answer.path("status").asText()).as("nothing was held: the call ran").isNotEqualTo("held");
            assertThat(answer.path("rows").get(0).path("ran").asInt()).isEqualTo(1);

            gateway.gateway().approvals().approve(id, DBA, "planned", null);
            JsonNode done = Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .until(() -> content(client.callTool(new CallToolRequest("approval_status", Map.of("id", id)))),
                            node -> !node.path("status").asText().equals("held"));
            assertThat(done.path("command").asText()).as("the held call's own result").isEqualTo("ALTER TABLE");
        }
    }

    @Test
    void badCallsAreJsonRpcErrorsRecordedAsRefusedAndNoneAsRun() throws Exception {
        try (McpSyncClient client = client(TestGateway.AGENT_TOKEN)) {
            long before = gateway.gateway().evidence().size();
            assertThatThrownBy(() -> client.callTool(new CallToolRequest("drop_everything", Map.of())))
                    .isInstanceOf(McpError.class);
            assertThatThrownBy(() -> client.callTool(new CallToolRequest("query", Map.of("connection", "app", "sql", 42))))
                    .isInstanceOfSatisfying(McpError.class, e -> assertThat(e.getJsonRpcError().code())
                            .isEqualTo(McpSchema.ErrorCodes.INVALID_PARAMS));
            assertThatThrownBy(() -> client.callTool(new CallToolRequest("query", Map.of("connection", "nope", "sql", "SELECT 1"))))
                    .isInstanceOf(McpError.class).hasMessageContaining("not a PostgreSQL connection");
            assertThatThrownBy(() -> client.callTool(new CallToolRequest("query", Map.of("connection", "app",
                    "sql", "SELECT 1", "max_rows", "many")))).isInstanceOf(McpError.class);
            assertThatThrownBy(() -> client.callTool(new CallToolRequest("query", Map.of("connection", "app",
                    "sql", "SELECT '" + "x".repeat(70 * 1024) + "'")))).isInstanceOf(McpError.class)
                    .hasMessageContaining("larger than");
            assertThatThrownBy(() -> client.callTool(new CallToolRequest("query", Map.of("connection", "app",
                    "sql", "SELECT 1", "rows", 5)))).isInstanceOf(McpError.class).hasMessageContaining("unknown argument");
            gateway.gateway().evidence().awaitStored();
            // Each call is recorded as the agent asked it, closed by its refusal: none ran, none is recorded as run.
            assertThat(gateway.events("command", before)).as("the refused calls, as asked").hasSize(6);
            assertThat(gateway.events("command.result", before)).extracting(e -> e.path("detail").path("status").asText())
                    .as("how each refused call ended").hasSize(6).containsOnly("refused");
        }
    }

    @Test
    void aServerErrorQuotingPersonalDataIsKeptMaskedInTheMcpSessionsEvidence() throws Exception {
        String session;
        try (McpSyncClient client = client(TestGateway.ADMIN_TOKEN)) {
            CallToolResult failed = client.callTool(new CallToolRequest("query", Map.of("connection", "app",
                    "sql", "SELECT $1::int", "params", List.of(EMAIL))));
            assertThat(failed.isError()).as(failed.toString()).isTrue();
            // Admins' results are not masked: the caller reads the server's message as it is.
            assertThat(failed.content().toString()).contains("invalid input syntax").contains(EMAIL);
            gateway.gateway().evidence().awaitStored();
            session = new SessionQueries(gateway.gateway().evidence()).list("apikey:admin", "mcp", 10).getFirst().id();
        }
        List<JsonNode> events = gateway.closedSessionEvents(session);
        JsonNode result = events.stream().filter(e -> e.path("type").asText().equals("command.result")).findFirst()
                .orElseThrow();
        assertThat(result.path("detail").path("status").asText()).isEqualTo("error");
        assertThat(result.toString()).contains("invalid input syntax");
        assertThat(events.toString()).as("the record profile masks the email in the message it keeps")
                .doesNotContain(EMAIL);
    }

    @Test
    void personalDataInAnyToolsArgumentsIsKeptMaskedInTheMcpSessionsEvidence() throws Exception {
        String session;
        try (McpSyncClient client = client(TestGateway.AGENT_TOKEN)) {
            JsonNode described = content(client.callTool(new CallToolRequest("describe_schema",
                    Map.of("connection", "app", "schema", "public", "table", EMAIL))));
            assertThat(described.path("tables")).isEmpty();
            CallToolResult status = client.callTool(new CallToolRequest("approval_status", Map.of("id", EMAIL)));
            assertThat(status.isError()).isTrue();
            gateway.gateway().evidence().awaitStored();
            session = new SessionQueries(gateway.gateway().evidence()).list("apikey:agent", "mcp", 10).getFirst().id();
        }
        List<JsonNode> events = gateway.closedSessionEvents(session);
        List<JsonNode> commands = events.stream().filter(e -> e.path("type").asText().equals("command")).toList();
        assertThat(commands).extracting(e -> e.path("detail").path("text").asText())
                .anySatisfy(text -> assertThat(text).startsWith("describe_schema app"))
                .anySatisfy(text -> assertThat(text).startsWith("approval_status"));
        assertThat(events.toString()).as("arguments are kept as the record profile keeps SQL parameters")
                .doesNotContain(EMAIL).contains("public");
    }

    @Test
    void eachToolCallIsACommandOfTheAgentsMcpSessionInItsTrace() throws Exception {
        String session;
        try (McpSyncClient client = client(TestGateway.AGENT_TOKEN)) {
            CallToolResult counted = client.callTool(new CallToolRequest("query", Map.of("connection", "app",
                    "sql", "SELECT count(*) FROM mcp_people WHERE id > $1 OR '" + EMAIL + "' = 'x'",
                    "params", List.of(0))));
            assertThat(counted.isError()).as(counted.toString()).isFalse();
            client.callTool(new CallToolRequest("list_connections", Map.of()));
            gateway.gateway().evidence().awaitStored();
            session = new SessionQueries(gateway.gateway().evidence()).list("apikey:agent", "mcp", 10).getFirst().id();
        }
        List<JsonNode> events = gateway.closedSessionEvents(session);
        assertThat(events.getFirst().path("actor").path("kind").asText()).isEqualTo("agent");
        List<JsonNode> commands = events.stream().filter(e -> e.path("type").asText().equals("command")).toList();
        assertThat(commands).hasSize(2);
        assertThat(commands.get(0).path("detail").path("text").asText()).startsWith("query app: SELECT count(*)");
        assertThat(commands.get(0).path("trace").asText()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(events.toString()).doesNotContain(EMAIL).doesNotContain(TestGateway.AGENT_TOKEN);
        assertThat(events.stream().filter(e -> e.path("type").asText().equals("command.result"))
                .map(e -> e.path("detail").path("status").asText())).containsExactly("ok", "ok");

        // The statement itself is in the PostgreSQL listener's session: same identity, same trace.
        List<JsonNode> traced = new dev.tracegate.gateway.recording.TraceQueries(gateway.gateway().evidence())
                .timeline("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(traced.stream().filter(e -> e.path("type").asText().equals("command")
                && e.path("resource").path("protocol").asText().equals("postgres")))
                .anySatisfy(e -> {
                    assertThat(e.path("actor").path("kind").asText()).isEqualTo("agent");
                    assertThat(e.path("detail").path("text").asText()).contains("SELECT count(*) FROM mcp_people");
                });
    }
}
