package dev.tracegate.gateway.identity;

import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.JWKSetCacheRefreshEvaluator;
import com.nimbusds.jose.jwk.source.JWKSetSource;
import com.nimbusds.jose.jwk.source.JWKSetUnavailableException;
import com.nimbusds.jose.jwk.source.URLBasedJWKSetSource;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.ResourceRetriever;
import dev.tracegate.gateway.config.OidcIssuerConfig;
import java.net.URI;

/**
 * An issuer's published key set, at the {@code jwks_uri} its discovery document names
 * ({@link ProviderDiscovery}, on first use, so a provider that is down does not stop the gateway's
 * start), or at the configured {@code jwksUri}.
 */
final class DiscoveredKeySet implements JWKSetSource<SecurityContext> {

    private final OidcIssuerConfig config;
    private final ResourceRetriever http;
    private final ProviderDiscovery discovery;
    private volatile JWKSetSource<SecurityContext> keySet;

    DiscoveredKeySet(OidcIssuerConfig config, ResourceRetriever http) {
        this.config = config;
        this.http = http;
        this.discovery = new ProviderDiscovery(http);
        this.keySet = config.jwksUri() == null ? null : at(URI.create(config.jwksUri()));
    }

    @Override
    public JWKSet getJWKSet(JWKSetCacheRefreshEvaluator refresh, long now, SecurityContext context) throws KeySourceException {
        JWKSetSource<SecurityContext> known = keySet;
        if (known == null) {
            known = at(discoverJwksUri());
            keySet = known;
        }
        return known.getJWKSet(refresh, now, context);
    }

    private URI discoverJwksUri() throws KeySourceException {
        try {
            URI uri = discovery.read(config.issuer()).getJWKSetURI();
            if (uri == null) {
                throw new JWKSetUnavailableException("the discovery document of " + config.issuer() + " has no jwks_uri");
            }
            return uri;
        } catch (ProviderDiscovery.DiscoveryException e) {
            throw new JWKSetUnavailableException(e.getMessage());
        }
    }

    private JWKSetSource<SecurityContext> at(URI uri) {
        try {
            return new URLBasedJWKSetSource<>(uri.toURL(), http);
        } catch (java.net.MalformedURLException e) {
            throw new IllegalArgumentException("not a URL: " + uri, e);
        }
    }

    @Override
    public void close() {
        // Nothing held open: each fetch is its own connection.
    }
}
