package dev.tracegate.gateway.console;

import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.as.AuthorizationServerMetadata;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.openid.connect.sdk.AuthenticationRequest;
import com.nimbusds.openid.connect.sdk.Nonce;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponse;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponseParser;
import dev.tracegate.gateway.config.ConsoleConfig;
import dev.tracegate.gateway.identity.AuthenticationException;
import dev.tracegate.gateway.identity.SignIn;
import dev.tracegate.gateway.identity.OidcVerifier;
import dev.tracegate.gateway.identity.ProviderDiscovery;
import dev.tracegate.gateway.identity.VerifiedOidcToken;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Console sign-in by OpenID Connect: authorization code with PKCE (S256), a state bound to the
 * browser that started the sign-in, and a nonce checked in the ID token. The ID token is then
 * verified by the gateway's own OIDC verifier, like a token at any listener, so groups, kinds
 * and required claims mean the same in the console as everywhere else.
 */
final class OidcSignIn {

    static final Duration MAX_SIGN_IN_TIME = Duration.ofMinutes(10);
    private static final int MAX_PENDING = 10_000;
    private static final int CONNECT_TIMEOUT_MS = 5_000;
    private static final int READ_TIMEOUT_MS = 10_000;

    /** A sign-in between the redirect to the provider and its return. */
    record Pending(State state, Nonce nonce, CodeVerifier verifier, URI redirectUri, String returnTo, Instant startedAt) {
    }

    /** Where to send the browser, and the state its sign-in cookie must carry back. */
    record Start(URI authorizationUri, String state) {
    }

    private final ConsoleConfig config;
    private final OidcVerifier verifier;
    private final Clock clock;
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    private final ProviderDiscovery discovery =
            new ProviderDiscovery(Duration.ofMillis(CONNECT_TIMEOUT_MS), Duration.ofMillis(READ_TIMEOUT_MS));
    private volatile AuthorizationServerMetadata provider;

    OidcSignIn(ConsoleConfig config, OidcVerifier verifier, Clock clock) {
        this.config = config;
        this.verifier = verifier;
        this.clock = clock;
    }

    Start begin(URI redirectUri, String returnTo) throws SignInException {
        forgetStale();
        Pending started = new Pending(new State(), new Nonce(), new CodeVerifier(), redirectUri, returnTo, clock.instant());
        AuthenticationRequest request = new AuthenticationRequest.Builder(ResponseType.CODE, new Scope("openid", "profile", "email"),
                new ClientID(config.clientId()), redirectUri)
                .endpointURI(provider().getAuthorizationEndpointURI())
                .state(started.state())
                .nonce(started.nonce())
                .codeChallenge(started.verifier(), CodeChallengeMethod.S256)
                .build();
        pending.put(started.state().getValue(), started);
        return new Start(request.toURI(), started.state().getValue());
    }

    /**
     * Finishes the sign-in the provider redirected back with.
     *
     * @param browserState the state from the browser's sign-in cookie: a code and state that
     *                     arrive in another browser (a login CSRF) are refused
     */
    Completed complete(String state, String code, String browserState) throws SignInException {
        if (state == null || code == null) {
            throw new SignInException("the identity provider sent no code or state back");
        }
        if (browserState == null || !browserState.equals(state)) {
            throw new SignInException("this sign-in was not started in this browser; start again");
        }
        Pending started = pending.remove(state);
        if (started == null || started.startedAt().plus(MAX_SIGN_IN_TIME).isBefore(clock.instant())) {
            throw new SignInException("this sign-in is unknown or took longer than "
                    + MAX_SIGN_IN_TIME.toMinutes() + " minutes; start again");
        }
        String idToken = exchange(started, code);
        VerifiedOidcToken verified;
        try {
            verified = verifier.verifyToken(idToken, OidcVerifier.Use.SIGN_IN);
        } catch (AuthenticationException e) {
            throw new SignInException("the ID token was refused: " + e.getMessage());
        }
        requireIssuedForThisSignIn(config, verified, started);
        try {
            return new Completed(verified.interactiveSignIn(clock.instant()), started.returnTo());
        } catch (AuthenticationException e) {
            throw new SignInException("the ID token was refused: " + e.getMessage());
        }
    }

    /** Who signed in (and when, at the provider), and the console page they were headed for. */
    record Completed(SignIn signIn, String returnTo) {
    }

    /** The token is from the console's issuer, for the console's client, and carries this sign-in's nonce. */
    static void requireIssuedForThisSignIn(ConsoleConfig config, VerifiedOidcToken verified, Pending started) throws SignInException {
        if (!config.issuer().equals(verified.identity().issuer())) {
            throw new SignInException("the ID token comes from " + verified.identity().issuer() + ", not " + config.issuer());
        }
        Object audience = verified.claims().get("aud");
        boolean forConsole = audience instanceof Collection<?> list ? list.contains(config.clientId()) : config.clientId().equals(audience);
        if (!forConsole) {
            throw new SignInException("the ID token was not issued to the console's client " + config.clientId());
        }
        if (!started.nonce().getValue().equals(verified.claims().get("nonce"))) {
            throw new SignInException("the ID token's nonce does not belong to this sign-in (a replayed token?)");
        }
    }

    private String exchange(Pending started, String code) throws SignInException {
        AuthorizationCodeGrant grant = new AuthorizationCodeGrant(new AuthorizationCode(code), started.redirectUri(), started.verifier());
        URI tokenEndpoint = provider().getTokenEndpointURI();
        ClientID client = new ClientID(config.clientId());
        TokenRequest request = config.clientSecret() == null ? new TokenRequest(tokenEndpoint, client, grant)
                : new TokenRequest(tokenEndpoint, new ClientSecretBasic(client, new Secret(config.clientSecret().resolve())), grant);
        try {
            HTTPRequest http = request.toHTTPRequest();
            http.setConnectTimeout(CONNECT_TIMEOUT_MS);
            http.setReadTimeout(READ_TIMEOUT_MS);
            TokenResponse response = OIDCTokenResponseParser.parse(http.send());
            if (!response.indicatesSuccess()) {
                var error = response.toErrorResponse().getErrorObject();
                throw new SignInException("the identity provider refused the code: " + error.getCode()
                        + (error.getDescription() == null ? "" : " (" + error.getDescription() + ")"));
            }
            String idToken = ((OIDCTokenResponse) response.toSuccessResponse()).getOIDCTokens().getIDTokenString();
            if (idToken == null) {
                throw new SignInException("the identity provider sent no ID token; is the openid scope allowed for this client?");
            }
            return idToken;
        } catch (IOException | ParseException | ClassCastException e) {
            throw new SignInException("cannot redeem the code at " + tokenEndpoint + ": " + e.getMessage());
        }
    }

    private AuthorizationServerMetadata provider() throws SignInException {
        AuthorizationServerMetadata known = provider;
        if (known == null) {
            try {
                known = discovery.read(config.issuer());
                if (known.getAuthorizationEndpointURI() == null || known.getTokenEndpointURI() == null) {
                    throw new SignInException(config.issuer() + "'s discovery document names no authorization or token endpoint");
                }
            } catch (ProviderDiscovery.DiscoveryException e) {
                throw new SignInException("cannot read " + config.issuer() + "'s discovery document: " + e.getMessage());
            }
            provider = known;
        }
        return known;
    }

    private void forgetStale() {
        Instant cutoff = clock.instant().minus(MAX_SIGN_IN_TIME);
        pending.values().removeIf(p -> p.startedAt().isBefore(cutoff));
        if (pending.size() >= MAX_PENDING) {
            // Sign-ins cost nothing to start; past the cap the oldest are dropped, not the gateway's memory.
            pending.values().stream().map(Pending::startedAt).sorted().skip(MAX_PENDING / 2).findFirst()
                    .ifPresent(median -> pending.values().removeIf(p -> p.startedAt().isBefore(median)));
        }
    }
}
