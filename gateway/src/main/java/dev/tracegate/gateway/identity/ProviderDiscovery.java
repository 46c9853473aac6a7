package dev.tracegate.gateway.identity;

import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jose.util.ResourceRetriever;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.as.AuthorizationServerMetadata;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * Reads an identity provider's discovery document the one way the gateway's key sets, the
 * console's sign-in and {@code tracegate login} all need it: {@code <issuer>/.well-known/openid-configuration}
 * fetched with short timeouts and at most 512 KiB (proxies from the JVM's settings), read as RFC 8414
 * metadata (which OpenID Connect's extends, so lean documents work), naming the very issuer asked for
 * (a trailing slash aside: otherwise one provider could hand out endpoints for another), and every
 * endpoint it names {@linkplain #isSecure secure}.
 */
public final class ProviderDiscovery {

    private static final int MAX_BYTES = 512 * 1024;
    private static final List<String> LOOPBACK_HOSTS = List.of("localhost", "127.0.0.1", "[::1]");

    private final ResourceRetriever http;

    public ProviderDiscovery(Duration connectTimeout, Duration readTimeout) {
        this(new DefaultResourceRetriever((int) connectTimeout.toMillis(), (int) readTimeout.toMillis(), MAX_BYTES));
    }

    ProviderDiscovery(ResourceRetriever http) {
        this.http = http;
    }

    /** Tokens and codes travel only over https; plain http only to this machine (local providers, tests). */
    public static boolean isSecure(URI uri) {
        return "https".equals(uri.getScheme())
                || "http".equals(uri.getScheme()) && LOOPBACK_HOSTS.contains(uri.getHost());
    }

    /** Where {@code issuer} publishes its discovery document (OpenID Connect Discovery 1.0, section 4). */
    public static URI documentUri(String issuer) {
        return URI.create(withoutTrailingSlash(issuer) + "/.well-known/openid-configuration");
    }

    /** The provider metadata of {@code issuer}; a {@link DiscoveryException} says why not, without the response. */
    public AuthorizationServerMetadata read(String issuer) throws DiscoveryException {
        URI uri = documentUri(issuer);
        if (!isSecure(uri)) {
            throw new DiscoveryException("the issuer " + issuer + " is not an https address");
        }
        AuthorizationServerMetadata metadata;
        try {
            metadata = AuthorizationServerMetadata.parse(http.retrieveResource(uri.toURL()).getContent());
        } catch (IOException e) {
            throw new DiscoveryException("cannot read " + uri + ": " + printable(String.valueOf(e.getMessage())));
        } catch (ParseException e) {
            throw new DiscoveryException(uri + " is not a valid discovery document: " + printable(String.valueOf(e.getMessage())));
        }
        String named = metadata.getIssuer().getValue();
        if (!withoutTrailingSlash(named).equals(withoutTrailingSlash(issuer))) {
            throw new DiscoveryException("the discovery document of " + issuer + " names the issuer '" + printable(named) + "'");
        }
        for (URI endpoint : Arrays.asList(metadata.getAuthorizationEndpointURI(), metadata.getTokenEndpointURI(),
                metadata.getDeviceAuthorizationEndpointURI(), metadata.getJWKSetURI())) {
            if (endpoint != null && !isSecure(endpoint)) {
                throw new DiscoveryException("the discovery document of " + issuer + " names an endpoint that is not https: "
                        + printable(endpoint.toString()));
            }
        }
        return metadata;
    }

    private static String withoutTrailingSlash(String issuer) {
        return issuer != null && issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer;
    }

    /** A hostile document cannot drive a terminal or a log through our messages. */
    private static String printable(String text) {
        String clean = text.replaceAll("\\p{Cntrl}", " ").strip();
        return clean.length() > 200 ? clean.substring(0, 200) + "..." : clean;
    }

    /** Why a provider's discovery document cannot be used. */
    public static final class DiscoveryException extends Exception {
        DiscoveryException(String message) {
            super(message);
        }
    }
}
