package dev.tracegate.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tracegate.gateway.Gateway;
import dev.tracegate.gateway.TestGateway;
import dev.tracegate.gateway.config.EvidenceConfig;
import dev.tracegate.gateway.config.GatewayConfig;
import dev.tracegate.gateway.config.IdentitiesConfig;
import dev.tracegate.gateway.config.ListenerConfig;
import dev.tracegate.gateway.config.ListenersConfig;
import dev.tracegate.gateway.config.OidcIssuerConfig;
import dev.tracegate.gateway.evidence.EventType;
import dev.tracegate.gateway.identity.MockIdentityProvider;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client that refreshes its provider's token keeps using its kept-alive connection: the request
 * with the fresh token is another sign-in, with an end of its own, so the end of the token before
 * it, which ends the session that token opened, does not refuse it.
 */
class HttpRefreshedTokenTest {

    @TempDir
    Path dir;
    private MockIdentityProvider idp;
    private UpstreamService upstream;
    private Gateway gateway;

    @BeforeEach
    void start() throws Exception {
        idp = new MockIdentityProvider();
        upstream = new UpstreamService();
        Path policy = Files.writeString(dir.resolve("policy.yaml"), "defaults:\n  action: allow\n");
        ListenerConfig loopback = new ListenerConfig("127.0.0.1", 0, true);
        gateway = Gateway.start(new GatewayConfig(dir.resolve("data").toString(),
                new ListenersConfig(loopback, loopback, loopback, null, null), null, null,
                new EvidenceConfig("tracegate.test/http-refresh", null, 0, null, false, 0, null),
                new IdentitiesConfig(List.of(), List.of(OidcIssuerConfig.of(idp.issuer("okta"), "tracegate")), null),
                List.of(upstream.bearerConnection(dir, "Upstream-Refresh-Secret-7d21")), 0, policy.toString(), null));
    }

    @AfterEach
    void stop() {
        gateway.close();
        upstream.close();
        idp.close();
    }

    @Test
    void aRefreshedTokenOnAKeptAliveConnectionIsServed() throws Exception {
        // Long enough for a cold gateway's first request on a loaded machine (3 s once ran out before it was served).
        String ending = idp.token("okta", "00u-refresher", "tracegate", Map.of(), Duration.ofSeconds(10));
        Instant end = Instant.ofEpochSecond(com.nimbusds.jwt.SignedJWT.parse(ending).getJWTClaimsSet()
                .getExpirationTime().toInstant().getEpochSecond());
        String refreshed = idp.token("okta", "00u-refresher", "tracegate", Map.of(), Duration.ofHours(1));
        try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            assertThat(get(client, ending, "first").statusCode()).isEqualTo(200);
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> Instant.now().isAfter(end));

            HttpResponse<String> second = get(client, refreshed, "second");

            assertThat(second.statusCode()).as(second.body()).isEqualTo(200);
        }
        List<JsonNode> commands = TestGateway.eventsOfType(gateway.evidence(), EventType.COMMAND).stream()
                .filter(c -> c.path("detail").path("text").asText().startsWith("GET /echo?refresh=")).toList();
        assertThat(commands).hasSize(2);
        assertThat(commands.stream().map(c -> c.path("detail").path("client").asText()).distinct())
                .as("both on one kept-alive connection").hasSize(1);
    }

    private HttpResponse<String> get(HttpClient client, String token, String tag) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.httpPort() + "/svc/echo?refresh="
                + tag)).header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
