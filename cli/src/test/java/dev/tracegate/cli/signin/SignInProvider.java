package dev.tracegate.cli.signin;

import com.nimbusds.oauth2.sdk.OAuth2Error;
import com.nimbusds.oauth2.sdk.RefreshTokenGrant;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.OAuth2Config;
import no.nav.security.mock.oauth2.OAuth2Exception;
import no.nav.security.mock.oauth2.token.OAuth2TokenCallback;
import no.nav.security.mock.oauth2.token.OAuth2TokenProvider;

/**
 * A real OpenID provider in-process (mock-oauth2-server, non-interactive: its authorization
 * endpoint sends the browser straight back with a code, and it checks PKCE). Two issuers: one for a
 * public client, one whose token endpoint insists on a client secret. Token lifetimes can be
 * shortened and refreshes refused, to play expiry.
 */
final class SignInProvider implements AutoCloseable {

    static final String PUBLIC = "public";
    static final String CONFIDENTIAL = "confidential";
    static final String CLIENT_SECRET = "correct horse battery staple";
    static final String SUBJECT = "alice";

    final ScriptedIssuer publicIssuer = new ScriptedIssuer(PUBLIC, null);
    final ScriptedIssuer confidentialIssuer = new ScriptedIssuer(CONFIDENTIAL, CLIENT_SECRET);
    private final MockOAuth2Server server;

    SignInProvider() {
        server = new MockOAuth2Server(new OAuth2Config(false, null, null, false, new OAuth2TokenProvider(),
                Set.of(publicIssuer, confidentialIssuer)));
        server.start();
    }

    String issuer(String issuerId) {
        return server.issuerUrl(issuerId).toString();
    }

    @Override
    public void close() {
        server.shutdown();
    }

    /** How one issuer answers token requests. */
    static final class ScriptedIssuer implements OAuth2TokenCallback {
        private final String issuerId;
        private final String clientSecret;
        final AtomicLong lifetimeSeconds = new AtomicLong(3600);
        final AtomicBoolean refuseRefresh = new AtomicBoolean();

        ScriptedIssuer(String issuerId, String clientSecret) {
            this.issuerId = issuerId;
            this.clientSecret = clientSecret;
        }

        void reset() {
            lifetimeSeconds.set(3600);
            refuseRefresh.set(false);
        }

        @Override
        public String issuerId() {
            return issuerId;
        }

        @Override
        public String subject(TokenRequest request) {
            if (clientSecret != null && !(request.getClientAuthentication() instanceof ClientSecretBasic basic
                    && basic.getClientSecret().getValue().equals(clientSecret))) {
                throw new OAuth2Exception(OAuth2Error.INVALID_CLIENT.setDescription("Client authentication failed"),
                        "Client authentication failed");
            }
            if (refuseRefresh.get() && request.getAuthorizationGrant() instanceof RefreshTokenGrant) {
                throw new OAuth2Exception(OAuth2Error.INVALID_GRANT.setDescription("Refresh token expired"),
                        "Refresh token expired");
            }
            return SUBJECT;
        }

        @Override
        public String typeHeader(TokenRequest request) {
            return "JWT";
        }

        @Override
        public List<String> audience(TokenRequest request) {
            return List.of("tracegate");
        }

        @Override
        public Map<String, Object> addClaims(TokenRequest request) {
            return Map.of("name", "Alice Example", "groups", List.of("dba"));
        }

        @Override
        public long tokenExpiry() {
            return lifetimeSeconds.get();
        }
    }
}
