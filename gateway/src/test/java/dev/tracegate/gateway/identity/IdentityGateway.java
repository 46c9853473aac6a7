package dev.tracegate.gateway.identity;

import dev.tracegate.gateway.Gateway;
import dev.tracegate.gateway.TestTarget;
import dev.tracegate.gateway.config.ConfigLoader;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;
import java.util.Properties;

/**
 * A gateway configured through YAML, as an operator writes it, with every kind of identity:
 * static keys (admin, alice the analyst, dora the DBA), people signing in with the mock provider's
 * {@code okta} issuer (audience {@code tracegate}), and CI jobs of its {@code github} issuer
 * (exchange only) whose {@code acme/shop} main-branch tokens become service account
 * {@code shop-deployer}. Its {@code keycloak} issuer admits only {@code @acme.com} addresses, and its
 * {@code entra} issuer takes {@code @bots.acme.com} addresses for services. DDL on connection
 * {@code app} waits for a DBA's approval.
 */
public final class IdentityGateway implements AutoCloseable {

    public static final String ADMIN_KEY = "tg_admin_Identity_51c0";
    /** Issuer {@code tracegate}, subject {@code apikey:alice}. */
    public static final String ALICE_KEY = "tg_alice_Identity_0b7e";
    public static final String DBA_KEY = "tg_dora_Identity_93a4";
    private static final String POLICY = """
            defaults:
              action: allow
            rules:
              - name: hold-ddl
                connections: [app]
                classes: [ddl]
                action: approve
                approvers: [dba]
                timeout: 15m
                reason: schema changes need a DBA
              - name: long-queries
                classes: [dangerous_admin]
                command: "pg_sleep\\\\("
                action: allow
            """;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final MockIdentityProvider idp;
    private final Gateway gateway;

    private IdentityGateway(MockIdentityProvider idp, Gateway gateway) {
        this.idp = idp;
        this.gateway = gateway;
    }

    public static IdentityGateway start() throws IOException {
        MockIdentityProvider idp = new MockIdentityProvider();
        Path dataDir = Files.createTempDirectory("tracegate-identity");
        Path password = Files.writeString(dataDir.resolve("upstream"), TestTarget.PASSWORD, StandardCharsets.UTF_8);
        Path adminKey = Files.writeString(dataDir.resolve("admin-key"), ADMIN_KEY, StandardCharsets.UTF_8);
        Path aliceKey = Files.writeString(dataDir.resolve("alice-key"), ALICE_KEY, StandardCharsets.UTF_8);
        Path dbaKey = Files.writeString(dataDir.resolve("dba-key"), DBA_KEY, StandardCharsets.UTF_8);
        Path policy = Files.writeString(dataDir.resolve("policy.yaml"), POLICY, StandardCharsets.UTF_8);
        Path config = Files.writeString(dataDir.resolve("tracegate.yaml"), """
                dataDir: %s
                policyFile: %s
                listeners:
                  postgres: {address: 127.0.0.1, port: 0}
                  api: {address: 127.0.0.1, port: 0}
                identities:
                  apiKeys:
                    - {name: admin, key: 'file:%s', groups: [admins], kind: human}
                    - {name: alice, key: 'file:%s', groups: [analysts], kind: human}
                    - {name: dora, key: 'file:%s', groups: [dba], kind: human}
                  oidc:
                    - issuer: %s
                      audiences: [tracegate]
                    - issuer: %s
                      audiences: [tracegate-ci]
                      exchangeOnly: true
                    - issuer: %s
                      audiences: [tracegate]
                      requiredClaims: {email: "*@acme.com"}
                    - issuer: %s
                      audiences: [tracegate]
                      kinds:
                        - kind: service
                          when: {email: "*@bots.acme.com"}
                  gatewayTokens:
                    exchange:
                      - name: shop-deploys
                        issuer: %s
                        claims: {repository: acme/shop, ref: refs/heads/main}
                        serviceAccount: shop-deployer
                        groups: [deployers]
                        kind: service
                        maxLifetimeSeconds: 600
                connections:
                  - {name: app, host: 127.0.0.1, port: %d, database: %s, username: %s, password: 'file:%s'}
                """.formatted(dataDir, policy, adminKey, aliceKey, dbaKey, idp.issuer("okta"), idp.issuer("github"), idp.issuer("keycloak"), idp.issuer("entra"), idp.issuer("github"),
                TestTarget.port(), TestTarget.DATABASE, TestTarget.SCRAM_USER, password));
        try {
            return new IdentityGateway(idp, Gateway.start(ConfigLoader.load(config)));
        } catch (IOException | RuntimeException e) {
            idp.close();
            throw e;
        }
    }

    public MockIdentityProvider idp() {
        return idp;
    }

    public Gateway gateway() {
        return gateway;
    }

    /** A CI job's token from the {@code github} issuer, for the exchange's audience. */
    public String ciToken(String subject, Map<String, Object> claims) {
        return idp.token("github", subject, "tracegate-ci", claims);
    }

    /** {@code POST /api/tokens/exchange} with an ID token as subject, and an actor token when not null. */
    public HttpResponse<String> exchange(String subjectToken, String actorToken) throws IOException, InterruptedException {
        String form = "grant_type=" + encode(TokenExchange.GRANT_TYPE)
                + "&subject_token=" + encode(subjectToken)
                + "&subject_token_type=" + encode("urn:ietf:params:oauth:token-type:id_token")
                + (actorToken == null ? "" : "&actor_token=" + encode(actorToken)
                + "&actor_token_type=" + encode("urn:ietf:params:oauth:token-type:access_token"));
        return send(HttpRequest.newBuilder(uri("/api/tokens/exchange")).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)));
    }

    /** A pgjdbc connection to connection {@code app} with {@code token} as the password. */
    public Connection connect(String token) throws SQLException {
        return connect(token, new Properties());
    }

    /** As {@link #connect(String)}, with more connection properties (an {@code ApplicationName}, say). */
    public Connection connect(String token, Properties extra) throws SQLException {
        Properties props = new Properties();
        props.putAll(extra);
        props.setProperty("user", "job");
        props.setProperty("password", token);
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + gateway.postgresPort() + "/app?sslmode=require", props);
    }

    public String origin() {
        return "http://127.0.0.1:" + gateway.apiPort();
    }

    public URI uri(String path) {
        return URI.create(origin() + path);
    }

    public HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** {@code method path} on the API with {@code bearer}; a body, when not null, as JSON. */
    public HttpResponse<String> api(String method, String path, String bearer, String body) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer " + bearer)
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)));
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        gateway.close();
        idp.close();
    }
}
