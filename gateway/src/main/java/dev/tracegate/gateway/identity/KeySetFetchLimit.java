package dev.tracegate.gateway.identity;

import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.JWKSetCacheRefreshEvaluator;
import com.nimbusds.jose.jwk.source.JWKSetSource;
import com.nimbusds.jose.jwk.source.JWKSetSourceWrapper;
import com.nimbusds.jose.jwk.source.RateLimitReachedException;
import com.nimbusds.jose.proc.SecurityContext;
import java.time.Duration;

/**
 * At most one key set fetch per interval, so tokens with made-up key ids cannot turn the gateway
 * into a flood against the provider. Until a fetch has succeeded the interval is at most 5 s, so
 * a provider that was down at the gateway's first token is asked again soon.
 *
 * <p>Nimbus's own {@code RateLimitedJWKSetSource} lets a second fetch through in every interval;
 * the documented promise is one.
 */
final class KeySetFetchLimit extends JWKSetSourceWrapper<SecurityContext> {

    private static final Duration BEFORE_FIRST_KEYS = Duration.ofSeconds(5);

    private final long intervalMillis;
    private long lastAttempt = Long.MIN_VALUE;
    private boolean held;

    KeySetFetchLimit(JWKSetSource<SecurityContext> source, Duration interval) {
        super(source);
        this.intervalMillis = interval.toMillis();
    }

    @Override
    public JWKSet getJWKSet(JWKSetCacheRefreshEvaluator refresh, long now, SecurityContext context) throws KeySourceException {
        synchronized (this) {
            long interval = held ? intervalMillis : Math.min(intervalMillis, BEFORE_FIRST_KEYS.toMillis());
            if (lastAttempt != Long.MIN_VALUE && now < lastAttempt + interval) {
                throw new RateLimitReachedException();
            }
            lastAttempt = now;
        }
        JWKSet keys = getSource().getJWKSet(refresh, now, context);
        synchronized (this) {
            held = true;
        }
        return keys;
    }
}
