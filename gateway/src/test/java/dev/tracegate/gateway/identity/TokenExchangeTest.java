package dev.tracegate.gateway.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracegate.gateway.config.GatewayTokensConfig;
import dev.tracegate.gateway.config.OidcIssuerConfig;
import dev.tracegate.gateway.config.TokenExchangeRuleConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TokenExchangeTest {

    private static final String GATEWAY = "https://tracegate.example.com";
    /** The exchanged tokens as a set in memory; the store's table is exercised through the gateway. */
    private static final java.util.Set<String> EXCHANGED = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private static MockIdentityProvider idp;
    private static TokenExchange exchange;
    private static GatewayTokenVerifier gatewayTokens;

    @BeforeAll
    static void start() {
        idp = new MockIdentityProvider();
        List<OidcIssuerConfig> issuers = List.of(
                new OidcIssuerConfig(idp.issuer("github"), List.of(GATEWAY), null, null, null, null, "service", 0, null, true, 0, null),
                OidcIssuerConfig.of(idp.issuer("okta"), GATEWAY));
        List<TokenExchangeRuleConfig> rules = List.of(
                new TokenExchangeRuleConfig("shop-main", idp.issuer("github"),
                        Map.of("repository", "acme/shop", "ref", "refs/heads/main"), "deploy-shop", List.of("deployers"), null, 600),
                new TokenExchangeRuleConfig(null, idp.issuer("github"),
                        Map.of("repository", "acme/*", "ref", "refs/tags/v*"), "release-bot", List.of("releasers"), "agent", 0));
        GatewayTokensConfig config = new GatewayTokensConfig(GATEWAY, null, 3600, rules);
        GatewayTokenSigningKey key = GatewayTokenSigningKey.generate();
        exchange = new TokenExchange(new OidcVerifier(issuers), new GatewayTokenIssuer(config, key),
                (tokenKey, expiresAt) -> EXCHANGED.add(tokenKey), config.exchange());
        gatewayTokens = new GatewayTokenVerifier(config, key);
    }

    @AfterAll
    static void stop() {
        idp.close();
    }

    @Test
    void aCiTokenMatchingARuleBecomesAShortLivedServiceAccountToken() throws Exception {
        String ciToken = githubToken("acme/shop", "refs/heads/main");

        TokenExchangeResult result = exchange.exchange(request(ciToken));

        assertThat(result.responseBody())
                .containsEntry("issued_token_type", "urn:ietf:params:oauth:token-type:access_token")
                .containsEntry("token_type", "Bearer")
                .containsEntry("expires_in", 600L)
                .containsKey("access_token");
        assertThat(result.rule()).isEqualTo("shop-main");
        assertThat(result.presentedBy().subject()).isEqualTo("repo:acme/shop:ref:refs/heads/main");
        VerifiedGatewayToken verified = gatewayTokens.verifyToken((String) result.responseBody().get("access_token"));
        assertThat(verified.identity()).isEqualTo(new Identity("tracegate", "sa:deploy-shop", "deploy-shop", null,
                List.of("deployers"), "service"));
        assertThat(verified.actor()).isEqualTo(new TokenActor(idp.issuer("github"), "repo:acme/shop:ref:refs/heads/main"));
        assertThat(verified.expiresAt()).isBefore(Instant.now().plusSeconds(601));
        assertThat(result.toString()).doesNotContain(result.accessToken());
    }

    @Test
    void wildcardsInARuleMatchTagsOfAnyRepositoryOfTheOrganisation() throws Exception {
        TokenExchangeResult result = exchange.exchange(request(githubToken("acme/billing", "refs/tags/v2.4.1")));

        assertThat(result.issuedTo().subject()).isEqualTo("sa:release-bot");
        assertThat(result.issuedTo().kind()).isEqualTo("agent");
        assertThat(result.expiresIn()).isEqualTo(900);
    }

    @Test
    void aTokenWhoseClaimsMatchNoRuleIsRefused() {
        assertRefused(request(githubToken("acme/shop", "refs/heads/feature-x")), "invalid_grant",
                "no exchange rule matches the subject token's claims");
        assertRefused(request(githubToken("evil/shop", "refs/heads/main")), "invalid_grant",
                "no exchange rule matches the subject token's claims");
    }

    @Test
    void aTokenOfAnIssuerWithoutRulesIsRefused() {
        assertRefused(request(idp.token("okta", "alice", GATEWAY, Map.of("repository", "acme/shop", "ref", "refs/heads/main"))),
                "invalid_grant", "no exchange rule for the subject token's issuer");
    }

    @Test
    void anInvalidSubjectTokenIsRefusedWithItsReason() {
        String expired = idp.tokenIssuedAt(Instant.now().minus(Duration.ofHours(3)), "github", "repo:acme/shop:ref:refs/heads/main",
                GATEWAY, Duration.ofMinutes(10));

        assertRefused(request(expired), "invalid_grant", "subject_token refused: token expired");
        assertRefused(request(idp.token("github", "x", "another-audience", Map.of("repository", "acme/shop"))),
                "invalid_grant", "subject_token refused: audience not accepted");
    }

    @Test
    void malformedRequestsAreRefusedAsOAuthErrors() {
        Map<String, List<String>> wrongGrant = new HashMap<>(request(githubToken("acme/shop", "refs/heads/main")));
        wrongGrant.put("grant_type", List.of("client_credentials"));
        assertRefused(wrongGrant, "unsupported_grant_type", "only urn:ietf:params:oauth:grant-type:token-exchange is supported here");

        Map<String, List<String>> noToken = new HashMap<>(request("x"));
        noToken.remove("subject_token");
        assertThatThrownBy(() -> exchange.exchange(noToken)).isInstanceOfSatisfying(TokenExchangeException.class,
                e -> assertThat(e.error()).isEqualTo("invalid_request"));

        Map<String, List<String>> otherAudience = new HashMap<>(request(githubToken("acme/shop", "refs/heads/main")));
        otherAudience.put("audience", List.of("https://elsewhere.example"));
        assertRefused(otherAudience, "invalid_target", "this gateway issues tokens only for " + GATEWAY);
    }

    private static String githubToken(String repository, String ref) {
        return idp.token("github", "repo:" + repository + ":ref:" + ref, GATEWAY,
                Map.of("repository", repository, "ref", ref, "repository_owner", repository.split("/")[0]));
    }

    private static Map<String, List<String>> request(String subjectToken) {
        return Map.of("grant_type", List.of(TokenExchange.GRANT_TYPE),
                "subject_token", List.of(subjectToken),
                "subject_token_type", List.of("urn:ietf:params:oauth:token-type:id_token"));
    }

    private static void assertRefused(Map<String, List<String>> request, String error, String description) {
        assertThatThrownBy(() -> exchange.exchange(request)).isInstanceOfSatisfying(TokenExchangeException.class, e -> {
            assertThat(e.error()).isEqualTo(error);
            assertThat(e.getMessage()).isEqualTo(description);
            assertThat(e.responseBody()).containsEntry("error", error).containsEntry("error_description", description);
        });
    }
}
