package dev.tracegate.gateway.config;

/**
 * What an HTTP client may hold of the HTTP gateway or the API port (Jetty) before and while it
 * sends a request. A client that sends its request line and headers a byte at a time resets any
 * idle timeout with every byte, so the headers have a deadline of their own, and a body must
 * arrive at a minimum rate while the gateway reads it.
 *
 * @param maxConnections           connections open at once; at the cap the listener stops accepting until one
 *                                 closes (they wait in the kernel's backlog); {@code 1000} unless set
 * @param idleTimeoutSeconds       a connection on which nothing moves for this long is closed; {@code 30} unless set
 * @param headerTimeoutSeconds     from connecting (TLS handshake included), and for each further request on the
 *                                 connection from its first byte, to the end of its headers; {@code 10} unless set
 * @param minRequestBytesPerSecond a request body must arrive at least this fast, measured over the time the gateway
 *                                 waits for it; {@code 1024} unless set
 */
public record HttpListenerLimits(int maxConnections, int idleTimeoutSeconds, int headerTimeoutSeconds,
                                 int minRequestBytesPerSecond) {

    public static final HttpListenerLimits DEFAULTS = new HttpListenerLimits(0, 0, 0, 0);

    public HttpListenerLimits {
        maxConnections = orDefault(maxConnections, 1000, "maxConnections");
        idleTimeoutSeconds = orDefault(idleTimeoutSeconds, 30, "idleTimeoutSeconds");
        headerTimeoutSeconds = orDefault(headerTimeoutSeconds, 10, "headerTimeoutSeconds");
        minRequestBytesPerSecond = orDefault(minRequestBytesPerSecond, 1024, "minRequestBytesPerSecond");
    }

    private static int orDefault(int value, int fallback, String key) {
        if (value < 0) {
            throw new ConfigException("listeners.<api|http>.httpLimits." + key + " cannot be negative");
        }
        return value == 0 ? fallback : value;
    }
}
