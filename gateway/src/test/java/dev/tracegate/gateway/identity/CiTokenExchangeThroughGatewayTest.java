package dev.tracegate.gateway.identity;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracegate.gateway.Gateway;
import dev.tracegate.gateway.TestTarget;
import dev.tracegate.gateway.config.ConfigLoader;
import dev.tracegate.gateway.recording.SessionQueries;
import dev.tracegate.gateway.recording.SessionSummary;
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
import java.sql.ResultSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A CI job exchanges its provider's OIDC token at POST /api/tokens/exchange for a short-lived
 * gateway token, then uses it as the PostgreSQL password: the session and its evidence name the
 * service account the trust rule bound it to, with that account's groups.
 */
class CiTokenExchangeThroughGatewayTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static MockIdentityProvider idp;
    private static Gateway gateway;

    @BeforeAll
    static void start() throws Exception {
        idp = new MockIdentityProvider();
        Path dataDir = Files.createTempDirectory("tracegate-exchange");
        Path password = Files.writeString(dataDir.resolve("upstream"), TestTarget.PASSWORD, StandardCharsets.UTF_8);
        Path config = Files.writeString(dataDir.resolve("tracegate.yaml"), """
                dataDir: %s
                listeners:
                  postgres: {address: 127.0.0.1, port: 0}
                  api: {address: 127.0.0.1, port: 0}
                identities:
                  oidc:
                    - issuer: %s
                      audiences: [tracegate-ci]
                      exchangeOnly: true
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
                """.formatted(dataDir, idp.issuer("github"), idp.issuer("github"), TestTarget.port(), TestTarget.DATABASE,
                TestTarget.SCRAM_USER, password));
        gateway = Gateway.start(ConfigLoader.load(config));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        idp.close();
    }

    @Test
    void aMatchingCiTokenBecomesAServiceAccountSessionWithFullIdentity() throws Exception {
        HttpResponse<String> exchanged = exchange(ciToken("acme/shop", "refs/heads/main"));
        assertThat(exchanged.statusCode()).as(exchanged.body()).isEqualTo(200);
        String gatewayToken = JSON.readTree(exchanged.body()).path("access_token").asText();

        Properties props = new Properties();
        props.setProperty("user", "ci");
        props.setProperty("password", gatewayToken);
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + gateway.postgresPort()
                + "/app?sslmode=require", props); ResultSet rs = c.createStatement().executeQuery("SELECT 'deployed'")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo("deployed");
        }
        List<SessionSummary> sessions = new SessionQueries(gateway.evidence()).list(null, "app", 10);
        assertThat(sessions).isNotEmpty();
        JsonNode actor = sessions.getFirst().opened().path("actor");
        assertThat(actor.path("sub").asText()).contains("shop-deployer");
        assertThat(actor.path("kind").asText()).isEqualTo("service");
        assertThat(actor.path("groups").toString()).contains("deployers");
    }

    @Test
    void aCiTokenFromAnotherRepositoryIsRefused() throws Exception {
        HttpResponse<String> refused = exchange(ciToken("mallory/fork", "refs/heads/main"));
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(refused.body()).path("error").asText()).isEqualTo("invalid_grant");
    }

    private static String ciToken(String repository, String ref) {
        return idp.token("github", "repo:" + repository + ":ref:" + ref, "tracegate-ci",
                Map.of("repository", repository, "ref", ref));
    }

    private static HttpResponse<String> exchange(String subjectToken) throws Exception {
        String form = "grant_type=" + URLEncoder.encode("urn:ietf:params:oauth:grant-type:token-exchange", StandardCharsets.UTF_8)
                + "&subject_token=" + URLEncoder.encode(subjectToken, StandardCharsets.UTF_8)
                + "&subject_token_type=" + URLEncoder.encode("urn:ietf:params:oauth:token-type:id_token", StandardCharsets.UTF_8);
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + gateway.apiPort() + "/api/tokens/exchange"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
