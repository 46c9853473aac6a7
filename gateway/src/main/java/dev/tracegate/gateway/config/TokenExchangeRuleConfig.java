package dev.tracegate.gateway.config;

import java.util.List;
import java.util.Map;

/**
 * A trust rule for token exchange: a token from {@code issuer} whose claims meet every condition
 * is exchanged for a short-lived gateway token of the service account {@code serviceAccount}.
 * Example: GitHub Actions tokens of {@code acme/shop} on {@code refs/heads/main} become
 * {@code deploy-shop}.
 *
 * @param name               shown in evidence and errors; the service account's name by default
 * @param issuer             the subject token's issuer; must also be listed in {@code identities.oidc}
 * @param claims             claim conditions, at least one (an issuer alone would trust every
 *                           repository or project on that platform)
 * @param serviceAccount     the identity the caller becomes: subject {@code sa:<serviceAccount>}
 * @param groups             the groups it has
 * @param kind               {@code service} (default) or {@code agent}; {@code human} is refused,
 *                           since an exchange never proves a person
 * @param maxLifetimeSeconds lifetime of the issued token, at most
 *                           {@code identities.gatewayTokens.maxLifetimeSeconds}; when absent (0), 900 s
 *                           or that maximum, whichever is shorter
 */
public record TokenExchangeRuleConfig(
        String name,
        String issuer,
        Map<String, String> claims,
        String serviceAccount,
        List<String> groups,
        String kind,
        int maxLifetimeSeconds) {

    public static final int DEFAULT_LIFETIME_SECONDS = 900;

    public TokenExchangeRuleConfig {
        ConnectionConfig.require(serviceAccount, "identities.gatewayTokens.exchange[].serviceAccount");
        name = name == null || name.isBlank() ? serviceAccount : name;
        String where = "identities.gatewayTokens.exchange[" + name + "]";
        ConnectionConfig.require(issuer, where + ".issuer");
        if (claims == null || claims.isEmpty()) {
            throw new ConfigException(where + ".claims needs at least one condition, e.g. repository: acme/shop");
        }
        claims = OidcIssuerConfig.copyConditions(claims, where + ".claims");
        TenantConditions.requireTenant(claims, where + ".claims");
        groups = groups == null ? List.of() : List.copyOf(groups);
        kind = kind == null ? "service" : kind;
        if (!kind.equals("service") && !kind.equals("agent")) {
            throw new ConfigException(where + ".kind must be service or agent");
        }
        maxLifetimeSeconds = Math.max(0, maxLifetimeSeconds);
    }

    /** The lifetime of tokens this rule issues, given the gateway's maximum. */
    public int lifetimeSeconds(int gatewayMaxLifetimeSeconds) {
        return maxLifetimeSeconds == 0 ? Math.min(DEFAULT_LIFETIME_SECONDS, gatewayMaxLifetimeSeconds)
                : Math.min(maxLifetimeSeconds, gatewayMaxLifetimeSeconds);
    }
}
