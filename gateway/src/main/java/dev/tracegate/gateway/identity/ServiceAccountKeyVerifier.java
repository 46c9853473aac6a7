package dev.tracegate.gateway.identity;

import dev.tracegate.gateway.config.GatewayTokensConfig;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verifies run-time service-account keys ({@code tgsa_...}) against a {@link ServiceAccountStore}.
 *
 * <p>The same keys' SSH variant, an OpenSSH public key registered to the account, is looked up by its
 * fingerprint ({@link SshPublicKey}) for the SSH listener only.
 *
 * <p>Lookups are cached for a few seconds (5 by default) so a burst of connections costs one
 * query, and a revocation takes effect within that time on every node sharing the store. Unknown
 * keys are not cached, so a new key works at once. Last use is recorded at most once a minute per
 * key, and a failure to record it never refuses a valid key. When the store cannot be read,
 * keys are refused ("service account keys are unavailable"): fail closed.
 *
 * <p>Gateway tokens derived from a key name it ({@code key} claim) and are checked here by the
 * key's id on every use ({@link #requireActive}), with the same cache: revoking a key ends them
 * too, at once on this node and within the cache time on the others. A sign-in with a key lasts
 * until the key expires, and at most {@code maxSession}.
 */
public final class ServiceAccountKeyVerifier implements IdentityVerifier, SshPublicKeyVerifier {

    public static final Duration DEFAULT_CACHE_TIME = Duration.ofSeconds(5);
    private static final Duration DEFAULT_MAX_SESSION = Duration.ofSeconds(GatewayTokensConfig.DEFAULT_MAX_SESSION_SECONDS);
    static final Duration USE_RECORDING_INTERVAL = Duration.ofMinutes(1);
    private static final int MAX_CACHED = 10_000;
    private static final Logger LOG = LoggerFactory.getLogger(ServiceAccountKeyVerifier.class);

    private final ServiceAccountStore store;
    private final Clock clock;
    private final Duration cacheTime;
    private final Duration maxSession;
    private final Map<String, Cached> byHash = new ConcurrentHashMap<>();
    private final Map<String, Cached> byId = new ConcurrentHashMap<>();
    private final Map<String, Instant> useRecorded = new ConcurrentHashMap<>();

    public ServiceAccountKeyVerifier(ServiceAccountStore store) {
        this(store, DEFAULT_MAX_SESSION);
    }

    public ServiceAccountKeyVerifier(ServiceAccountStore store, Duration maxSession) {
        this(store, Clock.systemUTC(), DEFAULT_CACHE_TIME, maxSession);
    }

    ServiceAccountKeyVerifier(ServiceAccountStore store, Clock clock, Duration cacheTime) {
        this(store, clock, cacheTime, DEFAULT_MAX_SESSION);
    }

    ServiceAccountKeyVerifier(ServiceAccountStore store, Clock clock, Duration cacheTime, Duration maxSession) {
        this.store = store;
        this.clock = clock;
        this.cacheTime = cacheTime;
        this.maxSession = maxSession;
    }

    @Override
    public SignIn signIn(String credential) throws AuthenticationException {
        if (!ServiceAccountSecret.looksLike(credential)) {
            throw new UnrecognizedCredentialException("not a service account key");
        }
        Instant now = clock.instant();
        String hash = ServiceAccountSecret.hash(credential);
        return signedIn(usable(lookup(byHash, hash, now, () -> store.findBySecretHash(hash)), now), now);
    }

    /** An SSH key of a service account (its holder signed with it); the same cache, expiry and revocation as a secret key. */
    @Override
    public Optional<SignIn> signIn(SshPublicKey publicKey) throws AuthenticationException {
        Instant now = clock.instant();
        String stored = publicKey.stored();
        ServiceAccountKey key = lookup(byHash, stored, now, () -> store.findBySecretHash(stored));
        return key == null ? Optional.empty() : Optional.of(signedIn(usable(key, now), now));
    }

    private SignIn signedIn(ServiceAccountKey key, Instant now) {
        recordUse(key, now);
        Instant end = now.plus(maxSession);
        if (key.expiresAt() != null && key.expiresAt().isBefore(end)) {
            end = key.expiresAt();
        }
        CredentialRef ref = new CredentialRef(CredentialRef.SERVICE_ACCOUNT_KEY, key.id());
        return new SignIn(key.identity(), now, end, null, ref, ref);
    }

    /** A token derived from key {@code id} is used: the key must still be neither revoked nor expired. */
    void requireActive(String id) throws AuthenticationException {
        Instant now = clock.instant();
        usable(lookup(byId, id, now, () -> store.find(id)), now);
    }

    /** Drops what is cached about a key, e.g. right after revoking it on this node. */
    public void forget(String keyId) {
        byHash.values().removeIf(cached -> cached.key().id().equals(keyId));
        byId.remove(keyId);
    }

    private static ServiceAccountKey usable(ServiceAccountKey key, Instant now) throws AuthenticationException {
        if (key == null) {
            throw new AuthenticationException("unknown service account key");
        }
        if (key.revoked()) {
            throw new AuthenticationException("service account key revoked");
        }
        if (key.expired(now)) {
            throw new AuthenticationException("service account key expired");
        }
        return key;
    }

    private ServiceAccountKey lookup(Map<String, Cached> cache, String lookupKey, Instant now,
                                     Supplier<Optional<ServiceAccountKey>> fromStore) throws AuthenticationException {
        Cached cached = cache.get(lookupKey);
        if (cached != null && now.isBefore(cached.until())) {
            return cached.key();
        }
        ServiceAccountKey key;
        try {
            key = fromStore.get().orElse(null);
        } catch (RuntimeException e) {
            // Fail closed, with a reason the listener can record; the store's message stays in the log.
            LOG.warn("cannot look up a service account key: {}", e.getMessage());
            throw new AuthenticationException("service account keys are unavailable");
        }
        if (key == null) {
            cache.remove(lookupKey);
            return null;
        }
        if (cache.size() >= MAX_CACHED) {
            cache.clear(); // crude but bounded; the next lookups simply go to the store
        }
        cache.put(lookupKey, new Cached(key, now.plus(cacheTime)));
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
