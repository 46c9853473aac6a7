package dev.tracegate.gateway.identity;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import dev.tracegate.gateway.config.OidcIssuerConfig;
import java.io.IOException;
import java.net.URI;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The signing keys of one issuer: {@code jwks_uri} found by discovery (once), the key set cached
 * and refreshed when it grows old, and refetched when a token names a key id the cache does not
 * know, so a provider's key rotation just works.
 *
 * <p>Fetches are rate-limited (by default at most one per 30 s) so tokens with made-up key ids
 * cannot turn the gateway into a flood against the provider. When a refresh fails the keys already
 * held stay in use: a provider outage does not lock everyone out.
 */
final class IssuerKeys {

    private static final Logger LOG = LoggerFactory.getLogger(IssuerKeys.class);
    /** With no keys at all, try again sooner than the normal rate limit allows. */
    private static final Duration FIRST_FETCH_RETRY = Duration.ofSeconds(5);

    private final OidcIssuerConfig config;
    private final HttpDocuments http;
    private final Clock clock;
    private final Duration maxAge;
    private final Duration minRefetchInterval;
    private final ReentrantLock lock = new ReentrantLock();

    private volatile Cached cached;
    private URI jwksUri;
    private Instant lastAttempt;

    IssuerKeys(OidcIssuerConfig config, HttpDocuments http, Clock clock, Duration maxAge, Duration minRefetchInterval) {
        this.config = config;
        this.http = http;
        this.clock = clock;
        this.maxAge = maxAge;
        this.minRefetchInterval = minRefetchInterval;
        this.jwksUri = config.jwksUri() == null ? null : URI.create(config.jwksUri());
    }

    /**
     * The published keys with key id {@code kid} (all keys when the token names none).
     *
     * @throws AuthenticationException when there is none, even after a permitted refetch
     */
    List<JWK> candidates(String kid) throws AuthenticationException {
        // Fast path without the lock: a fresh key set that knows the key. Only misses wait for a fetch.
        Cached cached = this.cached;
        if (cached != null && !clock.instant().isAfter(cached.fetchedAt().plus(maxAge))) {
            List<JWK> found = cached.select(kid);
            if (!found.isEmpty()) {
                return found;
            }
        }
        lock.lock();
        try {
            Instant now = clock.instant();
            if (this.cached == null || now.isAfter(this.cached.fetchedAt().plus(maxAge))) {
                refresh(now);
            }
            if (this.cached == null) {
                throw new AuthenticationException("signing keys of the issuer are unavailable");
            }
            List<JWK> found = this.cached.select(kid);
            if (found.isEmpty() && kid != null) {
                refresh(now);
                found = this.cached.select(kid);
            }
            if (found.isEmpty()) {
                throw new AuthenticationException("signing key not found (unknown kid)");
            }
            return found;
        } finally {
            lock.unlock();
        }
    }

    private void refresh(Instant now) {
        Duration wait = cached == null && FIRST_FETCH_RETRY.compareTo(minRefetchInterval) < 0
                ? FIRST_FETCH_RETRY : minRefetchInterval;
        if (lastAttempt != null && now.isBefore(lastAttempt.plus(wait))) {
            return;
        }
        lastAttempt = now;
        try {
            if (jwksUri == null) {
                jwksUri = discoverJwksUri();
            }
            JWKSet keys = JWKSet.parse(http.getJson(jwksUri));
            cached = new Cached(keys, now);
            LOG.debug("fetched {} signing keys of {}", keys.size(), config.issuer());
        } catch (IOException | ParseException | RuntimeException e) {
            LOG.warn("cannot fetch the signing keys of {}: {}", config.issuer(), e.getMessage());
        }
    }

    /** OpenID Connect Discovery 1.0, section 4.3: the document must name the very issuer asked for. */
    private URI discoverJwksUri() throws IOException {
        Map<String, Object> metadata = http.getJson(config.discoveryUri());
        if (!config.issuer().equals(metadata.get("issuer"))) {
            throw new IOException("the discovery document names issuer " + metadata.get("issuer") + ", not " + config.issuer());
        }
        if (!(metadata.get("jwks_uri") instanceof String uri)) {
            throw new IOException("the discovery document has no jwks_uri");
        }
        URI parsed = URI.create(uri);
        boolean loopback = List.of("localhost", "127.0.0.1", "[::1]").contains(parsed.getHost());
        if (!"https".equals(parsed.getScheme()) && !("http".equals(parsed.getScheme()) && loopback)) {
            throw new IOException("the discovery document's jwks_uri is not https: " + uri);
        }
        return parsed;
    }

    /** A fetched key set and when it was fetched; replaced whole, so readers need no lock. */
    private record Cached(JWKSet keys, Instant fetchedAt) {
        List<JWK> select(String kid) {
            return keys.getKeys().stream().filter(k -> kid == null || kid.equals(k.getKeyID())).toList();
        }
    }
}
