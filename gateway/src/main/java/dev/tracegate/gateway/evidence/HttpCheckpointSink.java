package dev.tracegate.gateway.evidence;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * POSTs each checkpoint's signed note ({@code text/plain}) to an HTTP endpoint, in the
 * background, retrying a few times. A witness or a transparency service can collect them.
 */
public final class HttpCheckpointSink implements CheckpointSink {

    private static final Logger LOG = LoggerFactory.getLogger(HttpCheckpointSink.class);
    private static final int ATTEMPTS = 3;

    private final URI endpoint;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    public HttpCheckpointSink(URI endpoint) {
        this.endpoint = endpoint;
    }

    @Override
    public void publish(CheckpointService.SignedCheckpoint checkpoint) {
        CompletableFuture.runAsync(() -> send(checkpoint));
    }

    private void send(CheckpointService.SignedCheckpoint checkpoint) {
        HttpRequest request = HttpRequest.newBuilder(endpoint)
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "text/plain; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString(checkpoint.note(), StandardCharsets.UTF_8))
                .build();
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            try {
                HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() / 100 == 2) {
                    return;
                }
                LOG.warn("checkpoint sink {} answered {} (attempt {})", endpoint, response.statusCode(), attempt);
            } catch (Exception e) {
                LOG.warn("checkpoint sink {} failed (attempt {}): {}", endpoint, attempt, e.toString());
            }
            try {
                Thread.sleep(1000L * attempt);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        LOG.error("checkpoint {} was not delivered to {}", checkpoint.checkpoint().size(), endpoint);
    }
}
