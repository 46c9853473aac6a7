package dev.tracegate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracegate.gateway.evidence.EvidenceLog;
import dev.tracegate.gateway.evidence.EvidenceReader;
import dev.tracegate.gateway.config.ApiKeyConfig;
import dev.tracegate.gateway.config.CallerLimits;
import dev.tracegate.gateway.config.HttpListenerLimits;
import dev.tracegate.gateway.config.ConnectionConfig;
import dev.tracegate.gateway.config.PostgresConnectionConfig;
import dev.tracegate.gateway.config.EvidenceConfig;
import dev.tracegate.gateway.config.GatewayConfig;
import dev.tracegate.gateway.config.IdentitiesConfig;
import dev.tracegate.gateway.config.ConnectionLimits;
import dev.tracegate.gateway.config.ListenerConfig;
import dev.tracegate.gateway.config.ListenersConfig;
import dev.tracegate.gateway.config.McpConfig;
import dev.tracegate.gateway.config.SecretReference;
import dev.tracegate.gateway.config.SiemConfig;
import dev.tracegate.gateway.config.UpstreamAuth;
import dev.tracegate.gateway.config.UpstreamTlsMode;
import dev.tracegate.gateway.recording.SessionQueries;
import dev.tracegate.gateway.recording.SessionSummary;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;

/** A gateway on free ports in front of {@link TestTarget}, with known identities. */
public final class TestGateway implements AutoCloseable {

    /** Tokens of the test identities; tests assert they never show up anywhere they should not. */
    public static final String ALICE_TOKEN = "tg_alice_Token_3b1e8d";
    public static final String ADMIN_TOKEN = "tg_admin_Token_9c2f4a";
    /** An AI agent's key: an analyst's groups, kind agent (the demo's MCP identity is alike). */
    public static final String AGENT_TOKEN = "tg_agent_Token_5d7e1f";
    /** A policy that allows everything but bulk writes ({@code DELETE FROM t} without WHERE) and high risk. */
    public static final String NO_BULK_WRITES_POLICY = """
            defaults:
              action: allow
              highRisk: block
            rules:
              - name: no-bulk-writes
                classes: [bulk_write]
                action: block
                reason: no bulk writes
            """;

    /**
     * Allows everything but high risk, and a statement that waits with {@code pg_sleep}, which the
     * defaults block as a denial of service (docs/policy.md, "What a statement costs"): for tests
     * that need a statement still running (a cancel, a session ended under it).
     */
    public static final String LONG_QUERIES_POLICY = """
            defaults:
              action: allow
            rules:
              - name: long-queries
                classes: [dangerous_admin]
                command: "pg_sleep\\\\("
                action: allow
            """;

    private final Gateway gateway;
    private final Path dataDir;
    private final GatewayConfig config;

    private TestGateway(Gateway gateway, Path dataDir, GatewayConfig config) {
        this.gateway = gateway;
        this.dataDir = dataDir;
        this.config = config;
    }

    public static TestGateway start() {
        return start(List.of());
    }

    /** Starts with the standard connections plus {@code extra}. */
    public static TestGateway start(List<ConnectionConfig> extra) {
        return start(extra, null);
    }

    /** Starts with the standard connections plus {@code extra}, under the given policy document (null: none). */
    public static TestGateway start(List<ConnectionConfig> extra, String policyYaml) {
        return start(extra, policyYaml, 1024 * 1024);
    }

    /** As {@link #start(List, String)}, with the given limit on message sizes in both directions. */
    public static TestGateway start(List<ConnectionConfig> extra, String policyYaml, int maxMessageBytes) {
        return start(extra, policyYaml, maxMessageBytes, new ListenerConfig("127.0.0.1", 0, false), null, null);
    }

    /** The standard connections, with the PostgreSQL listener configured as given (its port should be 0). */
    public static TestGateway start(ListenerConfig postgresListener) {
        return start(List.of(), null, 1024 * 1024, postgresListener, null, null);
    }

    /** As {@link #start(ListenerConfig)}, with the given limits per caller. */
    public static TestGateway start(ListenerConfig postgresListener, CallerLimits limits) {
        return start(List.of(), null, 1024 * 1024, postgresListener, limits, null);
    }

    /** The standard connections under the given policy document, with the given limits per caller. */
    public static TestGateway start(String policyYaml, CallerLimits limits) {
        return start(List.of(), policyYaml, 1024 * 1024, new ListenerConfig("127.0.0.1", 0, false), limits, null);
    }

    /** The standard connections and {@code extra}, with the given limits per caller. */
    public static TestGateway startWithLimits(List<ConnectionConfig> extra, CallerLimits limits) {
        return start(extra, null, 1024 * 1024, new ListenerConfig("127.0.0.1", 0, false), limits, null);
    }

    /** The standard connections and {@code extra} under the given policy, with the given limits per caller. */
    public static TestGateway start(List<ConnectionConfig> extra, String policyYaml, CallerLimits limits) {
        return start(extra, policyYaml, 1024 * 1024, new ListenerConfig("127.0.0.1", 0, false), limits, null);
    }

    /** The standard connections under the given policy, with the MCP endpoint's limits as given. */
    public static TestGateway start(String policyYaml, McpConfig mcp) {
        return start(List.of(), policyYaml, 1024 * 1024, new ListenerConfig("127.0.0.1", 0, false), null, mcp);
    }

    /** The standard connections under the given policy, forwarding evidence to a SIEM as {@code siem} says. */
    public static TestGateway start(String policyYaml, SiemConfig siem) {
        return start(List.of(), policyYaml, 1024 * 1024, new ListenerConfig("127.0.0.1", 0, false), null, null, siem, null, null);
    }

    /** The standard connections and {@code extra}, with the HTTP gateway's and the API's listener limits as given. */
    public static TestGateway startWithHttpLimits(List<ConnectionConfig> extra, HttpListenerLimits httpLimits) {
        return start(extra, null, 1024 * 1024, new ListenerConfig("127.0.0.1", 0, false), null, null, null, httpLimits, null);
    }

    /** The standard connections and {@code extra} under the given policy, with the SSH listener's limits as given. */
    public static TestGateway startWithSshLimits(List<ConnectionConfig> extra, String policyYaml, ConnectionLimits sshLimits) {
        return start(extra, policyYaml, 1024 * 1024, new ListenerConfig("127.0.0.1", 0, false), null, null, null, null,
                sshLimits);
    }

    private static TestGateway start(List<ConnectionConfig> extra, String policyYaml, int maxMessageBytes,
                                     ListenerConfig postgresListener, CallerLimits limits, McpConfig mcp) {
        return start(extra, policyYaml, maxMessageBytes, postgresListener, limits, mcp, null, null, null);
    }

    private static TestGateway start(List<ConnectionConfig> extra, String policyYaml, int maxMessageBytes,
                                     ListenerConfig postgresListener, CallerLimits limits, McpConfig mcp, SiemConfig siem,
                                     HttpListenerLimits httpLimits, ConnectionLimits sshLimits) {
        try {
            Path dataDir = Files.createTempDirectory("tracegate-gateway");
            Path secrets = Files.createDirectories(dataDir.resolve("secrets"));
            SecretReference password = secret(secrets, "upstream", TestTarget.PASSWORD);
            List<ConnectionConfig> connections = new ArrayList<>(List.of(
                    connection("app", TestTarget.SCRAM_USER, password),
                    connection("app_md5", TestTarget.MD5_USER, password),
                    connection("app_clear", TestTarget.CLEARTEXT_USER, password),
                    connection("app_trust", TestTarget.TRUST_USER, null)));
            connections.addAll(extra);
            GatewayConfig config = new GatewayConfig(dataDir.toString(),
                    new ListenersConfig(postgresListener, new ListenerConfig("127.0.0.1", 0, false, null, httpLimits),
                            new ListenerConfig("127.0.0.1", 0, true, null, httpLimits),
                            new ListenerConfig("127.0.0.1", 0, false, sshLimits, null), new ListenerConfig("127.0.0.1", 0, false)),
                    null, null, new EvidenceConfig("tracegate.test/log", null, 0, null, false, 0, null),
                    new IdentitiesConfig(List.of(
                            new ApiKeyConfig("alice", secret(secrets, "alice", ALICE_TOKEN), List.of("analysts"), "human",
                                    "alice@example.com"),
                            new ApiKeyConfig("admin", secret(secrets, "admin", ADMIN_TOKEN), List.of("admins"), "human", null),
                            new ApiKeyConfig("agent", secret(secrets, "agent", AGENT_TOKEN), List.of("analysts"), "agent", null))),
                    connections, maxMessageBytes, policyYaml == null ? null : policyFile(dataDir, policyYaml), null,
                    null, null, limits, mcp, siem);
            return new TestGateway(Gateway.start(config), dataDir, config);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A connection to {@link TestTarget} as {@code user}, allowing the login method that role's pg_hba line asks for. */
    public static ConnectionConfig connection(String name, String user, SecretReference password) {
        return connection(name, user, password, TestTarget.loginOf(user));
    }

    public static ConnectionConfig connection(String name, String user, SecretReference password, UpstreamAuth auth) {
        return new PostgresConnectionConfig(name, "127.0.0.1", TestTarget.port(), TestTarget.DATABASE, user, password,
                UpstreamTlsMode.DISABLE, auth, null, null);
    }

    public Gateway gateway() {
        return gateway;
    }

    public int port() {
        return gateway.postgresPort();
    }

    /** The HTTP gateway's base URL (cleartext, loopback only), when an HTTP connection is configured. */
    public String httpUrl() {
        return "http://127.0.0.1:" + gateway.httpPort();
    }

    /** Waits (30 s at most) until a session closed from index {@code from} on is recorded with a reason that starts so. */
    public void awaitSessionClosed(long from, String reason) {
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            gateway.evidence().awaitStored();
            assertThat(events("session.close", from)).anySatisfy(event ->
                    assertThat(event.path("detail").path("reason").asText()).startsWith(reason));
        });
    }

    /** The stored evidence events of {@code type} from index {@code from} on, once everything durable is stored. */
    public List<JsonNode> events(String type, long from) throws SQLException, IOException {
        List<JsonNode> events = new ArrayList<>();
        for (byte[] leaf : leaves(gateway.evidence(), from)) {
            JsonNode event = new ObjectMapper().readTree(leaf);
            if (event.path("type").asText().equals(type)) {
                events.add(event);
            }
        }
        return events;
    }

    /** Every event's leaf from index {@code from} on, in order, once everything durable is stored. */
    public static List<byte[]> leaves(EvidenceLog log, long from) throws IOException {
        log.awaitStored();
        List<byte[]> leaves = new ArrayList<>();
        try (EvidenceReader reader = log.reader()) {
            reader.scan(from, reader.size(), (index, leaf) -> leaves.add(leaf));
        }
        return leaves;
    }

    /** Every stored event of {@code type}, as JSON, in log order. */
    public static List<JsonNode> eventsOfType(EvidenceLog log, String type) throws IOException {
        List<JsonNode> events = new ArrayList<>();
        for (byte[] leaf : leaves(log, 0)) {
            JsonNode event = new ObjectMapper().readTree(leaf);
            if (event.path("type").asText().equals(type)) {
                events.add(event);
            }
        }
        return events;
    }

    public Path dataDir() {
        return dataDir;
    }

    public String jdbcUrl(String connection) {
        return "jdbc:postgresql://127.0.0.1:" + port() + "/" + connection + "?sslmode=require&user=alice";
    }

    /** A pgjdbc connection through the gateway as alice. */
    public Connection connect(String connection) throws SQLException {
        return connect(connection, new Properties());
    }

    public Connection connect(String connection, Properties extra) throws SQLException {
        Properties props = new Properties();
        props.putAll(extra);
        props.setProperty("password", ALICE_TOKEN);
        return DriverManager.getConnection(jdbcUrl(connection), props);
    }

    /** The ids of {@code actor}'s sessions on {@code connection} recorded so far (the newest 100). */
    public Set<String> sessionIds(String actor, String connection) {
        gateway.evidence().awaitStored();
        return new SessionQueries(gateway.evidence()).list(actor, connection, 100).stream()
                .map(SessionSummary::id).collect(Collectors.toSet());
    }

    /** The session {@code actor} opened after {@code earlier} was listed (its session.open is recorded in the background). */
    public String newSession(String actor, String connection, Set<String> earlier) {
        return Awaitility.await().atMost(Duration.ofSeconds(10)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(10))
                .until(() -> sessionIds(actor, connection).stream()
                        .filter(id -> !earlier.contains(id)).findFirst().orElse(null), id -> id != null);
    }

    /** A session's events once its session.close is recorded. */
    public List<JsonNode> closedSessionEvents(String session) {
        SessionQueries queries = new SessionQueries(gateway.evidence());
        return Awaitility.await().atMost(Duration.ofSeconds(10)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(10))
                .until(() -> {
                    gateway.evidence().awaitStored();
                    return queries.events(session);
                }, events -> !events.isEmpty() && events.getLast().path("type").asText().equals("session.close"));
    }

    /** A libpq URI for psql and pgbench. */
    public String libpqUri(String connection) {
        return "postgresql://alice:" + ALICE_TOKEN + "@127.0.0.1:" + port() + "/" + connection + "?sslmode=require";
    }

    private static String policyFile(Path dataDir, String yaml) throws IOException {
        Path file = dataDir.resolve("policy.yaml");
        Files.writeString(file, yaml, StandardCharsets.UTF_8);
        return file.toString();
    }

    private static SecretReference secret(Path dir, String name, String value) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, value, StandardCharsets.UTF_8);
        return SecretReference.of("file:" + file);
    }

    /** Stops this gateway and starts it again on the same data directory and configuration. */
    public TestGateway restarted() {
        gateway.close();
        try {
            return new TestGateway(Gateway.start(config), dataDir, config);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        gateway.close();
    }
}
