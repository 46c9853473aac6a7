package dev.tracegate.gateway.config;

import java.util.List;

/** Who may authenticate. OIDC issuers join this record when identity providers land. */
public record IdentitiesConfig(List<ApiKeyConfig> apiKeys) {

    public IdentitiesConfig {
        apiKeys = apiKeys == null ? List.of() : List.copyOf(apiKeys);
    }
}
