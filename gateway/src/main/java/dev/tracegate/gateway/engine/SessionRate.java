package dev.tracegate.gateway.engine;

/**
 * A token bucket of new sessions: {@code perSecond} refilled continuously, up to a burst of twice
 * that. Not thread-safe; {@link CallerSessions} holds its lock around it.
 */
final class SessionRate {

    private final double perSecond;
    private final double burst;
    private double tokens;
    private long refilledAt;

    SessionRate(int perSecond, long now) {
        this.perSecond = perSecond;
        this.burst = 2.0 * perSecond;
        this.tokens = burst;
        this.refilledAt = now;
    }

    /** Takes one session's token if there is one. */
    boolean take(long nowNanos) {
        refill(nowNanos);
        if (tokens < 1) {
            return false;
        }
        tokens--;
        return true;
    }

    /** Whether the bucket is full again, so forgetting it changes nothing. */
    boolean full(long nowNanos) {
        refill(nowNanos);
        return tokens >= burst;
    }

    private void refill(long nowNanos) {
        tokens = Math.min(burst, tokens + (nowNanos - refilledAt) / 1e9 * perSecond);
        refilledAt = nowNanos;
    }
}
