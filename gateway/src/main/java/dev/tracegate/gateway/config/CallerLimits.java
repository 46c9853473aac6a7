package dev.tracegate.gateway.config;

/**
 * What one caller may hold and start, whatever the protocol, so that one identity or one address
 * cannot take what every other caller needs. Sessions are counted once the caller has proved who
 * it is (before that, each listener's own limits apply); HTTP requests are not sessions.
 *
 * @param sessionsPerIdentity            sessions one identity (issuer and subject) holds open at once; {@code 200} unless set
 * @param sessionsPerSource              sessions open at once from one address (an IPv6 /64); {@code 500} unless set
 * @param newSessionsPerSecondPerIdentity sessions one identity may open per second (a burst of twice that); {@code 0}: no limit
 * @param newSessionsPerSecondPerSource  the same per address; {@code 0}: no limit
 * @param heldStatementsPerIdentity      commands of one identity waiting for approval at once; {@code 10} unless set
 * @param failedLoginsPerSourcePerMinute refused credentials from one address per minute before each further refusal is
 *                                       answered late; {@code 50} unless set
 * @param failedLoginDelayMillis         how late; {@code 1000} unless set
 * @param idleSessionSeconds             a session in which the client has asked nothing for this long (and nothing is
 *                                       in flight) is ended; {@code 28800} (8 hours) unless set
 * @param heapPerSessionKiB              the heap one open session is given, gateway-wide: the heap less
 *                                       {@code heapReservedMiB}, divided by this, is how many sessions the gateway
 *                                       holds before it refuses new ones; {@code 160} unless set (measured: an idle
 *                                       TLS PostgreSQL session holds about 100 KiB, docs/operations.md)
 * @param heapReservedMiB                the heap kept for the gateway's own work, not for sessions; {@code 64} unless set
 * @param platformThreadSessions         signed-in PostgreSQL and MySQL sessions that relay on operating-system threads
 *                                       at once, gateway-wide (their reads woken by the kernel directly, cheaper per
 *                                       statement); the rest relay on virtual threads; {@code 64} unless set, {@code 0}
 *                                       for none
 */
public record CallerLimits(int sessionsPerIdentity, int sessionsPerSource, int newSessionsPerSecondPerIdentity,
                           int newSessionsPerSecondPerSource, int heldStatementsPerIdentity, int failedLoginsPerSourcePerMinute,
                           int failedLoginDelayMillis, int idleSessionSeconds, int heapPerSessionKiB, int heapReservedMiB,
                           Integer platformThreadSessions) {

    public static final CallerLimits DEFAULTS = new CallerLimits(0, 0, 0, 0, 0, 0, 0, 0);

    /** Two operating-system threads each: 128 threads, a few MiB of stacks, for the sessions of a busy gateway. */
    private static final int PLATFORM_THREAD_SESSIONS = 64;

    public CallerLimits {
        sessionsPerIdentity = orDefault(sessionsPerIdentity, 200, "sessionsPerIdentity");
        sessionsPerSource = orDefault(sessionsPerSource, 500, "sessionsPerSource");
        newSessionsPerSecondPerIdentity = orDefault(newSessionsPerSecondPerIdentity, 0, "newSessionsPerSecondPerIdentity");
        newSessionsPerSecondPerSource = orDefault(newSessionsPerSecondPerSource, 0, "newSessionsPerSecondPerSource");
        heldStatementsPerIdentity = orDefault(heldStatementsPerIdentity, 10, "heldStatementsPerIdentity");
        failedLoginsPerSourcePerMinute = orDefault(failedLoginsPerSourcePerMinute, 50, "failedLoginsPerSourcePerMinute");
        failedLoginDelayMillis = orDefault(failedLoginDelayMillis, 1000, "failedLoginDelayMillis");
        idleSessionSeconds = orDefault(idleSessionSeconds, 28_800, "idleSessionSeconds");
        heapPerSessionKiB = orDefault(heapPerSessionKiB, 160, "heapPerSessionKiB");
        heapReservedMiB = orDefault(heapReservedMiB, 64, "heapReservedMiB");
        if (platformThreadSessions == null) {
            platformThreadSessions = PLATFORM_THREAD_SESSIONS;
        } else if (platformThreadSessions < 0) {
            throw new ConfigException("limits.platformThreadSessions cannot be negative (0: every session on virtual threads)");
        }
        if (failedLoginDelayMillis > 30_000) {
            throw new ConfigException("limits.failedLoginDelayMillis is at most 30000: a refused client waits that long");
        }
    }

    /** The limits per caller, with the default heap per session. */
    public CallerLimits(int sessionsPerIdentity, int sessionsPerSource, int newSessionsPerSecondPerIdentity,
                        int newSessionsPerSecondPerSource, int heldStatementsPerIdentity, int failedLoginsPerSourcePerMinute,
                        int failedLoginDelayMillis, int idleSessionSeconds) {
        this(sessionsPerIdentity, sessionsPerSource, newSessionsPerSecondPerIdentity, newSessionsPerSecondPerSource,
                heldStatementsPerIdentity, failedLoginsPerSourcePerMinute, failedLoginDelayMillis, idleSessionSeconds, 0, 0,
                null);
    }

    /** The limits per caller, with the default threads for sessions. */
    public CallerLimits(int sessionsPerIdentity, int sessionsPerSource, int newSessionsPerSecondPerIdentity,
                        int newSessionsPerSecondPerSource, int heldStatementsPerIdentity, int failedLoginsPerSourcePerMinute,
                        int failedLoginDelayMillis, int idleSessionSeconds, int heapPerSessionKiB, int heapReservedMiB) {
        this(sessionsPerIdentity, sessionsPerSource, newSessionsPerSecondPerIdentity, newSessionsPerSecondPerSource,
                heldStatementsPerIdentity, failedLoginsPerSourcePerMinute, failedLoginDelayMillis, idleSessionSeconds,
                heapPerSessionKiB, heapReservedMiB, null);
    }

    private static int orDefault(int value, int fallback, String key) {
        if (value < 0) {
            throw new ConfigException("limits." + key + " cannot be negative");
        }
        return value == 0 ? fallback : value;
    }
}
