package dev.tracegate.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tracegate.gateway.Gateway;
import dev.tracegate.gateway.config.EvidenceConfig;
import dev.tracegate.gateway.config.GatewayConfig;
import dev.tracegate.gateway.config.ListenerConfig;
import dev.tracegate.gateway.config.ListenersConfig;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.nio.file.Files;
import java.security.KeyStore;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The API port (and the console on it) speaks HTTPS with the gateway's certificate, and plain
 * HTTP only to clients on the same machine: tokens and session cookies never cross a network in
 * the clear.
 */
class ApiTlsTest {

    @TempDir
    Path dir;

    @Test
    void httpsFromAnywhereAndPlainHttpOnlyFromThisMachine() throws Exception {
        Optional<InetAddress> lan = nonLoopbackAddress();
        assumeTrue(lan.isPresent(), "this machine has no non-loopback IPv4 address to call itself on");
        GatewayConfig config = new GatewayConfig(dir.resolve("data").toString(),
                new ListenersConfig(new ListenerConfig("127.0.0.1", 0, false), new ListenerConfig("0.0.0.0", 0, false)),
                null, null, new EvidenceConfig("tracegate.test/api-tls", null, 0, null, false, 0, null),
                null, List.of(), 0, null, null);
        try (Gateway gateway = Gateway.start(config)) {
            int port = gateway.apiPort();
            String host = lan.get().getHostAddress();

            SSLContext gatewayOnly = trustingTheGateway(dir.resolve("data"));
            HttpResponse<String> overTls = HttpClient.newBuilder().sslContext(gatewayOnly).build().send(
                    HttpRequest.newBuilder(URI.create("https://localhost:" + port + "/api/openapi.json")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(overTls.statusCode()).as("TLS with the gateway's certificate, name checked").isEqualTo(200);
            // From the LAN address too; the generated certificate names localhost, so only the name is not checked.
            HttpsURLConnection lanTls = (HttpsURLConnection) URI.create("https://" + host + ":" + port + "/api/openapi.json")
                    .toURL().openConnection();
            lanTls.setSSLSocketFactory(gatewayOnly.getSocketFactory());
            lanTls.setHostnameVerifier((name, session) -> true);
            assertThat(lanTls.getResponseCode()).isEqualTo(200);

            HttpResponse<String> plainFromLan = get(HttpClient.newHttpClient(), "http://" + host + ":" + port + "/api/openapi.json");
            assertThat(plainFromLan.statusCode()).isEqualTo(403);
            assertThat(plainFromLan.body()).contains("plain HTTP is accepted from this machine only: use https://");
            assertThat(get(HttpClient.newHttpClient(), "http://" + host + ":" + port + "/console/signin").statusCode())
                    .as("the console's sign-in page too").isEqualTo(403);

            assertThat(get(HttpClient.newHttpClient(), "http://127.0.0.1:" + port + "/api/openapi.json").statusCode())
                    .as("plain HTTP on loopback").isEqualTo(200);
        }
    }

    private static HttpResponse<String> get(HttpClient client, String url) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static Optional<InetAddress> nonLoopbackAddress() throws Exception {
        return NetworkInterface.networkInterfaces().filter(i -> {
                    try {
                        return i.isUp() && !i.isLoopback();
                    } catch (java.net.SocketException e) {
                        return false;
                    }
                }).flatMap(NetworkInterface::inetAddresses)
                .filter(a -> a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress()).findFirst();
    }

    /** A client that trusts exactly the certificate the gateway generated (its own keystore as trust store). */
    private static SSLContext trustingTheGateway(Path dataDir) throws Exception {
        Path tls = dataDir.resolve("tls");
        char[] password = Files.readString(tls.resolve("gateway.p12.password")).strip().toCharArray();
        KeyStore keystore = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(tls.resolve("gateway.p12"))) {
            keystore.load(in, password);
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(keystore);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }
}
