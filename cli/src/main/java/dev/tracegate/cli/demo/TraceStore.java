package dev.tracegate.cli.demo;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.stream.Stream;

/**
 * The demo's reasoning-trace store (docs/traces.md): a small HTTP JSON service standing in for a
 * team's trace repository, behind the gateway's HTTP listener. {@code POST /traces/} stores a
 * JSON body and answers {@code 201 {"id": ...}}; {@code GET /traces/<id>} returns it;
 * {@code GET /traces/} lists ids; {@code DELETE /traces/<id>} removes it. Traces are kept as
 * files under the demo's data directory, so what the store received can be looked at directly.
 * Loopback only.
 */
public final class TraceStore implements AutoCloseable {

    static final int MAX_TRACES = 10_000;
    static final int MAX_BODY_BYTES = 10 * 1024 * 1024;
    private static final String PREFIX = "/traces/";
    // Trailing tokens make a body invalid: "{...} junk" is not a JSON document.
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final SecureRandom RANDOM = new SecureRandom();
    // Lowercase letters and digits without the look-alikes l, o, 0 and 1: ids are read and typed by people.
    private static final String ID_CHARS = "abcdefghijkmnpqrstuvwxyz23456789";

    private final HttpServer server;
    private final Path directory;

    private TraceStore(HttpServer server, Path directory) {
        this.server = server;
        this.directory = directory;
    }

    /** Starts on 127.0.0.1:{@code port} (0 for any free port), keeping traces as files in {@code directory}. */
    public static TraceStore start(int port, Path directory) throws IOException {
        Files.createDirectories(directory);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
        TraceStore store = new TraceStore(server, directory);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", store::handle);
        server.start();
        return store;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
            if (path.equals(PREFIX) || path.equals("/traces")) {
                switch (method) {
                    case "GET" -> list(exchange);
                    case "POST" -> create(exchange);
                    default -> error(exchange, 405, "use GET or POST on " + PREFIX);
                }
            } else if (path.startsWith(PREFIX) && isId(path.substring(PREFIX.length()))) {
                String id = path.substring(PREFIX.length());
                switch (method) {
                    case "GET" -> read(exchange, id);
                    case "DELETE" -> delete(exchange, id);
                    default -> error(exchange, 405, "use GET or DELETE on " + PREFIX + "<id>");
                }
            } else {
                error(exchange, 404, "no such resource: " + path);
            }
        }
    }

    private void create(HttpExchange exchange) throws IOException {
        if (!isJson(exchange.getRequestHeaders().getFirst("Content-Type"))) {
            error(exchange, 415, "traces are JSON: send Content-Type: application/json");
            return;
        }
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readNBytes(MAX_BODY_BYTES + 1);
        }
        if (body.length > MAX_BODY_BYTES) {
            error(exchange, 413, "a trace may be at most " + MAX_BODY_BYTES + " bytes");
            return;
        }
        if (!isJsonDocument(body)) {
            error(exchange, 400, "the body is not valid JSON");
            return;
        }
        if (ids().size() >= MAX_TRACES) {
            error(exchange, 507, "the demo store keeps at most " + MAX_TRACES + " traces; delete some");
            return;
        }
        String id = newId();
        // Written aside, then moved into place, so neither a reader nor a listing ever sees half a trace.
        Path partial = Files.write(directory.resolve(id + ".partial"), body);
        Files.move(partial, directory.resolve(id + ".json"), StandardCopyOption.ATOMIC_MOVE);
        ObjectNode created = JSON.createObjectNode().put("id", id);
        exchange.getResponseHeaders().add("Location", PREFIX + id);
        send(exchange, 201, created.toString().getBytes(StandardCharsets.UTF_8));
    }

    private void read(HttpExchange exchange, String id) throws IOException {
        Path file = directory.resolve(id + ".json");
        if (!Files.exists(file)) {
            error(exchange, 404, "no trace " + id);
            return;
        }
        send(exchange, 200, Files.readAllBytes(file));
    }

    private void delete(HttpExchange exchange, String id) throws IOException {
        if (!Files.deleteIfExists(directory.resolve(id + ".json"))) {
            error(exchange, 404, "no trace " + id);
            return;
        }
        exchange.sendResponseHeaders(204, -1);
    }

    private void list(HttpExchange exchange) throws IOException {
        Map<String, Object> listing = new LinkedHashMap<>();
        listing.put("ids", ids());
        send(exchange, 200, JSON.writeValueAsBytes(listing));
    }

    private List<String> ids() throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            List<String> ids = new ArrayList<>();
            files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json")).sorted()
                    .forEach(n -> ids.add(n.substring(0, n.length() - 5)));
            return ids;
        }
    }

    /** {@code application/json}, with or without parameters such as {@code charset}. */
    private static boolean isJson(String contentType) {
        return contentType != null
                && contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT).equals("application/json");
    }

    /** Exactly one JSON value; an empty or blank body is none. */
    private static boolean isJsonDocument(byte[] body) {
        try {
            JsonNode value = JSON.readTree(body);
            return value != null && !value.isMissingNode();
        } catch (IOException e) {
            // The body is already in memory, so every failure here is the body's: not JSON, or bytes that decode to nothing.
            return false;
        }
    }

    private static void error(HttpExchange exchange, int status, String message) throws IOException {
        send(exchange, status, JSON.createObjectNode().put("error", message).toString().getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private static boolean isId(String text) {
        return text.length() == 10 && text.chars().allMatch(c -> ID_CHARS.indexOf(c) >= 0);
    }

    private static String newId() {
        char[] id = new char[10];
        for (int i = 0; i < id.length; i++) {
            id[i] = ID_CHARS.charAt(RANDOM.nextInt(ID_CHARS.length()));
        }
        return new String(id);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
