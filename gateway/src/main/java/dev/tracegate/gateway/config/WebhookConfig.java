package dev.tracegate.gateway.config;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * A receiver of approval notifications: the gateway POSTs JSON to it, signed with HMAC-SHA256.
 *
 * @param url      where to POST, {@code http://} or {@code https://}
 * @param secret   the shared signing secret, by reference; receivers check {@code X-Tracegate-Signature} with it
 * @param attempts deliveries tried before giving up, on connection errors and 5xx answers (default 3)
 */
public record WebhookConfig(String url, SecretReference secret, int attempts) {

    public static final int DEFAULT_ATTEMPTS = 3;

    public WebhookConfig {
        ConnectionConfig.require(url, "approvals.notifications.webhooks[].url");
        requireHttpUrl(url, "approvals.notifications.webhooks[].url");
        if (secret == null) {
            throw new ConfigException("approvals.notifications.webhooks[" + url + "].secret is required: receivers verify the signature with it");
        }
        attempts = attempts <= 0 ? DEFAULT_ATTEMPTS : attempts;
    }

    static void requireHttpUrl(String url, String key) {
        try {
            URI uri = new URI(url);
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                throw new ConfigException(key + " must be an http:// or https:// URL");
            }
        } catch (URISyntaxException e) {
            throw new ConfigException(key + " is not a URL: " + e.getReason());
        }
    }
}
