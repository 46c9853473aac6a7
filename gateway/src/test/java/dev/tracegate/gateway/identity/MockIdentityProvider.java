package dev.tracegate.gateway.identity;

import com.nimbusds.jwt.SignedJWT;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.OAuth2Config;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import no.nav.security.mock.oauth2.token.KeyProvider;
import no.nav.security.mock.oauth2.token.OAuth2TokenProvider;

/**
 * A real OIDC provider in-process (mock-oauth2-server): discovery, JWKS and RS256 tokens for any
 * number of issuers ({@code http://localhost:<port>/<issuerId>}), each with its own key. Its clock
 * can be moved to mint tokens that are already expired or not yet valid.
 */
public final class MockIdentityProvider implements AutoCloseable {

    private final AtomicReference<Instant> time = new AtomicReference<>();
    private final MockOAuth2Server server;

    public MockIdentityProvider() {
        server = new MockOAuth2Server(new OAuth2Config(false, null, null, false,
                new OAuth2TokenProvider(new KeyProvider(), () -> time.get() == null ? Instant.now() : time.get())));
        server.start();
    }

    public String issuer(String issuerId) {
        return server.issuerUrl(issuerId).toString();
    }

    public String token(String issuerId, String subject, String audience, Map<String, Object> claims) {
        return token(issuerId, subject, audience, claims, Duration.ofHours(1));
    }

    public String token(String issuerId, String subject, String audience, Map<String, Object> claims, Duration lifetime) {
        SignedJWT jwt = server.issueToken(issuerId, subject, audience, claims, lifetime.toSeconds());
        return jwt.serialize();
    }

    /** A token whose authorized party ({@code azp}) is {@code clientId}. */
    String tokenForClient(String issuerId, String clientId, String subject, String audience, Map<String, Object> claims) {
        return server.issueToken(issuerId, clientId,
                new DefaultOAuth2TokenCallback(issuerId, subject, "JWT", List.of(audience), claims, 3600)).serialize();
    }

    /** A token minted as if the provider's clock read {@code at}. */
    String tokenIssuedAt(Instant at, String issuerId, String subject, String audience, Duration lifetime) {
        time.set(at);
        try {
            return token(issuerId, subject, audience, Map.of(), lifetime);
        } finally {
            time.set(null);
        }
    }

    @Override
    public void close() {
        server.shutdown();
    }
}
