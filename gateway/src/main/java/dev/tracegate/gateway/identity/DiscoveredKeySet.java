package dev.tracegate.gateway.identity;

import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.JWKSetCacheRefreshEvaluator;
import com.nimbusds.jose.jwk.source.JWKSetSource;
import com.nimbusds.jose.jwk.source.JWKSetUnavailableException;
import com.nimbusds.jose.jwk.source.URLBasedJWKSetSource;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.ResourceRetriever;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import dev.tracegate.gateway.config.OidcIssuerConfig;
import java.io.IOException;
import java.net.URI;
import java.util.List;

/**
 * An issuer's published key set, at the {@code jwks_uri} its discovery document names (found on
 * first use, so a provider that is down does not stop the gateway's start), or at the configured
 * {@code jwksUri}.
 */
final class DiscoveredKeySet implements JWKSetSource<SecurityContext> {

    private final OidcIssuerConfig config;
    private final ResourceRetriever http;
    private volatile JWKSetSource<SecurityContext> keySet;

    DiscoveredKeySet(OidcIssuerConfig config, ResourceRetriever http) {
        this.config = config;
        this.http = http;
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

    /** OpenID Connect Discovery 1.0, section 4.3: the document must name the very issuer asked for. */
    private URI discoverJwksUri() throws KeySourceException {
        OIDCProviderMetadata metadata;
        try {
            metadata = OIDCProviderMetadata.parse(http.retrieveResource(config.discoveryUri().toURL()).getContent());
        } catch (IOException e) {
            throw new JWKSetUnavailableException("cannot fetch the discovery document: " + e.getMessage());
        } catch (ParseException e) {
            throw new JWKSetUnavailableException("the discovery document is not valid: " + e.getMessage());
        }
        if (!config.issuer().equals(metadata.getIssuer().getValue())) {
            throw new JWKSetUnavailableException("the discovery document names issuer " + metadata.getIssuer() + ", not " + config.issuer());
        }
        URI uri = metadata.getJWKSetURI();
        if (uri == null) {
            throw new JWKSetUnavailableException("the discovery document has no jwks_uri");
        }
        boolean loopback = List.of("localhost", "127.0.0.1", "[::1]").contains(uri.getHost());
        if (!"https".equals(uri.getScheme()) && !("http".equals(uri.getScheme()) && loopback)) {
            throw new JWKSetUnavailableException("the discovery document's jwks_uri is not https: " + uri);
        }
        return uri;
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
