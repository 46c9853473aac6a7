package dev.tracegate.gateway.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracegate.gateway.config.ConfigException;
import dev.tracegate.gateway.config.ConfigLoader;
import dev.tracegate.gateway.config.GatewayConfig;
import dev.tracegate.gateway.config.IdentitiesConfig;
import dev.tracegate.gateway.config.OidcIssuerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The identity keys of the YAML configuration, as docs/identity.md shows them. */
class IdentityConfigurationTest {

    @TempDir
    Path dir;

    @Test
    void oidcIssuersGatewayTokensAndExchangeRulesLoad() throws Exception {
        GatewayConfig config = load("""
                identities:
                  oidc:
                    - issuer: https://acme.okta.com/oauth2/default
                      audiences: [api://tracegate]
                      groupsClaim: groups
                    - issuer: https://sso.acme.com/realms/acme
                      audiences: [tracegate]
                      groupsClaim: realm_access.roles
                      administeredClaims: [preferred_username]
                      kinds:
                        - kind: service
                          when: {preferred_username: "service-account-*"}
                    - issuer: https://token.actions.githubusercontent.com
                      audiences: [https://tracegate.acme.com]
                      exchangeOnly: true
                      defaultKind: service
                  gatewayTokens:
                    issuer: https://tracegate.acme.com
                    maxLifetimeSeconds: 1800
                    exchange:
                      - issuer: https://token.actions.githubusercontent.com
                        claims: {repository: acme/shop, ref: refs/heads/main}
                        serviceAccount: deploy-shop
                        groups: [deployers]
                """);

        IdentitiesConfig identities = config.identities();
        assertThat(identities.oidc()).extracting(OidcIssuerConfig::issuer).containsExactly(
                "https://acme.okta.com/oauth2/default", "https://sso.acme.com/realms/acme",
                "https://token.actions.githubusercontent.com");
        assertThat(identities.oidc().get(0).clockSkewSeconds()).isEqualTo(60);
        assertThat(identities.oidc().get(1).kinds().getFirst().when()).containsEntry("preferred_username", "service-account-*");
        assertThat(identities.oidc().get(2).exchangeOnly()).isTrue();
        assertThat(identities.gatewayTokens().exchange().getFirst().claims())
                .isEqualTo(Map.of("repository", "acme/shop", "ref", "refs/heads/main"));
        assertThat(identities.gatewayTokens().exchange().getFirst().lifetimeSeconds(1800)).isEqualTo(900);
    }

    /**
     * A condition on a claim the user writes at the provider (a username, a display name, Entra ID's
     * upn, a GitHub workflow's name) admits whoever writes that value, so the configuration refuses
     * it, naming the key, unless the issuer declares the claim administered; a Google issuer
     * without {@code hd} admits every Google account; an audience other services share (a
     * provider's default, a cloud's federation endpoint) admits tokens meant for them; and one
     * issuer listed with and without a trailing slash makes each person two identities. Before,
     * all of these loaded silently.
     */
    @Test
    void conditionsOnClaimsUsersChooseAreRefusedAtLoad() throws Exception {
        assertThatThrownBy(() -> load("""
                identities:
                  oidc:
                    - issuer: https://sso.acme.com/realms/acme
                      audiences: [tracegate]
                      kinds:
                        - kind: service
                          when: {preferred_username: "service-account-*"}
                """)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("identities.oidc[https://sso.acme.com/realms/acme].kinds[service].when uses claim"
                        + " preferred_username").hasMessageContaining("administeredClaims");
        assertThatThrownBy(() -> load("""
                identities:
                  oidc:
                    - issuer: https://login.microsoftonline.com/11111111-2222-3333-4444-555555555555/v2.0
                      audiences: [tracegate]
                      requiredClaims: {upn: "*@acme.com"}
                """)).hasMessageContaining("requiredClaims uses claim upn");
        assertThatThrownBy(() -> load("""
                identities:
                  oidc:
                    - issuer: https://idp.example.com
                      audiences: [tracegate]
                      groupsClaim: profile.teams
                """)).hasMessageContaining("groupsClaim uses claim profile.teams");
        assertThatThrownBy(() -> load("""
                identities:
                  oidc:
                    - issuer: https://token.actions.githubusercontent.com
                      audiences: [tracegate]
                      exchangeOnly: true
                  gatewayTokens:
                    exchange:
                      - issuer: https://token.actions.githubusercontent.com
                        claims: {repository_owner: acme, workflow: deploy}
                        serviceAccount: deploy
                """)).hasMessageContaining("identities.gatewayTokens.exchange[deploy].claims uses claim workflow");
        for (String required : List.of("{email_verified: \"true\"}", "{hd: \"*\"}")) {
            assertThatThrownBy(() -> load("""
                    identities:
                      oidc:
                        - issuer: https://accounts.google.com
                          audiences: [123-abc.apps.googleusercontent.com]
                          requiredClaims: %s
                    """.formatted(required))).as(required).hasMessageContaining("admits every Google account")
                    .hasMessageContaining("hd");
        }

        assertThatThrownBy(() -> load("""
                identities:
                  oidc:
                    - issuer: https://idp.example.com/realms/acme
                      audiences: [account]
                """)).hasMessageContaining("audiences names account, Keycloak's default audience");
        assertThatThrownBy(() -> load("""
                identities:
                  oidc:
                    - issuer: https://token.actions.githubusercontent.com
                      audiences: [https://github.com/acme]
                      exchangeOnly: true
                """)).hasMessageContaining("GitHub's default audience");
        assertThatThrownBy(() -> load("""
                identities:
                  oidc:
                    - issuer: https://gitlab.com
                      audiences: [sts.amazonaws.com]
                      exchangeOnly: true
                """)).hasMessageContaining("AWS STS");
        assertThatThrownBy(() -> load("""
                identities:
                  oidc:
                    - issuer: https://idp.example.com
                      audiences: [tracegate]
                    - issuer: https://idp.example.com/
                      audiences: [tracegate]
                      groupsClaim: roles
                """)).hasMessageContaining("lists issuer https://idp.example.com/ twice");

        GatewayConfig declared = load("""
                identities:
                  oidc:
                    - issuer: https://sso.acme.com/realms/acme
                      audiences: [tracegate]
                      administeredClaims: [preferred_username]
                      kinds:
                        - kind: service
                          when: {preferred_username: "service-account-*"}
                    - issuer: https://accounts.google.com
                      audiences: [123-abc.apps.googleusercontent.com]
                      requiredClaims: {hd: acme.com}
                """);
        assertThat(declared.identities().oidc().getFirst().administeredClaims()).containsExactly("preferred_username");
    }

    /**
     * A CI platform signs tokens for every repository it hosts: an exchange rule must name whose
     * jobs it trusts, exactly or with a wildcard only after the owner's end. {@code repository: "*"}
     * beside an exact {@code ref}, {@code repository_owner: acme*} (which acme-evil meets) and a
     * rule on the ref alone each trusted every repository's jobs; now they are refused at load.
     */
    @Test
    void anExchangeRuleMustNameWhoseJobsItTrusts() throws Exception {
        for (String claims : List.of("{repository: \"*\", ref: refs/heads/main}", "{repository_owner: \"acme*\"}",
                "{ref: refs/heads/main, environment: production}", "{sub: \"repo:acme*\"}", "{sub: \"repo:*\"}", "{repository: \"*/shop\"}", "{repository: \"/*\"}")) {
            assertThatThrownBy(() -> load(exchangeRule(claims))).as(claims).isInstanceOf(ConfigException.class)
                    .hasMessageContaining("identities.gatewayTokens.exchange[deploy].claims does not say whose jobs it trusts");
        }
        for (String claims : List.of("{repository: acme/shop, ref: refs/heads/main}", "{repository: \"acme/*\"}",
                "{sub: \"repo:acme/shop:*\"}", "{repository_owner_id: \"1234\", ref: \"refs/tags/v*\"}",
                "{project_path: acme/billing, ref_protected: \"true\"}")) {
            assertThat(load(exchangeRule(claims)).identities().gatewayTokens().exchange()).as(claims).hasSize(1);
        }
    }

    private static String exchangeRule(String claims) {
        return """
                identities:
                  oidc:
                    - issuer: https://token.actions.githubusercontent.com
                      audiences: [https://tracegate.acme.com]
                      exchangeOnly: true
                  gatewayTokens:
                    exchange:
                      - issuer: https://token.actions.githubusercontent.com
                        claims: %s
                        serviceAccount: deploy
                """.formatted(claims);
    }

    @Test
    void aConfigurationWithOnlyStaticKeysStillLoads() throws Exception {
        Files.writeString(dir.resolve("k"), "secret");
        GatewayConfig config = load("""
                identities:
                  apiKeys:
                    - name: alice
                      key: file:%s
                """.formatted(dir.resolve("k")));

        assertThat(config.identities().apiKeys()).hasSize(1);
        assertThat(config.identities().oidc()).isEmpty();
        assertThat(config.identities().gatewayTokens().issuer()).isEqualTo("tracegate");
        assertThat(new IdentitiesConfig(List.of()).gatewayTokens().maxLifetimeSeconds()).isEqualTo(3600);
    }

    @Test
    void mistakesAreRefusedWithTheKeyToFix() {
        assertThatThrownBy(() -> load("""
                identities:
                  oidc:
                    - issuer: http://idp.example.com
                      audiences: [tracegate]
                """)).isInstanceOf(ConfigException.class).hasMessageContaining("must use https");
        assertThatThrownBy(() -> load("""
                identities:
                  oidc:
                    - issuer: https://idp.example.com
                """)).hasMessageContaining("audiences must name at least one accepted audience");
        assertThatThrownBy(() -> load("""
                identities:
                  gatewayTokens:
                    exchange:
                      - issuer: https://token.actions.githubusercontent.com
                        claims: {repository: acme/shop}
                        serviceAccount: deploy
                """)).hasMessageContaining("is not listed in identities.oidc");
        assertThatThrownBy(() -> load("""
                identities:
                  oidc:
                    - issuer: https://token.actions.githubusercontent.com
                      audiences: [tracegate]
                  gatewayTokens:
                    exchange:
                      - issuer: https://token.actions.githubusercontent.com
                        serviceAccount: deploy
                """)).hasMessageContaining("claims needs at least one condition");
        assertThatThrownBy(() -> load("""
                identities:
                  gatewayTokens:
                    maxLifetimeSeconds: 604800
                """)).hasMessageContaining("at most 86400");
    }

    private GatewayConfig load(String yaml) throws Exception {
        Path file = dir.resolve("tracegate.yaml");
        Files.writeString(file, yaml);
        return ConfigLoader.load(file);
    }
}
