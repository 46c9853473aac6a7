package dev.tracegate.gateway.engine;

import dev.tracegate.gateway.config.CallerLimits;
import dev.tracegate.gateway.evidence.SourceAddress;
import dev.tracegate.gateway.identity.Identity;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The sessions each identity and each address holds and opens, counted against the
 * {@link CallerLimits} for every protocol alike. Entries exist only while they count something, so
 * the maps are bounded by the sessions open plus the callers rate-limited in the last seconds.
 */
final class CallerSessions {

    /** An identity is its issuer and subject; the same subject at another issuer is someone else. */
    private record Caller(String issuer, String subject) {
        static Caller of(Identity identity) {
            return new Caller(identity.issuer(), identity.subject());
        }
    }

    private final CallerLimits limits;
    private final LongSupplier nanoTime;
    private final Map<Caller, Integer> openByCaller = new HashMap<>();
    private final Map<SourceAddress, Integer> openBySource = new HashMap<>();
    private final Map<Caller, SessionRate> ratesByCaller = new HashMap<>();
    private final Map<SourceAddress, SessionRate> ratesBySource = new HashMap<>();

    CallerSessions(CallerLimits limits, LongSupplier nanoTime) {
        this.limits = limits;
        this.nanoTime = nanoTime;
    }

    /** A place for one more session of {@code identity} from {@code source}; close it when the session ends. */
    synchronized Place open(Identity identity, SourceAddress source) throws LimitReachedException {
        Caller caller = Caller.of(identity);
        int ofCaller = openByCaller.getOrDefault(caller, 0);
        if (ofCaller >= limits.sessionsPerIdentity()) {
            throw new LimitReachedException("limits.sessionsPerIdentity", identity.subject() + " already has "
                    + ofCaller + " sessions open, the most one identity may hold (limits.sessionsPerIdentity); close one first");
        }
        int ofSource = source == null ? 0 : openBySource.getOrDefault(source, 0);
        if (source != null && ofSource >= limits.sessionsPerSource()) {
            throw new LimitReachedException("limits.sessionsPerSource", ofSource + " sessions are open from " + source
                    + ", the most one address may hold (limits.sessionsPerSource); close one first");
        }
        long now = nanoTime.getAsLong();
        forgetFullBuckets(now);
        if (!take(ratesByCaller, caller, limits.newSessionsPerSecondPerIdentity(), now)) {
            throw new LimitReachedException("limits.newSessionsPerSecondPerIdentity", identity.subject() + " opens sessions"
                    + " faster than " + limits.newSessionsPerSecondPerIdentity()
                    + " per second (limits.newSessionsPerSecondPerIdentity); reuse a session or retry in a second");
        }
        if (source != null && !take(ratesBySource, source, limits.newSessionsPerSecondPerSource(), now)) {
            throw new LimitReachedException("limits.newSessionsPerSecondPerSource", source + " opens sessions faster than "
                    + limits.newSessionsPerSecondPerSource() + " per second (limits.newSessionsPerSecondPerSource);"
                    + " reuse a session or retry in a second");
        }
        openByCaller.put(caller, ofCaller + 1);
        if (source != null) {
            openBySource.put(source, ofSource + 1);
        }
        return new Place(caller, source);
    }

    private static <K> boolean take(Map<K, SessionRate> rates, K key, int perSecond, long now) {
        if (perSecond == 0) {
            return true;
        }
        return rates.computeIfAbsent(key, k -> new SessionRate(perSecond, now)).take(now);
    }

    /** A full bucket is the same as none; dropping them keeps the maps to recent callers. */
    private void forgetFullBuckets(long now) {
        if (ratesByCaller.size() + ratesBySource.size() > 1024) {
            ratesByCaller.values().removeIf(rate -> rate.full(now));
            ratesBySource.values().removeIf(rate -> rate.full(now));
        }
    }

    private synchronized void close(Caller caller, SourceAddress source) {
        openByCaller.computeIfPresent(caller, (c, n) -> n == 1 ? null : n - 1);
        if (source != null) {
            openBySource.computeIfPresent(source, (s, n) -> n == 1 ? null : n - 1);
        }
    }

    /** One session's place in the counts; closing it (once or more) frees it. */
    final class Place implements SessionPlace {
        private final Caller caller;
        private final SourceAddress source;
        private boolean closed;

        private Place(Caller caller, SourceAddress source) {
            this.caller = caller;
            this.source = source;
        }

        @Override
        public void close() {
            synchronized (this) {
                if (closed) {
                    return;
                }
                closed = true;
            }
            CallerSessions.this.close(caller, source);
        }
    }
}
