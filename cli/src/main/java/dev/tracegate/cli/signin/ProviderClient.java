package dev.tracegate.cli.signin;

import com.nimbusds.oauth2.sdk.AuthorizationGrant;
import com.nimbusds.oauth2.sdk.ErrorObject;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.auth.ClientAuthentication;
import com.nimbusds.oauth2.sdk.device.DeviceAuthorizationRequest;
import com.nimbusds.oauth2.sdk.device.DeviceAuthorizationResponse;
import com.nimbusds.oauth2.sdk.device.DeviceAuthorizationSuccessResponse;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponseParser;
import dev.tracegate.cli.CliException;
import dev.tracegate.gateway.identity.ProviderDiscovery;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import net.minidev.json.JSONObject;

/**
 * Talks to an identity provider through oauth2-oidc-sdk: its discovery document (read by the
 * gateway's {@link ProviderDiscovery}, as the console reads it), its token endpoint and its device
 * authorization endpoint. Requests honour the JVM's proxy settings and
 * time out; error answers become {@link ProviderError}s that name the OAuth error, and no token is
 * ever put in a message.
 */
final class ProviderClient {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

    private final Clock clock;

    ProviderClient(Clock clock) {
        this.clock = clock;
    }

    /** The endpoints {@code issuer} publishes. */
    ProviderMetadata discover(String issuer) {
        ProviderMetadata.discoveryUri(issuer); // --issuer itself must be https
        try {
            return ProviderMetadata.from(new ProviderDiscovery(CONNECT_TIMEOUT, READ_TIMEOUT).read(issuer));
        } catch (ProviderDiscovery.DiscoveryException e) {
            throw new CliException(e.getMessage() + " (is --issuer exactly your provider's issuer URL?)");
        }
    }

    /** Asks the token endpoint for tokens with {@code grant} (RFC 6749 section 4). */
    TokenSet token(URI tokenEndpoint, ClientRegistration client, AuthorizationGrant grant) throws IOException {
        ClientAuthentication authentication = client.authentication();
        TokenRequest request = authentication == null
                ? new TokenRequest(tokenEndpoint, client.id(), grant)
                : new TokenRequest(tokenEndpoint, authentication, grant);
        HTTPResponse response = send(request.toHTTPRequest(), tokenEndpoint);
        TokenResponse answer;
        try {
            answer = OIDCTokenResponseParser.parse(response);
        } catch (ParseException e) {
            throw noOAuthAnswer("the token endpoint", tokenEndpoint, response);
        }
        if (!answer.indicatesSuccess()) {
            throw refusal("the token endpoint", tokenEndpoint, response, answer.toErrorResponse().getErrorObject());
        }
        return TokenSet.fromResponse(answer.toSuccessResponse(), clock.instant());
    }

    /** Starts a device sign-in (RFC 8628 section 3.1); {@code audience} null to send none. */
    DeviceAuthorizationSuccessResponse authorizeDevice(URI endpoint, ClientRegistration client, Scope scope, String audience)
            throws IOException {
        ClientAuthentication authentication = client.authentication();
        DeviceAuthorizationRequest.Builder builder = authentication == null
                ? new DeviceAuthorizationRequest.Builder(client.id())
                : new DeviceAuthorizationRequest.Builder(authentication);
        builder.endpointURI(endpoint).scope(scope);
        if (audience != null) {
            builder.customParameter("audience", audience);
        }
        DeviceAuthorizationRequest request = builder.build();
        String name = "the device authorization endpoint";
        HTTPResponse response = send(request.toHTTPRequest(), endpoint);
        try {
            if (response.getStatusCode() / 100 == 2) {
                JSONObject answer = response.getBodyAsJSONObject();
                // Google names it verification_url, as drafts of RFC 8628 did.
                answer.putIfAbsent("verification_uri", answer.get("verification_url"));
                return DeviceAuthorizationSuccessResponse.parse(answer);
            }
            throw refusal(name, endpoint, response, DeviceAuthorizationResponse.parse(response).toErrorResponse().getErrorObject());
        } catch (ParseException e) {
            if (response.getStatusCode() / 100 == 2) {
                throw new CliException(name + "'s answer is not valid: " + ProviderError.clean(e.getMessage()));
            }
            throw noOAuthAnswer(name, endpoint, response);
        }
    }

    private static CliException refusal(String name, URI endpoint, HTTPResponse response, ErrorObject error) {
        if (error == null || error.getCode() == null) {
            return noOAuthAnswer(name, endpoint, response);
        }
        return new ProviderError(name, error.getCode(), error.getDescription());
    }

    private static CliException noOAuthAnswer(String name, URI endpoint, HTTPResponse response) {
        return new CliException(name + " (" + endpoint + ") answered HTTP " + response.getStatusCode() + " without an OAuth answer");
    }

    private static HTTPResponse send(HTTPRequest request, URI uri) throws IOException {
        request.setConnectTimeout((int) CONNECT_TIMEOUT.toMillis());
        request.setReadTimeout((int) READ_TIMEOUT.toMillis());
        try {
            return request.send();
        } catch (ConnectException e) {
            throw new CliException("cannot reach " + uri.getHost() + " (" + uri + ")");
        } catch (SocketTimeoutException e) {
            throw new CliException(uri + " did not answer within " + READ_TIMEOUT.toSeconds() + " s");
        }
    }
}
