package dev.tracegate.gateway.config;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An OpenID Connect provider whose tokens the gateway accepts (Okta, Entra ID, Google, Keycloak,
 * a CI provider, ...). Several may be configured at once; a token is matched by its {@code iss}.
 *
 * @param issuer            the provider's issuer, exactly as in its tokens' {@code iss}; {@code https}, or
 *                          {@code http} on a loopback address for local tests. Discovery reads
 *                          {@code <issuer>/.well-known/openid-configuration}
 * @param audiences         accepted {@code aud} values; a token must name at least one
 * @param authorizedParties when set, the token's {@code azp} (or, without one, {@code client_id},
 *                          {@code cid} or {@code appid}) must be one of these
 * @param groupsClaim       where groups are: a claim name ({@code groups}, {@code roles}, a namespaced
 *                          claim like {@code https://example.com/groups}) or a dotted path into nested
 *                          objects ({@code realm_access.roles})
 * @param requiredClaims    claim conditions every token must meet, e.g. {@code hd: example.com}; see
 *                          {@code docs/identity.md} for the matching rules
 * @param kinds             rules marking callers as {@code service} or {@code agent}; the first match wins
 * @param defaultKind       kind when no rule matches; {@code human} by default
 * @param clockSkewSeconds  tolerance for {@code exp}, {@code nbf} and {@code iat}; 60 by default, at most 300
 * @param jwksUri           the key set's URL; found by discovery when absent
 * @param exchangeOnly      tokens of this issuer are accepted only as the subject of a token exchange,
 *                          never directly at a listener (for CI providers, whose tokens any
 *                          repository on the platform can obtain)
 */
public record OidcIssuerConfig(
        String issuer,
        List<String> audiences,
        List<String> authorizedParties,
        String groupsClaim,
        Map<String, String> requiredClaims,
        List<KindRuleConfig> kinds,
        String defaultKind,
        int clockSkewSeconds,
        String jwksUri,
        boolean exchangeOnly) {

    public static final int DEFAULT_CLOCK_SKEW_SECONDS = 60;
    public static final int MAX_CLOCK_SKEW_SECONDS = 300;

    public OidcIssuerConfig {
        ConnectionConfig.require(issuer, "identities.oidc[].issuer");
        String where = "identities.oidc[" + issuer + "]";
        requireWebAddress(issuer, where + ".issuer");
        if (audiences == null || audiences.isEmpty() || audiences.stream().anyMatch(a -> a == null || a.isBlank())) {
            throw new ConfigException(where + ".audiences must name at least one accepted audience");
        }
        audiences = List.copyOf(audiences);
        authorizedParties = authorizedParties == null ? List.of() : List.copyOf(authorizedParties);
        groupsClaim = groupsClaim == null || groupsClaim.isBlank() ? "groups" : groupsClaim;
        requiredClaims = requiredClaims == null ? Map.of() : copyConditions(requiredClaims, where + ".requiredClaims");
        kinds = kinds == null ? List.of() : List.copyOf(kinds);
        defaultKind = defaultKind == null ? "human" : defaultKind;
        KindRuleConfig.requireKind(defaultKind, where + ".defaultKind");
        clockSkewSeconds = clockSkewSeconds <= 0 ? DEFAULT_CLOCK_SKEW_SECONDS : clockSkewSeconds;
        if (clockSkewSeconds > MAX_CLOCK_SKEW_SECONDS) {
            throw new ConfigException(where + ".clockSkewSeconds must be at most " + MAX_CLOCK_SKEW_SECONDS);
        }
        if (jwksUri != null) {
            requireWebAddress(jwksUri, where + ".jwksUri");
        }
    }

    /** A short form for tests and code: one audience, groups in {@code groups}, everything else default. */
    public static OidcIssuerConfig of(String issuer, String audience) {
        return new OidcIssuerConfig(issuer, List.of(audience), null, null, null, null, null, 0, null, false);
    }

    /** Where the provider's discovery document is (OpenID Connect Discovery 1.0, section 4). */
    public URI discoveryUri() {
        String base = issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer;
        return URI.create(base + "/.well-known/openid-configuration");
    }

    /**
     * Keys and tokens travel over https; plain http is allowed only to this machine, where the
     * test providers run.
     */
    static void requireWebAddress(String value, String key) {
        URI uri;
        try {
            uri = URI.create(value);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(key + " is not a URL: " + value);
        }
        String host = uri.getHost();
        if (host == null || uri.getScheme() == null) {
            throw new ConfigException(key + " must be an absolute URL: " + value);
        }
        boolean loopback = host.equals("localhost") || host.equals("127.0.0.1") || host.equals("[::1]");
        if (!uri.getScheme().equals("https") && !(uri.getScheme().equals("http") && loopback)) {
            throw new ConfigException(key + " must use https (http only for localhost): " + value);
        }
    }

    static Map<String, String> copyConditions(Map<String, String> conditions, String key) {
        Map<String, String> copy = new LinkedHashMap<>();
        conditions.forEach((claim, pattern) -> {
            if (claim == null || claim.isBlank() || pattern == null || pattern.isEmpty()) {
                throw new ConfigException(key + " needs a claim and a non-empty value in every entry");
            }
            copy.put(claim, pattern);
        });
        return java.util.Collections.unmodifiableMap(copy);
    }
}
