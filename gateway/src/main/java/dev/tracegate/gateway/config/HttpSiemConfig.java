package dev.tracegate.gateway.config;

import java.net.URI;

/**
 * An HTTP endpoint that takes evidence events as JSON arrays (POST), e.g. a SIEM's HTTP collector.
 *
 * @param url           {@code https://...}; {@code http://} only to {@code localhost} or a loopback address
 * @param authorization the {@code Authorization} header's value, e.g. {@code Bearer ...}, by reference (optional)
 * @param caCertificate PEM file of the CA(s) its certificate must chain to; the JDK's CAs when absent
 * @param batchEvents   events per request at most (100 by default)
 */
public record HttpSiemConfig(String url, SecretReference authorization, String caCertificate, int batchEvents) {

    private static final int MAX_BATCH_EVENTS = 10_000;

    public HttpSiemConfig {
        URI uri;
        try {
            uri = URI.create(url == null ? "" : url);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("siem.http.url is not a URL");
        }
        boolean https = "https".equals(uri.getScheme());
        boolean loopbackHttp = "http".equals(uri.getScheme()) && uri.getHost() != null
                && (uri.getHost().equals("localhost") || uri.getHost().equals("127.0.0.1") || uri.getHost().equals("[::1]"));
        if (uri.getHost() == null || !(https || loopbackHttp)) {
            throw new ConfigException("siem.http.url must be an https:// URL (http:// only to localhost): "
                    + "evidence events name people and what they ran");
        }
        if (batchEvents < 0 || batchEvents > MAX_BATCH_EVENTS) {
            throw new ConfigException("siem.http.batchEvents must be between 1 and " + MAX_BATCH_EVENTS);
        }
        batchEvents = batchEvents == 0 ? 100 : batchEvents;
    }
}
