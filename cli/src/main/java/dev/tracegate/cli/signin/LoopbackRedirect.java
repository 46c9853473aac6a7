package dev.tracegate.cli.signin;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.tracegate.cli.CliException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The loopback redirect of RFC 8252: a one-shot HTTP server on 127.0.0.1 that receives the
 * browser when the provider sends it back with the authorization response. The browser's request
 * is held until the sign-in has finished, so the page it shows tells the truth about the outcome.
 */
final class LoopbackRedirect implements AutoCloseable {

    static final String PATH = "/callback";
    static final String SIGNED_IN = "You are signed in to Tracegate; you can close this tab.";

    private static final Duration PAGE_WAIT = Duration.ofSeconds(60);

    /** What the browser is shown when it comes back. */
    private record Page(int status, String message) {
    }

    private final HttpServer server;
    private final ExecutorService handlers = Executors.newVirtualThreadPerTaskExecutor();
    private final CompletableFuture<Map<String, String>> response = new CompletableFuture<>();
    private final CompletableFuture<Page> outcome = new CompletableFuture<>();

    private LoopbackRedirect(HttpServer server) {
        this.server = server;
        server.createContext("/", this::handle);
        server.setExecutor(handlers);
        server.start();
    }

    /** Listens on 127.0.0.1:{@code port}; port 0 takes any free port. */
    static LoopbackRedirect open(int port) throws IOException {
        try {
            return new LoopbackRedirect(HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port), 0));
        } catch (BindException e) {
            throw new CliException("cannot listen on 127.0.0.1:" + port + " for the browser's return: the port is in use");
        }
    }

    /** The redirect URI to send to the provider; the port is the one actually bound. */
    URI redirectUri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + PATH);
    }

    /** The parameters the browser came back with, waiting at most {@code timeout}. */
    Map<String, String> await(Duration timeout) {
        try {
            return response.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new CliException("no sign-in arrived within " + describe(timeout)
                    + "; run tracegate login again (on a machine without a browser, use --device)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted");
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    /** Shows the browser that the sign-in worked. */
    void succeeded() {
        outcome.complete(new Page(200, SIGNED_IN));
    }

    /** Shows the browser why the sign-in failed. */
    void failed(String reason) {
        outcome.complete(new Page(400, "Sign-in to Tracegate failed: " + reason + ". Return to the terminal."));
    }

    @Override
    public void close() {
        outcome.complete(new Page(400, "Sign-in to Tracegate did not finish. Return to the terminal."));
        server.stop(1);
        handlers.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!"GET".equals(exchange.getRequestMethod()) || !PATH.equals(exchange.getRequestURI().getPath())) {
                respond(exchange, new Page(404, "Not found."));
                return;
            }
            Map<String, String> parameters;
            try {
                parameters = query(exchange.getRequestURI().getRawQuery());
            } catch (IllegalArgumentException e) {
                respond(exchange, new Page(400, "Malformed address."));
                return;
            }
            if (!response.complete(parameters)) {
                respond(exchange, new Page(409, "This sign-in has already finished. Return to the terminal."));
                return;
            }
            respond(exchange, awaitOutcome());
        }
    }

    private Page awaitOutcome() {
        try {
            return outcome.get(PAGE_WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Page(500, "Interrupted. Return to the terminal.");
        } catch (ExecutionException | TimeoutException e) {
            return new Page(500, "Sign-in to Tracegate is taking long. Return to the terminal.");
        }
    }

    private static void respond(HttpExchange exchange, Page page) throws IOException {
        byte[] html = ("<!doctype html><html><head><meta charset=\"utf-8\"><title>Tracegate</title></head>"
                + "<body><p>" + escape(page.message()) + "</p></body></html>").getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(page.status(), html.length);
        try (OutputStream body = exchange.getResponseBody()) {
            body.write(html);
        }
    }

    /** The query's parameters; a parameter given twice keeps its first value. */
    private static Map<String, String> query(String rawQuery) {
        Map<String, String> parameters = new LinkedHashMap<>();
        if (rawQuery == null) {
            return parameters;
        }
        for (String pair : rawQuery.split("&")) {
            int equals = pair.indexOf('=');
            String name = URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), StandardCharsets.UTF_8);
            String value = equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
            parameters.putIfAbsent(name, value);
        }
        return parameters;
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    static String describe(Duration timeout) {
        long seconds = timeout.toSeconds();
        if (seconds % 60 == 0 && seconds >= 60) {
            return seconds / 60 + (seconds == 60 ? " minute" : " minutes");
        }
        return seconds + (seconds == 1 ? " second" : " seconds");
    }
}
