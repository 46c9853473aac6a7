package dev.tracegate.gateway.config;

/**
 * What a PostgreSQL client may hold before it has proved who it is. Until then every connection
 * costs the gateway a socket, a thread and a TLS handshake for nothing, so the time it may take and
 * how many there may be, in all and from one address, are bounded.
 *
 * @param startupTimeoutSeconds       TLS handshake, start-up and the token together; {@code 10} unless set
 * @param maxConnections              connections open at once, authenticated or not; {@code 1000} unless set
 * @param maxUnauthenticated          connections not yet authenticated, from everywhere; {@code 256} unless set
 * @param maxUnauthenticatedPerSource of those, from one address (an IPv6 /64); {@code 32} unless set
 */
public record ConnectionLimits(int startupTimeoutSeconds, int maxConnections, int maxUnauthenticated,
                               int maxUnauthenticatedPerSource) {

    public static final ConnectionLimits DEFAULTS = new ConnectionLimits(0, 0, 0, 0);

    public ConnectionLimits {
        startupTimeoutSeconds = orDefault(startupTimeoutSeconds, 10, "startupTimeoutSeconds");
        maxConnections = orDefault(maxConnections, 1000, "maxConnections");
        maxUnauthenticated = orDefault(maxUnauthenticated, 256, "maxUnauthenticated");
        maxUnauthenticatedPerSource = orDefault(maxUnauthenticatedPerSource, 32, "maxUnauthenticatedPerSource");
        if (maxUnauthenticatedPerSource > maxUnauthenticated || maxUnauthenticated > maxConnections) {
            throw new ConfigException("listeners.postgres.limits: maxUnauthenticatedPerSource <= maxUnauthenticated"
                    + " <= maxConnections");
        }
    }

    private static int orDefault(int value, int fallback, String key) {
        if (value < 0) {
            throw new ConfigException("listeners.postgres.limits." + key + " cannot be negative");
        }
        return value == 0 ? fallback : value;
    }
}
