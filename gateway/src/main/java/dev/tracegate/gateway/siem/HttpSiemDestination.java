package dev.tracegate.gateway.siem;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tracegate.gateway.config.ConfigException;
import dev.tracegate.gateway.config.HttpSiemConfig;
import dev.tracegate.gateway.tls.TrustAnchors;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.List;

/**
 * An HTTP endpoint that takes a JSON array of OCSF events per POST. Any answer but 2xx, or none
 * within 30 s, is a failure and the batch is sent again: delivery is at least once, and
 * {@code metadata.uid} tells a repeated event apart.
 */
final class HttpSiemDestination implements SiemDestination {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpSiemConfig config;
    private final URI endpoint;
    private final HttpClient client;

    HttpSiemDestination(HttpSiemConfig config) {
        this.config = config;
        this.endpoint = URI.create(config.url());
        if (config.authorization() != null) {
            config.authorization().resolve(); // a missing secret stops the start, not the first delivery
        }
        try {
            this.client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
                    .followRedirects(HttpClient.Redirect.NEVER)
                    .sslContext(TrustAnchors.clientContext(config.caCertificate())).build();
        } catch (IOException | GeneralSecurityException e) {
            throw new ConfigException("siem.http: cannot set up TLS: " + e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    @Override
    public String name() {
        return "http";
    }

    @Override
    public int batchEvents() {
        return config.batchEvents();
    }

    @Override
    public void send(List<ObjectNode> events) throws IOException {
        HttpRequest.Builder request = HttpRequest.newBuilder(endpoint).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(events)));
        if (config.authorization() != null) {
            request.header("Authorization", config.authorization().resolve());
        }
        HttpResponse<Void> response;
        try {
            response = client.send(request.build(), HttpResponse.BodyHandlers.discarding());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        if (response.statusCode() / 100 != 2) {
            throw new IOException(endpoint + " answered " + response.statusCode());
        }
    }

    @Override
    public void close() {
        client.shutdownNow(); // a request still waiting for a slow endpoint is abandoned, not awaited
    }
}
