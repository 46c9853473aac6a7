package dev.tracegate.gateway.identity;

import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.CachingJWKSetSource;
import com.nimbusds.jose.jwk.source.JWKSetCacheRefreshEvaluator;
import com.nimbusds.jose.jwk.source.JWKSetSource;
import com.nimbusds.jose.jwk.source.OutageTolerantJWKSetSource;
import com.nimbusds.jose.jwk.source.RateLimitReachedException;
import com.nimbusds.jose.jwk.source.RetryingJWKSetSource;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jose.util.ResourceRetriever;
import dev.tracegate.gateway.config.OidcIssuerConfig;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The signing keys of one issuer, from nimbus's key set sources stacked as docs/identity.md
 * promises: cached for {@code maxAge}; refetched when a token names a key id the cache does not
 * know; at most one fetch per {@code minRefetchInterval} ({@link KeySetFetchLimit}); one retry of
 * a failed fetch; the keys already held kept when a refresh fails (outage tolerance, without end);
 * the key set's URL found by discovery on first use ({@link DiscoveredKeySet}).
 *
 * <p>The stack is assembled here rather than by {@code JWKSourceBuilder} for two reasons: the
 * builder's rate limiter lets two fetches through per interval, and its {@code JWKSource} reads
 * the system clock, where the sources themselves take the time from their caller (our clock).
 */
final class IssuerKeys {

    private static final Logger LOG = LoggerFactory.getLogger(IssuerKeys.class);
    private static final int CONNECT_TIMEOUT_MS = 5_000;
    private static final int READ_TIMEOUT_MS = 10_000;
    private static final int MAX_BYTES = 512 * 1024;
    /** How long a second caller waits for a fetch already under way before giving up on it. */
    private static final Duration REFRESH_WAIT = Duration.ofSeconds(15);

    private final OidcIssuerConfig config;
    private final Clock clock;
    private final JWKSetSource<SecurityContext> source;

    IssuerKeys(OidcIssuerConfig config, Clock clock, Duration maxAge, Duration minRefetchInterval) {
        this.config = config;
        this.clock = clock;
        // HttpURLConnection underneath: the JVM's proxy settings (https.proxyHost) apply.
        ResourceRetriever http = new DefaultResourceRetriever(CONNECT_TIMEOUT_MS, READ_TIMEOUT_MS, MAX_BYTES);
        JWKSetSource<SecurityContext> fetched = new RetryingJWKSetSource<>(new DiscoveredKeySet(config, http), null);
        JWKSetSource<SecurityContext> kept = new OutageTolerantJWKSetSource<>(fetched, Long.MAX_VALUE, null);
        this.source = new CachingJWKSetSource<>(new KeySetFetchLimit(kept, minRefetchInterval), maxAge.toMillis(),
                REFRESH_WAIT.toMillis(), null);
    }

    /**
     * The published keys with key id {@code kid} (all keys when the token names none).
     *
     * @throws AuthenticationException when there is none, even after a permitted refetch
     */
    List<JWK> candidates(String kid) throws AuthenticationException {
        long now = clock.millis();
        JWKSet keys;
        try {
            keys = source.getJWKSet(JWKSetCacheRefreshEvaluator.noRefresh(), now, null);
        } catch (KeySourceException e) {
            logFailure(e);
            throw new AuthenticationException("signing keys of the issuer are unavailable");
        }
        List<JWK> found = select(keys, kid);
        if (found.isEmpty() && kid != null) {
            try {
                found = select(source.getJWKSet(JWKSetCacheRefreshEvaluator.referenceComparison(keys), now, null), kid);
            } catch (KeySourceException e) {
                logFailure(e);
            }
        }
        if (found.isEmpty()) {
            throw new AuthenticationException("signing key not found (unknown kid)");
        }
        return found;
    }

    private void logFailure(KeySourceException e) {
        if (!(e instanceof RateLimitReachedException)) {
            LOG.warn("cannot fetch the signing keys of {}: {}", config.issuer(), e.getMessage());
        }
    }

    private static List<JWK> select(JWKSet keys, String kid) {
        return keys.getKeys().stream().filter(k -> kid == null || kid.equals(k.getKeyID())).toList();
    }
}
