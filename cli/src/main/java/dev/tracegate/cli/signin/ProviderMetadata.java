package dev.tracegate.cli.signin;

import com.nimbusds.oauth2.sdk.as.AuthorizationServerMetadata;
import com.nimbusds.oauth2.sdk.auth.ClientAuthenticationMethod;
import dev.tracegate.cli.CliException;
import dev.tracegate.gateway.identity.ProviderDiscovery;
import java.net.URI;
import java.util.List;

/**
 * The endpoints an identity provider publishes in its discovery document, as far as sign-in needs
 * them. {@link ProviderDiscovery} (shared with the gateway and its console) has checked that the
 * document names the issuer asked for and that every endpoint is https (plain http only on the
 * loopback interface, for tests and local providers).
 *
 * @param authorizationEndpoint null when the provider offers no browser sign-in
 * @param deviceAuthorizationEndpoint null when the provider offers no device sign-in
 * @param tokenEndpointAuthMethods how the provider accepts a client secret at the token endpoint
 */
record ProviderMetadata(String issuer, URI authorizationEndpoint, URI tokenEndpoint, URI deviceAuthorizationEndpoint,
                        List<String> tokenEndpointAuthMethods) {

    ProviderMetadata {
        tokenEndpointAuthMethods = List.copyOf(tokenEndpointAuthMethods);
    }

    /** Where {@code issuer} publishes its discovery document (OpenID Connect Discovery 1.0, section 4). */
    static URI discoveryUri(String issuer) {
        String base = withoutTrailingSlash(issuer);
        return requireSecure(parse(base + "/.well-known/openid-configuration", "--issuer"), "--issuer");
    }

    /** The endpoints of a discovery document that {@link ProviderDiscovery} has read and checked. */
    static ProviderMetadata from(AuthorizationServerMetadata document) {
        String issuer = document.getIssuer().getValue();
        if (document.getTokenEndpointURI() == null) {
            throw new CliException("the discovery document of " + issuer + " has no token_endpoint");
        }
        List<ClientAuthenticationMethod> methods = document.getTokenEndpointAuthMethods();
        // OpenID Connect Discovery: when the provider does not say, client_secret_basic is the default.
        List<String> authMethods = methods == null
                ? List.of(ClientAuthenticationMethod.CLIENT_SECRET_BASIC.getValue())
                : methods.stream().map(ClientAuthenticationMethod::getValue).toList();
        return new ProviderMetadata(issuer, document.getAuthorizationEndpointURI(), document.getTokenEndpointURI(),
                document.getDeviceAuthorizationEndpointURI(), authMethods);
    }

    static URI requireSecure(URI uri, String what) {
        if (!ProviderDiscovery.isSecure(uri)) {
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
