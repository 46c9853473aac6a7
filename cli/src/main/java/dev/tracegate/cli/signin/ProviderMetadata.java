package dev.tracegate.cli.signin;

import com.nimbusds.oauth2.sdk.as.AuthorizationServerMetadata;
import com.nimbusds.oauth2.sdk.auth.ClientAuthenticationMethod;
import dev.tracegate.cli.CliException;
import java.net.URI;
import java.util.List;

/**
 * The endpoints an identity provider publishes in its OpenID Connect discovery document, checked
 * so that tokens only ever travel over https (plain http is accepted on the loopback interface,
 * for tests and local providers).
 *
 * @param authorizationEndpoint null when the provider offers no browser sign-in
 * @param deviceAuthorizationEndpoint null when the provider offers no device sign-in
 * @param tokenEndpointAuthMethods how the provider accepts a client secret at the token endpoint
 */
record ProviderMetadata(String issuer, URI authorizationEndpoint, URI tokenEndpoint, URI deviceAuthorizationEndpoint,
                        List<String> tokenEndpointAuthMethods) {

    private static final List<String> LOOPBACK_HOSTS = List.of("localhost", "127.0.0.1", "[::1]");

    ProviderMetadata {
        tokenEndpointAuthMethods = List.copyOf(tokenEndpointAuthMethods);
    }

    /** Where {@code issuer} publishes its discovery document (OpenID Connect Discovery 1.0, section 4). */
    static URI discoveryUri(String issuer) {
        String base = withoutTrailingSlash(issuer);
        return requireSecure(parse(base + "/.well-known/openid-configuration", "--issuer"), "--issuer");
    }

    /**
     * Reads the discovery document of {@code requestedIssuer}. The document must name that very
     * issuer (a trailing slash aside): otherwise one provider could hand out endpoints for another.
     * Read as RFC 8414 metadata, which OpenID Connect's extends, so a lean document with only the
     * endpoints a CLI needs is enough.
     */
    static ProviderMetadata from(String requestedIssuer, AuthorizationServerMetadata document) {
        String issuer = document.getIssuer().getValue();
        if (!withoutTrailingSlash(issuer).equals(withoutTrailingSlash(requestedIssuer))) {
            throw new CliException("the discovery document of " + requestedIssuer + " names the issuer '" + ProviderError.clean(issuer)
                    + "'; pass exactly that as --issuer if you trust it");
        }
        URI tokenEndpoint = endpoint(document.getTokenEndpointURI(), "token_endpoint");
        if (tokenEndpoint == null) {
            throw new CliException("the discovery document of " + issuer + " has no token_endpoint");
        }
        List<ClientAuthenticationMethod> methods = document.getTokenEndpointAuthMethods();
        // OpenID Connect Discovery: when the provider does not say, client_secret_basic is the default.
        List<String> authMethods = methods == null
                ? List.of(ClientAuthenticationMethod.CLIENT_SECRET_BASIC.getValue())
                : methods.stream().map(ClientAuthenticationMethod::getValue).toList();
        return new ProviderMetadata(issuer, endpoint(document.getAuthorizationEndpointURI(), "authorization_endpoint"),
                tokenEndpoint, endpoint(document.getDeviceAuthorizationEndpointURI(), "device_authorization_endpoint"),
                authMethods);
    }

    private static URI endpoint(URI value, String name) {
        return value == null ? null : requireSecure(parse(value.toString(), name), name);
    }

    static URI requireSecure(URI uri, String what) {
        boolean loopbackHttp = "http".equals(uri.getScheme()) && LOOPBACK_HOSTS.contains(uri.getHost());
        if (!"https".equals(uri.getScheme()) && !loopbackHttp) {
            throw new CliException(what + " must be an https address, not " + uri);
        }
        return uri;
    }

    private static URI parse(String text, String what) {
        try {
            URI uri = URI.create(text);
            if (uri.getScheme() == null || uri.getHost() == null) {
                throw new IllegalArgumentException("not absolute");
            }
            return uri;
        } catch (IllegalArgumentException e) {
            throw new CliException(what + " is not a valid address: " + text);
        }
    }

    static String withoutTrailingSlash(String issuer) {
        return issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer;
    }
}
