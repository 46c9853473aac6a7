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
 * @param claimsMaxAgeSeconds how long the groups and other claims of one token are acted on: a sign-in
 *                          with a token ends at its {@code exp} or this long after its {@code iat},
 *                          whichever is first, and sessions open with it end at their next command
 *                          after that; 3600 by default, from 60 to 86400
 * @param administeredClaims claims that only administrators set at this provider (a Keycloak realm
 *                          without self-service profile editing, say), which conditions may then use
 *                          although users set them at most providers ({@link UserChosenClaims})
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
        boolean exchangeOnly,
        int claimsMaxAgeSeconds,
        List<String> administeredClaims) {

    public static final int DEFAULT_CLOCK_SKEW_SECONDS = 60;
    public static final int MAX_CLOCK_SKEW_SECONDS = 300;
    public static final int DEFAULT_CLAIMS_MAX_AGE_SECONDS = 3600;
    private static final java.util.Set<String> GOOGLE = java.util.Set.of("https://accounts.google.com", "accounts.google.com");
    public static final int MIN_CLAIMS_MAX_AGE_SECONDS = 60;
    public static final int MAX_CLAIMS_MAX_AGE_SECONDS = 86_400;

    public OidcIssuerConfig {
        ConnectionConfig.require(issuer, "identities.oidc[].issuer");
        String where = "identities.oidc[" + issuer + "]";
        requireWebAddress(issuer, where + ".issuer");
        if (audiences == null || audiences.isEmpty() || audiences.stream().anyMatch(a -> a == null || a.isBlank())) {
            throw new ConfigException(where + ".audiences must name at least one accepted audience");
        }
        audiences = List.copyOf(audiences);
        SharedAudiences.requireNoneIn(issuer, audiences, where + ".audiences");
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
        claimsMaxAgeSeconds = claimsMaxAgeSeconds == 0 ? DEFAULT_CLAIMS_MAX_AGE_SECONDS : claimsMaxAgeSeconds;
        if (claimsMaxAgeSeconds < MIN_CLAIMS_MAX_AGE_SECONDS || claimsMaxAgeSeconds > MAX_CLAIMS_MAX_AGE_SECONDS) {
            throw new ConfigException(where + ".claimsMaxAgeSeconds must be from " + MIN_CLAIMS_MAX_AGE_SECONDS + " to "
                    + MAX_CLAIMS_MAX_AGE_SECONDS);
        }
        administeredClaims = administeredClaims == null ? List.of() : List.copyOf(administeredClaims);
        UserChosenClaims.requireNoneIn(requiredClaims.keySet(), administeredClaims, where + ".requiredClaims");
        for (KindRuleConfig rule : kinds) {
            UserChosenClaims.requireNoneIn(rule.when().keySet(), administeredClaims, where + ".kinds[" + rule.kind() + "].when");
        }
        UserChosenClaims.requireNoneIn(java.util.Set.of(groupsClaim), administeredClaims, where + ".groupsClaim");
        if (GOOGLE.contains(issuer) && !exchangeOnly && (!requiredClaims.containsKey("hd") || requiredClaims.get("hd").contains("*"))) {
            // Google signs ID tokens for every Google account in the world; only hd names a Workspace domain.
            throw new ConfigException(where + " admits every Google account, consumer accounts or other"
                    + " organisations' included: add requiredClaims: {hd: <your Workspace domain>}, exactly");
        }
    }

    /** A short form for tests and code: one audience, groups in {@code groups}, everything else default. */
    public static OidcIssuerConfig of(String issuer, String audience) {
        return new OidcIssuerConfig(issuer, List.of(audience), null, null, null, null, null, 0, null, false, 0, null);
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
