package dev.tracegate.cli.signin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracegate.cli.CliException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * Asks a running gateway for a short-lived gateway token of the caller
 * ({@code POST /api/tokens?minutes=N}), so what goes into {@code PGPASSWORD} lives minutes and is
 * signed by the gateway itself.
 */
final class GatewayTokenClient {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(10))
            .proxy(ProxySelector.getDefault())
            .build();

    /**
     * A gateway token issued to the holder of {@code bearer}, valid for {@code minutes} or less: the
     * gateway never lets it outlive the sign-in behind {@code bearer}.
     *
     * @param token        the token
     * @param expiresAt    when it ends
     * @param signInEndsAt when the sign-in it comes from ends (no renewal lives longer), if the gateway said
     */
    record Issued(String token, Instant expiresAt, Instant signInEndsAt) {
        @Override
        public String toString() {
            return "Issued[expiresAt=" + expiresAt + "]";
        }
    }

    /** The gateway token issued to the holder of {@code bearer}, valid for {@code minutes} at most. */
    Issued issue(URI server, String bearer, int minutes) throws IOException {
        JsonNode answer = post(server, "/api/tokens?minutes=" + minutes, bearer, HttpRequest.BodyPublishers.noBody(),
                "token");
        String token = answer.path("token").asText("");
        if (token.isBlank()) {
            throw new CliException("the gateway at " + server + " answered without a token");
        }
        return new Issued(token, instant(answer, "expires_at"), instant(answer, "sign_in_ends_at"));
    }

    /**
     * An OpenSSH user certificate for {@code publicKey} signed by the gateway's SSH CA.
     *
     * @param certificate the {@code -cert.pub} line
     * @param validBefore when it ends
     * @param sshPort     the gateway's SSH listener port
     */
    record Certificate(String certificate, Instant validBefore, int sshPort) {
    }

    Certificate certificate(URI server, String bearer, String publicKey, int minutes) throws IOException {
        String body = JSON.createObjectNode().put("public_key", publicKey).toString();
        JsonNode answer = post(server, "/api/ssh/certificates?minutes=" + minutes, bearer,
                HttpRequest.BodyPublishers.ofString(body), "certificate");
        String certificate = answer.path("certificate").asText("");
        if (certificate.isBlank()) {
            throw new CliException("the gateway at " + server + " answered without a certificate");
        }
        return new Certificate(certificate, instant(answer, "valid_before"), answer.path("ssh_port").asInt(-1));
    }

    private JsonNode post(URI server, String path, String bearer, HttpRequest.BodyPublisher body, String what)
            throws IOException {
        String base = ProviderMetadata.withoutTrailingSlash(server.toString());
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + path))
                .header("Authorization", "Bearer " + bearer)
                .header("Accept", "application/json")
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(30))
                .POST(body)
                .build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException e) {
            throw new CliException("cannot reach the gateway at " + base + ": is it running?");
        } catch (HttpTimeoutException e) {
            throw new CliException("the gateway at " + base + " did not answer within 30 s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted");
        }
        JsonNode answer = parseOrEmpty(response.body());
        if (response.statusCode() != 200) {
            String reason = ProviderError.clean(answer.path("error").asText("HTTP " + response.statusCode()));
            throw new CliException("the gateway at " + base + " issued no " + what + ": " + reason
                    + (response.statusCode() == 401 ? " (sign in again, or check TRACEGATE_TOKEN)" : ""));
        }
        return answer;
    }

    private static Instant instant(JsonNode answer, String field) {
        try {
            return answer.hasNonNull(field) ? Instant.parse(answer.get(field).asText()) : null;
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static JsonNode parseOrEmpty(String body) {
        try {
            JsonNode node = body == null || body.isBlank() ? null : JSON.readTree(body);
            return node != null && node.isObject() ? node : JSON.createObjectNode();
        } catch (JsonProcessingException e) {
            return JSON.createObjectNode();
        }
    }
}
