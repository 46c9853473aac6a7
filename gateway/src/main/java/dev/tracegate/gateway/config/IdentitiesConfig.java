package dev.tracegate.gateway.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Who may authenticate: static keys, OpenID Connect providers, and the gateway's own short-lived
 * tokens (with the token exchange rules that issue them to CI jobs and agents).
 *
 * @param apiKeys       static keys from the configuration
 * @param oidc          accepted OpenID Connect issuers
 * @param gatewayTokens the gateway's own tokens and token exchange rules
 */
public record IdentitiesConfig(List<ApiKeyConfig> apiKeys, List<OidcIssuerConfig> oidc, GatewayTokensConfig gatewayTokens) {

    @JsonCreator
    public IdentitiesConfig {
        apiKeys = apiKeys == null ? List.of() : List.copyOf(apiKeys);
        oidc = oidc == null ? List.of() : List.copyOf(oidc);
        gatewayTokens = gatewayTokens == null ? GatewayTokensConfig.defaults() : gatewayTokens;
        Set<String> issuers = new HashSet<>();
        for (OidcIssuerConfig issuer : oidc) {
            if (!issuers.add(issuer.issuer())) {
                throw new ConfigException("identities.oidc lists issuer " + issuer.issuer() + " twice");
            }
        }
        if (issuers.contains(gatewayTokens.issuer())) {
            throw new ConfigException("identities.gatewayTokens.issuer must differ from every identities.oidc issuer");
        }
        for (TokenExchangeRuleConfig rule : gatewayTokens.exchange()) {
            if (!issuers.contains(rule.issuer())) {
                throw new ConfigException("identities.gatewayTokens.exchange[" + rule.name() + "].issuer "
                        + rule.issuer() + " is not listed in identities.oidc");
            }
        }
    }

    /** Static keys only, as before OIDC arrived. */
    public IdentitiesConfig(List<ApiKeyConfig> apiKeys) {
        this(apiKeys, null, null);
    }
}
