package dev.tracegate.cli.signin;

import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.AuthorizationRequest;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import dev.tracegate.cli.CliException;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.time.Duration;
import java.util.Map;

/**
 * Browser sign-in: the OAuth 2.0 authorization code grant with PKCE (S256) and a loopback
 * redirect (RFC 8252). The authorization address is printed (and opened, when a browser can be
 * started); the provider sends the browser back to 127.0.0.1 with a code, whose {@code state} must
 * be the one this sign-in sent, and the code is exchanged for tokens with the PKCE verifier.
 */
final class AuthorizationCodeFlow {

    private final ProviderClient provider;
    private final PrintWriter out;
    private final BrowserLauncher browser;

    /** @param browser null to only print the address */
    AuthorizationCodeFlow(ProviderClient provider, PrintWriter out, BrowserLauncher browser) {
        this.provider = provider;
        this.out = out;
        this.browser = browser;
    }

    TokenSet signIn(ProviderMetadata metadata, ClientRegistration client, SignInRequest request, int port, Duration timeout)
            throws IOException {
        if (metadata.authorizationEndpoint() == null) {
            throw new CliException(metadata.issuer() + " publishes no authorization_endpoint; try --device");
        }
        CodeVerifier pkce = new CodeVerifier();
        State state = new State();
        try (LoopbackRedirect loopback = LoopbackRedirect.open(port)) {
            URI address = authorizationAddress(metadata, client, request, loopback.redirectUri(), pkce, state);
            out.println("Open this address in your browser to sign in:");
            out.println();
            out.println("  " + address);
            out.println();
            if (browser != null && !browser.open(address)) {
                out.println("(No browser could be started; open the address yourself.)");
            }
            out.println("Waiting up to " + LoopbackRedirect.describe(timeout) + " for the browser to return to "
                    + loopback.redirectUri() + " ...");
            out.flush();
            Map<String, String> response = loopback.await(timeout);
            try {
                AuthorizationCode code = authorizationCode(response, state, metadata.issuer());
                TokenSet tokens = provider.token(metadata.tokenEndpoint(), client,
                        new AuthorizationCodeGrant(code, loopback.redirectUri(), pkce));
                loopback.succeeded();
                return tokens;
            } catch (RuntimeException | IOException e) {
                loopback.failed(e.getMessage());
                throw e;
            }
        }
    }

    private static URI authorizationAddress(ProviderMetadata metadata, ClientRegistration client, SignInRequest request,
                                            URI redirectUri, CodeVerifier pkce, State state) {
        AuthorizationRequest.Builder address = new AuthorizationRequest.Builder(ResponseType.CODE, client.id())
                .endpointURI(metadata.authorizationEndpoint())
                .redirectionURI(redirectUri)
                .scope(Scope.parse(request.scope()))
                .state(state)
                .codeChallenge(pkce, CodeChallengeMethod.S256);
        if (request.audience() != null) {
            address.customParameter("audience", request.audience());
        }
        request.extraAuthorizationParameters().forEach(address::customParameter);
        return address.build().toURI();
    }

    /**
     * The code of an authorization response (RFC 6749 section 4.1.2), after checking that it
     * answers this very request: {@code state} must match, and {@code iss}, when the provider sends
     * it, must be the issuer asked (RFC 9207, against mix-up between providers).
     */
    private static AuthorizationCode authorizationCode(Map<String, String> response, State state, String issuer) {
        if (!state.getValue().equals(response.get("state"))) {
            throw new CliException("the browser came back with a state that this sign-in did not send, so its code was "
                    + "refused and nothing was stored; run tracegate login again");
        }
        if (response.containsKey("iss") && !response.get("iss").equals(issuer)) {
            throw new CliException("the authorization response comes from issuer '" + ProviderError.clean(response.get("iss"))
                    + "', not " + issuer + "; nothing was stored");
        }
        if (response.containsKey("error")) {
            String description = response.get("error_description");
            throw new CliException("the identity provider refused the sign-in: " + ProviderError.clean(response.get("error"))
                    + (description == null || description.isBlank() ? "" : " (" + ProviderError.clean(description) + ")"));
        }
        String code = response.get("code");
        if (code == null || code.isEmpty()) {
            throw new CliException("the browser came back without an authorization code");
        }
        return new AuthorizationCode(code);
    }
}
