package dev.tracegate.gateway.identity;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verifies run-time service-account keys ({@code tgsa_...}) against a {@link ServiceAccountStore}.
 *
 * <p>Lookups are cached for a few seconds (5 by default) so a burst of connections costs one
 * query, and a revocation takes effect within that time on every node sharing the store. Unknown
 * keys are not cached, so a new key works at once. Last use is recorded at most once a minute per
 * key, and a failure to record it never refuses a valid key. When the store cannot be read,
 * keys are refused ("service account keys are unavailable"): fail closed.
 */
public final class ServiceAccountKeyVerifier implements IdentityVerifier {

    public static final Duration DEFAULT_CACHE_TIME = Duration.ofSeconds(5);
    static final Duration USE_RECORDING_INTERVAL = Duration.ofMinutes(1);
    private static final int MAX_CACHED = 10_000;
    private static final Logger LOG = LoggerFactory.getLogger(ServiceAccountKeyVerifier.class);

    private final ServiceAccountStore store;
    private final Clock clock;
    private final Duration cacheTime;
    private final Map<String, Cached> byHash = new ConcurrentHashMap<>();
    private final Map<String, Instant> useRecorded = new ConcurrentHashMap<>();

    public ServiceAccountKeyVerifier(ServiceAccountStore store) {
        this(store, Clock.systemUTC(), DEFAULT_CACHE_TIME);
    }

    ServiceAccountKeyVerifier(ServiceAccountStore store, Clock clock, Duration cacheTime) {
        this.store = store;
        this.clock = clock;
        this.cacheTime = cacheTime;
    }

    @Override
    public Identity verify(String credential) throws AuthenticationException {
        if (!ServiceAccountSecret.looksLike(credential)) {
            throw new UnrecognizedCredentialException("not a service account key");
        }
        Instant now = clock.instant();
        String hash = ServiceAccountSecret.hash(credential);
        ServiceAccountKey key = lookup(hash, now);
        if (key == null) {
            throw new AuthenticationException("unknown service account key");
        }
        if (key.revoked()) {
            throw new AuthenticationException("service account key revoked");
        }
        if (key.expired(now)) {
            throw new AuthenticationException("service account key expired");
        }
        recordUse(key, now);
        return key.identity();
    }

    /** Drops what is cached about a key, e.g. right after revoking it on this node. */
    public void forget(String keyId) {
        byHash.values().removeIf(cached -> cached.key().id().equals(keyId));
    }

    private ServiceAccountKey lookup(String hash, Instant now) throws AuthenticationException {
        Cached cached = byHash.get(hash);
        if (cached != null && now.isBefore(cached.until())) {
            return cached.key();
        }
        ServiceAccountKey key;
        try {
            key = store.findBySecretHash(hash).orElse(null);
        } catch (RuntimeException e) {
            // Fail closed, with a reason the listener can record; the store's message stays in the log.
            LOG.warn("cannot look up a service account key: {}", e.getMessage());
            throw new AuthenticationException("service account keys are unavailable");
        }
        if (key == null) {
            byHash.remove(hash);
            return null;
        }
        if (byHash.size() >= MAX_CACHED) {
            byHash.clear(); // crude but bounded; the next lookups simply go to the store
        }
        byHash.put(hash, new Cached(key, now.plus(cacheTime)));
        return key;
    }

    private void recordUse(ServiceAccountKey key, Instant now) {
        Instant last = useRecorded.get(key.id());
        if (last != null && now.isBefore(last.plus(USE_RECORDING_INTERVAL))) {
            return;
        }
        useRecorded.put(key.id(), now);
        try {
            store.recordUse(key.id(), now);
        } catch (RuntimeException e) {
            LOG.warn("cannot record the use of service account key {}: {}", key.id(), e.getMessage());
        }
    }

    private record Cached(ServiceAccountKey key, Instant until) {
    }
}
