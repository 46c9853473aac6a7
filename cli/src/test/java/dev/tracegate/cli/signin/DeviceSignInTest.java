package dev.tracegate.cli.signin;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tracegate login --device} (RFC 8628). mock-oauth2-server has no device authorization
 * grant, so a small provider made of the JDK's HTTP server plays it: discovery, the device
 * authorization endpoint and a token endpoint whose answers the test scripts.
 */
class DeviceSignInTest {

    @TempDir
    Path home;

    private final List<Duration> pauses = new CopyOnWriteArrayList<>();
    private CredentialStore store;
    private DeviceProvider provider;

    @BeforeEach
    void start() throws IOException {
        store = new CredentialStore(home.resolve("config/tracegate/credentials.json"));
        provider = new DeviceProvider();
    }

    @AfterEach
    void stop() {
        provider.close();
    }

    @Test
    void pollsAtTheAskedIntervalSlowsDownWhenToldAndKeepsTheTokens() throws Exception {
        provider.tokenAnswers.addAll(List.of(error("authorization_pending"), error("slow_down"),
                "{\"access_token\":\"device-access\",\"refresh_token\":\"device-refresh\",\"token_type\":\"Bearer\",\"expires_in\":3600}"));

        CommandRun login = login();

        assertThat(login.exitStatus()).as(login.err()).isZero();
        assertThat(login.out()).contains("To sign in, open " + provider.issuer() + "/activate on any device and enter the code")
                .contains("  WDJB-MJHT").contains("(or open " + provider.issuer() + "/activate?user_code=WDJB-MJHT)");
        assertThat(pauses).containsExactly(Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofSeconds(7));
        assertThat(provider.requests).first().isEqualTo("/device scope=openid+offline_access&client_id=tracegate-cli");
        assertThat(provider.requests).last().isEqualTo("/token grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Adevice_code"
                + "&device_code=device-123&client_id=tracegate-cli");
        assertThat(Files.getPosixFilePermissions(store.path())).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        StoredLogin stored = store.read().find(null).orElseThrow();
        assertThat(stored.tokens().accessToken()).isEqualTo("device-access");
        assertThat(stored.tokens().refreshToken()).isEqualTo("device-refresh");
    }

    @Test
    void anExpiredCodeEndsTheSignIn() throws Exception {
        provider.tokenAnswers.addAll(List.of(error("authorization_pending"), error("expired_token")));

        CommandRun login = login();

        assertThat(login.exitStatus()).isEqualTo(1);
        assertThat(login.err()).contains("the code WDJB-MJHT expired before the sign-in was confirmed; run tracegate login --device again");
        assertThat(store.path()).doesNotExist();
    }

    @Test
    void aDeniedSignInEndsTheSignIn() throws Exception {
        provider.tokenAnswers.add(error("access_denied"));

        CommandRun login = login();

        assertThat(login.exitStatus()).isEqualTo(1);
        assertThat(login.err()).contains("the sign-in with the code WDJB-MJHT was denied");
        assertThat(store.path()).doesNotExist();
    }

    private CommandRun login() {
        LoginCommand command = new LoginCommand(store, pauses::add, Clock.systemUTC());
        return CommandRun.finish(command, "--issuer", provider.issuer(), "--client-id", Browser.CLIENT_ID, "--device",
                "--scope", "openid offline_access");
    }

    private static String error(String code) {
        return "{\"error\":\"" + code + "\"}";
    }

    /** Discovery, device authorization and a scripted token endpoint, as RFC 8628 describes them. */
    private static final class DeviceProvider implements AutoCloseable {
        final Deque<String> tokenAnswers = new ConcurrentLinkedDeque<>();
        final List<String> requests = new CopyOnWriteArrayList<>();
        private final HttpServer server;

        DeviceProvider() throws IOException {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
            server.createContext("/.well-known/openid-configuration", exchange -> answer(exchange, 200, """
                    {"issuer": "%1$s", "token_endpoint": "%1$s/token", "device_authorization_endpoint": "%1$s/device"}"""
                    .formatted(issuer())));
            server.createContext("/device", exchange -> {
                record(exchange);
                answer(exchange, 200, """
                        {"device_code": "device-123", "user_code": "WDJB-MJHT", "verification_uri": "%1$s/activate",
                         "verification_uri_complete": "%1$s/activate?user_code=WDJB-MJHT", "expires_in": 600, "interval": 2}"""
                        .formatted(issuer()));
            });
            server.createContext("/token", exchange -> {
                record(exchange);
                String next = tokenAnswers.poll();
                answer(exchange, next == null || next.contains("\"error\"") ? 400 : 200, next == null ? error("invalid_grant") : next);
            });
            server.start();
        }

        String issuer() {
            return "http://127.0.0.1:" + server.getAddress().getPort();
        }

        private void record(HttpExchange exchange) throws IOException {
            String form = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            requests.add(exchange.getRequestURI().getPath() + " " + form);
        }

        private static void answer(HttpExchange exchange, int status, String json) throws IOException {
            byte[] body = json.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}
