package dev.tracegate.gateway.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.util.JSONObjectUtils;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The one reading of a discovery document that key sets, the console and tracegate login share. */
class ProviderDiscoveryTest {

    private final ProviderDiscovery discovery = new ProviderDiscovery(Duration.ofSeconds(5), Duration.ofSeconds(10));
    private final AtomicInteger requests = new AtomicInteger();
    private HttpServer server;
    private volatile String document;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/.well-known/openid-configuration", exchange -> {
            requests.incrementAndGet();
            byte[] body = document.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private String issuer() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private Map<String, Object> metadata(String issuer) {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("issuer", issuer);
        metadata.put("authorization_endpoint", issuer() + "/authorize");
        metadata.put("token_endpoint", issuer() + "/token");
        metadata.put("device_authorization_endpoint", issuer() + "/device");
        metadata.put("jwks_uri", issuer() + "/keys");
        return metadata;
    }

    @Test
    void aDocumentNamingTheIssuerAskedForIsRead() throws Exception {
        document = JSONObjectUtils.toJSONString(metadata(issuer()));

        assertThat(discovery.read(issuer()).getTokenEndpointURI()).hasToString(issuer() + "/token");
        assertThat(discovery.read(issuer() + "/").getJWKSetURI()).as("a trailing slash aside").hasToString(issuer() + "/keys");
    }

    @Test
    void aDocumentNamingAnotherIssuerIsRefused() {
        document = JSONObjectUtils.toJSONString(metadata("https://evil.example"));

        assertThatThrownBy(() -> discovery.read(issuer()))
                .hasMessage("the discovery document of " + issuer() + " names the issuer 'https://evil.example'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"authorization_endpoint", "token_endpoint", "device_authorization_endpoint", "jwks_uri"})
    void everyEndpointMustBeHttpsOrOnThisMachine(String endpoint) {
        Map<String, Object> metadata = metadata(issuer());
        metadata.put(endpoint, "http://evil.example/" + endpoint);
        document = JSONObjectUtils.toJSONString(metadata);

        assertThatThrownBy(() -> discovery.read(issuer()))
                .hasMessage("the discovery document of " + issuer() + " names an endpoint that is not https: http://evil.example/"
                        + endpoint);
    }

    @Test
    void anIssuerOverPlainHttpElsewhereIsRefusedBeforeAnyRequest() {
        assertThatThrownBy(() -> discovery.read("http://idp.example"))
                .hasMessage("the issuer http://idp.example is not an https address");
        assertThat(requests).hasValue(0);
    }

    @Test
    void anOversizedDocumentIsRefused() {
        Map<String, Object> metadata = metadata(issuer());
        metadata.put("padding", "x".repeat(600 * 1024));
        document = JSONObjectUtils.toJSONString(metadata);

        assertThatThrownBy(() -> discovery.read(issuer())).hasMessageStartingWith("cannot read " + issuer());
    }

    @Test
    void aControlCharacterInAHostileIssuerDoesNotReachTheMessage() {
        document = JSONObjectUtils.toJSONString(metadata("https://evil.example/\u001b[2J"));

        assertThatThrownBy(() -> discovery.read(issuer())).message().doesNotContain("\u001b");
    }
}
