package dev.tracegate.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracegate.gateway.TestGateway;
import dev.tracegate.gateway.config.ConfigLoader;
import dev.tracegate.gateway.config.ConnectionConfig;
import dev.tracegate.gateway.config.HttpConnectionConfig;
import dev.tracegate.gateway.config.HttpListenerLimits;
import dev.tracegate.gateway.config.ListenersConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Slowloris against the HTTP gateway and the API port (both Jetty): request headers or a body sent
 * a byte at a time, and connections that send nothing, are cut off at the listener's header
 * deadline and minimum body rate (here 1 s and 1 KiB/s, with an idle timeout of 60 s that a
 * trickle would reset forever), with 408 where the request had begun; connections beyond the cap
 * wait until the deadline frees a slot; a real client is served meanwhile.
 */
class SlowHttpClientsTest {

    private static final int MAX_CONNECTIONS = 4;
    private static final HttpListenerLimits LIMITS = new HttpListenerLimits(MAX_CONNECTIONS, 60, 1, 1024);
    private static UpstreamService upstream;
    private static TestGateway gateway;

    @BeforeAll
    static void start() throws IOException {
        upstream = new UpstreamService();
        ConnectionConfig svc = new HttpConnectionConfig("svc", upstream.url(), null, List.of());
        gateway = TestGateway.startWithHttpLimits(List.of(svc), LIMITS);
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    @Test
    void headersSentAByteAtATimeAreCutOffWith408AtTheGatewayWhileOthersAreServed() throws Exception {
        assertTrickledHeadersCutOff(gateway.gateway().httpPort(), "GET /svc/echo HTTP/1.1\r\nHost: gateway\r\n",
                () -> get(gateway.httpUrl() + "/svc/echo"));
    }

    @Test
    void headersSentAByteAtATimeAreCutOffWith408AtTheApiWhileOthersAreServed() throws Exception {
        assertTrickledHeadersCutOff(gateway.gateway().apiPort(), "GET /api/health HTTP/1.1\r\nHost: gateway\r\n",
                () -> get("http://127.0.0.1:" + gateway.gateway().apiPort() + "/api/health"));
    }

    @Test
    void aConnectionThatSendsNothingIsClosedAtTheHeaderDeadlineNotTheIdleTimeout() throws Exception {
        for (int port : new int[] {gateway.gateway().httpPort(), gateway.gateway().apiPort()}) {
            try (Socket silent = new Socket("127.0.0.1", port)) {
                silent.setSoTimeout(30_000); // half the idle timeout: only the deadline closes it in time
                assertThat(silent.getInputStream().read()).as("closed, port " + port).isEqualTo(-1);
            }
        }
    }

    @Test
    void aBodySentAByteAtATimeIsCutOffWith408AtTheGateway() throws Exception {
        try (Socket slow = new Socket("127.0.0.1", gateway.gateway().httpPort())) {
            slow.setSoTimeout(30_000);
            OutputStream out = slow.getOutputStream();
            out.write(("POST /svc/echo HTTP/1.1\r\nHost: gateway\r\nAuthorization: Bearer " + TestGateway.ADMIN_TOKEN
                    + "\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            CompletableFuture<Throwable> trickle = trickle(out, "{\"a\":\"" + "x".repeat(2_000));
            String answer = readAll(slow.getInputStream());
            assertThat(answer).startsWith("HTTP/1.1 408").contains("minRequestBytesPerSecond");
            assertThat(trickle.get()).as("the gateway closed the connection before the body was sent").isInstanceOf(IOException.class);
        }
        assertThat(get(gateway.httpUrl() + "/svc/echo").statusCode()).isEqualTo(200);
    }

    @Test
    void aBodySentAByteAtATimeIsCutOffAtTheApi() throws Exception {
        try (Socket slow = new Socket("127.0.0.1", gateway.gateway().apiPort())) {
            slow.setSoTimeout(30_000);
            OutputStream out = slow.getOutputStream();
            String origin = "http://127.0.0.1:" + gateway.gateway().apiPort();
            out.write(("POST /console/signin/token HTTP/1.1\r\nHost: 127.0.0.1:" + gateway.gateway().apiPort() + "\r\nOrigin: "
                    + origin + "\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100000\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            CompletableFuture<Throwable> trickle = trickle(out, "token=" + "x".repeat(2_000));
            String answer = readAll(slow.getInputStream());
            assertThat(answer).startsWith("HTTP/1.1 408");
            assertThat(trickle.get()).as("the API closed the connection before the body was sent").isInstanceOf(IOException.class);
        }
    }

    @Test
    void connectionsBeyondTheCapWaitUntilTheDeadlineFreesASlot() throws Exception {
        List<Socket> squatters = new ArrayList<>();
        List<CompletableFuture<Long>> closedAt = new ArrayList<>();
        try {
            for (int i = 0; i < MAX_CONNECTIONS; i++) {
                Socket squatter = new Socket("127.0.0.1", gateway.gateway().httpPort());
                squatter.setSoTimeout(30_000);
                squatters.add(squatter);
                closedAt.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        return squatter.getInputStream().read() == -1 ? System.nanoTime() : Long.MAX_VALUE;
                    } catch (IOException e) {
                        return System.nanoTime();
                    }
                }));
            }
            HttpResponse<String> served = get(gateway.httpUrl() + "/svc/echo");
            long servedAt = System.nanoTime();
            assertThat(served.statusCode()).isEqualTo(200);
            long firstClosed = closedAt.stream().mapToLong(CompletableFuture::join).min().orElseThrow();
            assertThat(firstClosed).as("served only once the deadline had closed a squatter").isLessThan(servedAt);
        } finally {
            for (Socket squatter : squatters) {
                squatter.close();
            }
        }
    }

    @Test
    void theLimitsAreReadFromTheConfigurationFileAndDefaultWhenAbsent(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("tracegate.yaml");
        Files.writeString(file, """
                listeners:
                  http:
                    httpLimits: {headerTimeoutSeconds: 5, maxConnections: 50}
                """);
        ListenersConfig listeners = ConfigLoader.load(file).listeners();
        assertThat(listeners.http().httpLimits()).isEqualTo(new HttpListenerLimits(50, 30, 5, 1024));
        assertThat(listeners.api().httpLimits()).isEqualTo(new HttpListenerLimits(1000, 30, 10, 1024));
        Files.writeString(file, "listeners: {postgres: {httpLimits: {maxConnections: 5}}}\n");
        assertThatThrownBy(() -> ConfigLoader.load(file)).hasMessageContaining("httpLimits are for the api and http listeners");
    }

    private interface Request {
        HttpResponse<String> send() throws Exception;
    }

    private static void assertTrickledHeadersCutOff(int port, String headers, Request other) throws Exception {
        try (Socket slow = new Socket("127.0.0.1", port)) {
            slow.setSoTimeout(30_000);
            CompletableFuture<Throwable> trickle = trickle(slow.getOutputStream(), headers + "X-Padding: " + "a".repeat(2_000));
            assertThat(other.send().statusCode()).as("another client is served meanwhile").isEqualTo(200);
            String answer = readAll(slow.getInputStream());
            assertThat(answer).startsWith("HTTP/1.1 408").contains("request headers did not arrive");
            assertThat(trickle.get()).as("the connection was closed before the headers were sent").isInstanceOf(IOException.class);
        }
    }

    /** Writes {@code text} a byte every 50 ms on another thread; completes with the write failure, or null if all was sent. */
    private static CompletableFuture<Throwable> trickle(OutputStream out, String text) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                for (byte b : text.getBytes(StandardCharsets.US_ASCII)) {
                    out.write(b);
                    out.flush();
                    Thread.sleep(50);
                }
                return null;
            } catch (IOException e) {
                return e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return e;
            }
        });
    }

    private static String readAll(InputStream in) throws IOException {
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        try {
            in.transferTo(seen);
        } catch (IOException e) {
            // A reset after the answer: what arrived is what counts.
        }
        return seen.toString(StandardCharsets.US_ASCII);
    }

    private static HttpResponse<String> get(String url) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", "Bearer " + TestGateway.ADMIN_TOKEN).build(), HttpResponse.BodyHandlers.ofString());
    }
}
