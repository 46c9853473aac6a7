package dev.tracegate.gateway.config;

import java.util.List;
import java.util.Map;

/**
 * Marks the callers whose tokens meet every condition as {@code kind}: for instance
 * {@code {kind: service, when: {preferred_username: "service-account-*"}}} for Keycloak service
 * accounts, or {@code {kind: agent, when: {"roles": "ai-agent"}}}.
 *
 * @param kind {@code human}, {@code service} or {@code agent}
 * @param when claim conditions, all of which must hold (same matching as {@code requiredClaims})
 */
public record KindRuleConfig(String kind, Map<String, String> when) {

    public static final List<String> KINDS = List.of("human", "service", "agent");

    public KindRuleConfig {
        requireKind(kind, "identities.oidc[].kinds[].kind");
        if (when == null || when.isEmpty()) {
            throw new ConfigException("identities.oidc[].kinds[" + kind + "].when needs at least one claim condition");
        }
        when = OidcIssuerConfig.copyConditions(when, "identities.oidc[].kinds[" + kind + "].when");
    }

    static void requireKind(String kind, String key) {
        if (kind == null || !KINDS.contains(kind)) {
            throw new ConfigException(key + " must be human, service or agent");
        }
    }
}
