package dev.tracegate.gateway.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import java.util.List;

/**
 * Short-lived tokens the gateway signs itself (Ed25519), for CI jobs and AI agents.
 *
 * @param issuer             the tokens' {@code iss} and {@code aud}: the gateway's URL or name
 * @param signingKey         PKCS#8 PEM Ed25519 private key, by reference; generated under the data
 *                           directory on first start when absent. Several gateway nodes must share one
 * @param maxLifetimeSeconds longest lifetime of any gateway token; 3600 by default, at most 86400
 * @param exchange           token exchange trust rules (RFC 8693)
 * @param maxSessionSeconds  how long after a key (static or service-account) was presented tokens
 *                           derived from that sign-in may still be renewed; 43200 (12 hours) by
 *                           default, at most 604800. Sign-ins with an end of their own (OIDC tokens,
 *                           exchanges) keep that end.
 */
public record GatewayTokensConfig(String issuer, SecretReference signingKey, int maxLifetimeSeconds,
                                  List<TokenExchangeRuleConfig> exchange, int maxSessionSeconds) {

    public static final String DEFAULT_ISSUER = "tracegate";
    public static final int DEFAULT_MAX_LIFETIME_SECONDS = 3600;
    public static final int LONGEST_MAX_LIFETIME_SECONDS = 86_400;
    public static final int DEFAULT_MAX_SESSION_SECONDS = 43_200;
    public static final int LONGEST_MAX_SESSION_SECONDS = 604_800;

    @JsonCreator
    public GatewayTokensConfig {
        issuer = issuer == null || issuer.isBlank() ? DEFAULT_ISSUER : issuer;
        maxLifetimeSeconds = maxLifetimeSeconds <= 0 ? DEFAULT_MAX_LIFETIME_SECONDS : maxLifetimeSeconds;
        if (maxLifetimeSeconds > LONGEST_MAX_LIFETIME_SECONDS) {
            throw new ConfigException("identities.gatewayTokens.maxLifetimeSeconds must be at most "
                    + LONGEST_MAX_LIFETIME_SECONDS + ": gateway tokens are short-lived by design");
        }
        maxSessionSeconds = maxSessionSeconds <= 0 ? DEFAULT_MAX_SESSION_SECONDS : maxSessionSeconds;
        if (maxSessionSeconds > LONGEST_MAX_SESSION_SECONDS) {
            throw new ConfigException("identities.gatewayTokens.maxSessionSeconds must be at most "
                    + LONGEST_MAX_SESSION_SECONDS + " (7 days): renewals must end some day");
        }
        exchange = exchange == null ? List.of() : List.copyOf(exchange);
        for (TokenExchangeRuleConfig rule : exchange) {
            if (rule.maxLifetimeSeconds() > maxLifetimeSeconds) {
                throw new ConfigException("identities.gatewayTokens.exchange[" + rule.name()
                        + "].maxLifetimeSeconds exceeds identities.gatewayTokens.maxLifetimeSeconds (" + maxLifetimeSeconds + ")");
            }
        }
        long names = exchange.stream().map(TokenExchangeRuleConfig::name).distinct().count();
        if (names != exchange.size()) {
            throw new ConfigException("identities.gatewayTokens.exchange[].name must be unique");
        }
    }

    /** Without a configured session maximum (the default applies). */
    public GatewayTokensConfig(String issuer, SecretReference signingKey, int maxLifetimeSeconds,
                               List<TokenExchangeRuleConfig> exchange) {
        this(issuer, signingKey, maxLifetimeSeconds, exchange, 0);
    }

    public static GatewayTokensConfig defaults() {
        return new GatewayTokensConfig(null, null, 0, null, 0);
    }
}
