package dev.tracegate.gateway.mcp;

import dev.tracegate.gateway.config.IdentitiesConfig;
import dev.tracegate.gateway.config.OidcIssuerConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * OAuth 2.0 Protected Resource Metadata (RFC 9728) of {@code /mcp}: where an MCP client learns
 * which authorization servers issue tokens the endpoint accepts (the configured OIDC issuers)
 * and how to present them.
 */
public final class ProtectedResourceMetadata {

    public static final String PATH = "/.well-known/oauth-protected-resource";

    private ProtectedResourceMetadata() {
    }

    static String metadataUrl(String baseUrl) {
        return baseUrl + PATH + McpEngine.PATH;
    }

    /** The document for the resource at {@code baseUrl}/mcp. */
    public static Map<String, Object> of(String baseUrl, IdentitiesConfig identities) {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("resource", baseUrl + McpEngine.PATH);
        List<String> issuers = identities.oidc().stream().map(OidcIssuerConfig::issuer).toList();
        metadata.put("authorization_servers", issuers);
        metadata.put("bearer_methods_supported", List.of("header"));
        metadata.put("resource_name", "Tracegate MCP");
        return metadata;
    }
}
