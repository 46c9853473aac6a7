package dev.tracegate.gateway.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import dev.tracegate.gateway.config.ConnectionConfig;
import dev.tracegate.gateway.config.HttpConnectionConfig;
import dev.tracegate.gateway.config.HttpCredentialConfig;
import dev.tracegate.gateway.config.SecretReference;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A real HTTP service behind the gateway (the JDK's server), which remembers what reached it:
 * {@code /echo} answers with the JSON it received, {@code /events} sends two Server-Sent Events with a pause the test
 * controls, {@code /profile} answers JSON holding personal data, {@code /set-cookie} sets a cookie for its caller.
 */
final class UpstreamService implements AutoCloseable {

    /**
     * One request as the service saw it.
     *
     * @param connection the gateway's end of the connection it came on (address and port), to count connections
     */
    record Received(String method, String path, Map<String, List<String>> headers, byte[] body, String connection) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .flatMap(e -> e.getValue().stream()).findFirst().orElse(null);
        }
    }

    static final String COOKIE = "sid=first-callers-session";
    static final String PROFILE = "{\"user\":{\"name\":\"Ada\",\"email\":\"ada@example.com\"},\"card\":\"4111 1111 1111 1111\",\"tier\":\"gold\"}";

    private final HttpServer server;
    final List<Received> received = new CopyOnWriteArrayList<>();
    final CountDownLatch secondEvent = new CountDownLatch(1);

    UpstreamService() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/api/echo", this::echo);
        server.createContext("/api/events", this::events);
        server.createContext("/api/profile", this::profile);
        server.createContext("/api/set-cookie", this::setCookie);
        server.createContext("/api/", this::echo);
        server.start();
    }

    /** Serves {@code /api<path>} with {@code handler} as well (a test's own target behaviour). */
    void route(String path, HttpHandler handler) {
        server.createContext("/api" + path, handler);
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/api";
    }

    private void echo(HttpExchange exchange) throws IOException {
        byte[] body = exchange.getRequestBody().readAllBytes();
        received.add(new Received(exchange.getRequestMethod(), exchange.getRequestURI().toString(),
                Map.copyOf(exchange.getRequestHeaders()), body, exchange.getRemoteAddress().toString()));
        String type = exchange.getRequestHeaders().getFirst("Content-Type");
        exchange.getResponseHeaders().add("Content-Type", type == null ? "application/json" : type);
        byte[] answer = body.length == 0 ? "{\"ok\":true}".getBytes(StandardCharsets.UTF_8) : body;
        exchange.sendResponseHeaders(200, answer.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(answer);
        }
    }

    private void events(HttpExchange exchange) throws IOException {
        exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
        exchange.sendResponseHeaders(200, 0);
        try (OutputStream out = exchange.getResponseBody()) {
            // The text ends its last word: an event whose text may go on in the next (a token stream's) waits for
            // it at a masked caller's gateway (docs/http.md), and this one must not.
            out.write("data: {\"step\":1,\"text\":\"mail sent to ada@example.com!\"}\n\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
            // The second event waits until the test has seen the first through the gateway.
            secondEvent.await(30, TimeUnit.SECONDS);
            out.write("data: {\"step\":2}\n\n".getBytes(StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void profile(HttpExchange exchange) throws IOException {
        exchange.getRequestBody().readAllBytes();
        received.add(new Received(exchange.getRequestMethod(), exchange.getRequestURI().toString(),
                Map.copyOf(exchange.getRequestHeaders()), new byte[0], exchange.getRemoteAddress().toString()));
        byte[] answer = PROFILE.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, answer.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(answer);
        }
    }

    private void setCookie(HttpExchange exchange) throws IOException {
        exchange.getRequestBody().readAllBytes();
        byte[] answer = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.getResponseHeaders().add("Set-Cookie", COOKIE + "; Path=/");
        exchange.sendResponseHeaders(200, answer.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(answer);
        }
    }

    /** An HTTP connection {@code svc} to this service, holding {@code secret} (written to a file in {@code dir}) as its bearer. */
    ConnectionConfig bearerConnection(Path dir, String secret) throws IOException {
        Path file = dir.resolve("upstream-http.secret");
        Files.writeString(file, secret);
        return new HttpConnectionConfig("svc", url(),
                new HttpCredentialConfig("bearer", null, null, SecretReference.of("file:" + file)), List.of());
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
