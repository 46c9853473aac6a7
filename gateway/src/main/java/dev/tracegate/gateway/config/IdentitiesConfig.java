package dev.tracegate.gateway.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

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
        Map<String, OidcIssuerConfig> issuers = new HashMap<>();
        Map<String, String> discovered = new HashMap<>();
        for (OidcIssuerConfig issuer : oidc) {
            // With and without a trailing slash an issuer reads one discovery document and one key set:
            // listed both ways, one provider's people would be two identities each, under two sets of rules.
            if (issuers.putIfAbsent(issuer.issuer(), issuer) != null
                    || discovered.putIfAbsent(issuer.discoveryUri().toString(), issuer.issuer()) != null) {
                throw new ConfigException("identities.oidc lists issuer " + issuer.issuer() + " twice");
            }
        }
        if (issuers.containsKey(gatewayTokens.issuer())) {
            throw new ConfigException("identities.gatewayTokens.issuer must differ from every identities.oidc issuer");
        }
        for (TokenExchangeRuleConfig rule : gatewayTokens.exchange()) {
            OidcIssuerConfig ruleIssuer = issuers.get(rule.issuer());
            if (ruleIssuer == null) {
                throw new ConfigException("identities.gatewayTokens.exchange[" + rule.name() + "].issuer "
                        + rule.issuer() + " is not listed in identities.oidc");
            }
            UserChosenClaims.requireNoneIn(rule.claims().keySet(), ruleIssuer.administeredClaims(),
                    "identities.gatewayTokens.exchange[" + rule.name() + "].claims");
        }
    }

    /** Static keys only, as before OIDC arrived. */
    public IdentitiesConfig(List<ApiKeyConfig> apiKeys) {
        this(apiKeys, null, null);
    }
}
