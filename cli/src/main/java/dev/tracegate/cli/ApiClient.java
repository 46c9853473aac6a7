package dev.tracegate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Talks to a running gateway's REST API, found through {@code TRACEGATE_SERVER} and
 * {@code TRACEGATE_TOKEN} (or the equivalent options).
 */
final class ApiClient {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI server;
    private final String token;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    ApiClient(String server, String token) {
        String base = server != null ? server : System.getenv("TRACEGATE_SERVER");
        String bearer = token != null ? token : System.getenv("TRACEGATE_TOKEN");
        if (base == null || base.isBlank()) {
            throw new CliException("no gateway to talk to: set TRACEGATE_SERVER (the demo prints it on its api: line) or pass --server");
        }
        if (bearer == null || bearer.isBlank()) {
            throw new CliException("no token: set TRACEGATE_TOKEN or pass --token");
        }
        this.server = URI.create(base.endsWith("/") ? base.substring(0, base.length() - 1) : base);
        this.token = bearer;
    }

    JsonNode get(String path, Map<String, String> query) throws IOException {
        HttpResponse<String> response = send(request(path, query).header("Accept", "application/json").GET().build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode body = response.body().isEmpty() ? JSON.nullNode() : JSON.readTree(response.body());
        if (response.statusCode() >= 400) {
            throw new CliException("gateway answered " + response.statusCode() + ": " + body.path("error").asText(response.body()));
        }
        return body;
    }

    JsonNode post(String path, JsonNode body) throws IOException {
        HttpResponse<String> response = send(request(path, Map.of()).header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode answer = response.body().isEmpty() ? JSON.nullNode() : JSON.readTree(response.body());
        if (response.statusCode() >= 400) {
            throw new CliException("gateway answered " + response.statusCode() + ": " + answer.path("error").asText(response.body()));
        }
        return answer;
    }

    JsonNode delete(String path) throws IOException {
        HttpResponse<String> response = send(request(path, Map.of()).header("Accept", "application/json").DELETE().build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode answer = response.body().isEmpty() ? JSON.nullNode() : JSON.readTree(response.body());
        if (response.statusCode() >= 400) {
            throw new CliException("gateway answered " + response.statusCode() + ": " + answer.path("error").asText(response.body()));
        }
        return answer;
    }

    /** A binary download (an evidence bundle), streamed. */
    java.io.InputStream download(String path, Map<String, String> query) throws IOException {
        return body(response(path, List.copyOf(query.entrySet())));
    }

    /**
     * The response of a download whose query may repeat parameters ({@code connection=a&connection=b}),
     * for callers that read its headers; {@link #body} checks its status and gives its content.
     */
    HttpResponse<java.io.InputStream> response(String path, List<Map.Entry<String, String>> query) throws IOException {
        return send(request(path, query).timeout(Duration.ofHours(1)).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
    }

    java.io.InputStream body(HttpResponse<java.io.InputStream> response) throws IOException {
        if (response.statusCode() >= 400) {
            try (java.io.InputStream body = response.body()) {
                JsonNode error = JSON.readTree(body);
                throw new CliException("gateway answered " + response.statusCode() + ": " + error.path("error").asText());
            }
        }
        return response.body();
    }

    private HttpRequest.Builder request(String path, Map<String, String> query) {
        return request(path, List.copyOf(query.entrySet()));
    }

    private HttpRequest.Builder request(String path, List<Map.Entry<String, String>> query) {
        String params = query.stream()
                .filter(e -> e.getValue() != null)
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        return HttpRequest.newBuilder(URI.create(server + path + (params.isEmpty() ? "" : "?" + params)))
                .header("Authorization", "Bearer " + token)
                .timeout(Duration.ofSeconds(60));
    }

    private <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) throws IOException {
        try {
            return http.send(request, handler);
        } catch (ConnectException e) {
            throw new CliException("cannot reach the gateway at " + server + ": is it running?");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted");
        }
    }
}
