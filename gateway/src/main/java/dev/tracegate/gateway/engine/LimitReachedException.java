package dev.tracegate.gateway.engine;

/**
 * A caller was refused because a limit per identity or per address is reached. The message says
 * which limit, its value and what to do; each protocol tells its client in its own way (PostgreSQL
 * {@code 53300}, HTTP 429).
 */
public final class LimitReachedException extends Exception {

    private final String limit;

    LimitReachedException(String limit, String message) {
        super(message);
        this.limit = limit;
    }

    /** The configuration key of the limit, e.g. {@code limits.sessionsPerIdentity}. */
    public String limit() {
        return limit;
    }
}
