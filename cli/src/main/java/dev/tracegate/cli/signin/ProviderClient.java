package dev.tracegate.cli.signin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracegate.cli.CliException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.ProxySelector;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Talks to an identity provider: its discovery document, its token endpoint and its device
 * authorization endpoint. Requests honour the JVM's proxy settings and time out; error answers
 * become {@link ProviderError}s that name the OAuth error, and no token is ever put in a message.
 */
final class ProviderClient {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final HttpClient http = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NORMAL)
            .proxy(ProxySelector.getDefault())
            .build();
    private final Clock clock;

    ProviderClient(Clock clock) {
        this.clock = clock;
    }

    /** The endpoints {@code issuer} publishes. */
    ProviderMetadata discover(String issuer) throws IOException {
        URI uri = ProviderMetadata.discoveryUri(issuer);
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri).header("Accept", "application/json").GET(), uri);
        if (response.statusCode() != 200) {
            throw new CliException("cannot read the discovery document of " + issuer + ": " + uri + " answered HTTP "
                    + response.statusCode() + " (is --issuer exactly your provider's issuer URL?)");
        }
        return ProviderMetadata.from(issuer, jsonObject(response.body(), uri));
    }

    /** Asks the token endpoint for tokens with {@code grant} parameters (RFC 6749 section 4). */
    TokenSet token(URI tokenEndpoint, ClientRegistration client, Map<String, String> grant) throws IOException {
        return TokenSet.fromResponse(post(tokenEndpoint, "the token endpoint", client, grant), clock.instant());
    }

    /**
     * POSTs a form to one of the provider's endpoints as {@code client} and returns the JSON answer;
     * an OAuth error answer becomes a {@link ProviderError}.
     */
    JsonNode post(URI endpoint, String endpointName, ClientRegistration client, Map<String, String> parameters)
            throws IOException {
        Map<String, String> form = new LinkedHashMap<>(parameters);
        HttpRequest.Builder request = HttpRequest.newBuilder(endpoint)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json");
        client.authenticate(request, form);
        String body = form.entrySet().stream()
                .map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
                .collect(Collectors.joining("&"));
        HttpResponse<String> response = send(request.POST(HttpRequest.BodyPublishers.ofString(body)), endpoint);
        JsonNode answer = parseOrNull(response.body());
        if (response.statusCode() / 100 == 2 && answer != null && answer.isObject()) {
            return answer;
        }
        if (answer != null && answer.hasNonNull("error")) {
            throw new ProviderError(endpointName, answer.get("error").asText(),
                    answer.path("error_description").asText(null));
        }
        throw new CliException(endpointName + " (" + endpoint + ") answered HTTP " + response.statusCode()
                + " without an OAuth answer");
    }

    private HttpResponse<String> send(HttpRequest.Builder request, URI uri) throws IOException {
        try {
            return http.send(request.timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException e) {
            throw new CliException("cannot reach " + uri.getHost() + " (" + uri + ")");
        } catch (HttpTimeoutException e) {
            throw new CliException(uri + " did not answer within " + TIMEOUT.toSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted");
        }
    }

    private static JsonNode jsonObject(String body, URI uri) {
        JsonNode node = parseOrNull(body);
        if (node == null || !node.isObject()) {
            throw new CliException(uri + " did not send a JSON object");
        }
        return node;
    }

    private static JsonNode parseOrNull(String body) {
        try {
            return body == null || body.isBlank() ? null : JSON.readTree(body);
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
