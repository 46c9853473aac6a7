package dev.tracegate.gateway.config;

/**
 * A PostgreSQL connection's pool of idle upstream sessions (off unless the connection has one).
 * A session that ends cleanly leaves its backend, reset with {@code DISCARD ALL}, to the next
 * session of the same caller with the same start-up settings; anything else closes it.
 *
 * @param maxIdle            idle backends kept per caller and settings; {@code 8} unless set
 * @param idleTimeoutSeconds an idle backend older than this is closed; {@code 60} unless set
 */
public record UpstreamPoolConfig(int maxIdle, int idleTimeoutSeconds) {

    public UpstreamPoolConfig {
        maxIdle = orDefault(maxIdle, 8, "maxIdle");
        idleTimeoutSeconds = orDefault(idleTimeoutSeconds, 60, "idleTimeoutSeconds");
    }

    private static int orDefault(int value, int fallback, String key) {
        if (value < 0) {
            throw new ConfigException("connections[].upstreamPool." + key + " cannot be negative");
        }
        return value == 0 ? fallback : value;
    }
}
