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
