package dev.tracegate.gateway.approval;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * POSTs one notification, retrying with exponential backoff while the receiver is unreachable or
 * answers 5xx (or 429). A 4xx answer is final: sending the same body again cannot succeed.
 * Never throws: a lost notification must not disturb the held command, which still waits for
 * an approver who can find it with {@code tracegate approvals list}.
 */
final class WebhookDelivery {

    private static final Logger LOG = LoggerFactory.getLogger(WebhookDelivery.class);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

    private final HttpClient http;
    private final int attempts;
    private final Duration firstBackoff;

    WebhookDelivery(int attempts, Duration firstBackoff) {
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NEVER).build();
        this.attempts = Math.max(1, attempts);
        this.firstBackoff = firstBackoff;
    }

    static HttpRequest.Builder post(java.net.URI url, byte[] body) {
        return HttpRequest.newBuilder(url).timeout(REQUEST_TIMEOUT)
                .header("Content-Type", "application/json; charset=utf-8")
                .header("User-Agent", "tracegate")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    }

    /**
     * @param receiver names the receiver in logs (never a URL that carries a credential)
     * @param request  builds the request for each attempt, so a signature can carry a fresh timestamp
     * @return true once the receiver answered 2xx
     */
    boolean deliver(String receiver, String approvalId, Supplier<HttpRequest> request) {
        Duration backoff = firstBackoff;
        for (int attempt = 1; attempt <= attempts; attempt++) {
            String failure;
            try {
                int status = http.send(request.get(), HttpResponse.BodyHandlers.discarding()).statusCode();
                if (status / 100 == 2) {
                    return true;
                }
                failure = "answered " + status;
                if (status / 100 == 4 && status != 429) {
                    LOG.warn("notification of approval {} to {} refused ({}); not retrying", approvalId, receiver, failure);
                    return false;
                }
            } catch (IOException e) {
                failure = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            if (attempt == attempts) {
                LOG.warn("notification of approval {} to {} failed after {} attempts: {}", approvalId, receiver, attempts, failure);
                return false;
            }
            LOG.info("notification of approval {} to {} failed ({}), retrying in {} ms", approvalId, receiver, failure,
                    backoff.toMillis());
            if (!sleep(backoff)) {
                return false;
            }
            backoff = backoff.multipliedBy(2);
        }
        return false;
    }

    private static boolean sleep(Duration duration) {
        try {
            Thread.sleep(duration);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
