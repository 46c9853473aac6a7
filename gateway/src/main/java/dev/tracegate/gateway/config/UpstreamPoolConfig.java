package dev.tracegate.gateway.config;

/**
 * A PostgreSQL connection's pool of idle upstream sessions (off unless the connection has one).
 * A session that ends cleanly leaves its backend, reset with {@code DISCARD ALL}, to the next
 * session of the same caller with the same start-up settings; anything else closes it.
 *
 * @param maxIdle             idle backends kept per caller and settings; {@code 8} unless set
 * @param idleTimeoutSeconds  an idle backend older than this is closed; {@code 60} unless set
 * @param maxSessions         sessions per caller and settings that may hold a backend at once, as
 *                            pgbouncer's {@code default_pool_size}; the others wait for one to end.
 *                            {@code 0} (unless set): no bound, each session without an idle backend opens one
 * @param queueTimeoutSeconds how long a session waits for its turn under {@code maxSessions} before it is
 *                            refused (53300); {@code 120} unless set, as pgbouncer's {@code query_wait_timeout}
 */
public record UpstreamPoolConfig(int maxIdle, int idleTimeoutSeconds, int maxSessions, int queueTimeoutSeconds) {

    public UpstreamPoolConfig {
        maxIdle = orDefault(maxIdle, 8, "maxIdle");
        idleTimeoutSeconds = orDefault(idleTimeoutSeconds, 60, "idleTimeoutSeconds");
        maxSessions = orDefault(maxSessions, 0, "maxSessions");
        queueTimeoutSeconds = orDefault(queueTimeoutSeconds, 120, "queueTimeoutSeconds");
    }

    /** A pool without a bound on the sessions that hold a backend at once. */
    public UpstreamPoolConfig(int maxIdle, int idleTimeoutSeconds) {
        this(maxIdle, idleTimeoutSeconds, 0, 0);
    }

    /** Whether sessions past {@code maxSessions} wait for a backend instead of opening their own. */
    public boolean queues() {
        return maxSessions > 0;
    }

    private static int orDefault(int value, int fallback, String key) {
        if (value < 0) {
            throw new ConfigException("connections[].upstreamPool." + key + " cannot be negative");
        }
        return value == 0 ? fallback : value;
    }
}
