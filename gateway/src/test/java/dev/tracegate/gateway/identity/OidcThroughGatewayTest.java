package dev.tracegate.gateway.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tracegate.gateway.TestGateway;
import dev.tracegate.gateway.TestTarget;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An OIDC access token as the PostgreSQL password, through the real gateway, with pgjdbc and psql.
 */
class OidcThroughGatewayTest {

    private static IdentityGateway gateway;
    private static MockIdentityProvider idp;

    @BeforeAll
    static void start() throws Exception {
        gateway = IdentityGateway.start();
        idp = gateway.idp();
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    @Test
    void anOidcAccessTokenIsAcceptedAsThePostgresPassword() throws Exception {
        String token = idp.token("okta", "00u1alice", "tracegate", Map.of("groups", List.of("analysts")));

        try (Connection c = gateway.connect(token); ResultSet rs = c.createStatement().executeQuery("SELECT current_user")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo(TestTarget.SCRAM_USER);
        }
    }

    @Test
    void psqlTakesTheTokenFromPgpassword() throws Exception {
        ProcessBuilder psql = new ProcessBuilder("psql",
                "postgresql://alice@127.0.0.1:" + gateway.gateway().postgresPort() + "/app?sslmode=require", "-Atc", "SELECT 40 + 2")
                .redirectErrorStream(true);
        psql.environment().put("PGPASSWORD", idp.token("okta", "00u1alice", "tracegate", Map.of()));
        Process process = psql.start();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();

        assertThat(new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip()).isEqualTo("42");
    }

    @Test
    void anAddressTheProviderDidNotVerifyIsRecordedAsNotVerified() throws Exception {
        for (Map<String, Object> claims : List.of(Map.<String, Object>of("email", "ada@acme.com", "email_verified", false),
                Map.<String, Object>of("email", "ada@acme.com"))) {
            String token = idp.token("okta", "00u9typed", "tracegate", claims);
            try (Connection c = gateway.connect(token); ResultSet rs = c.createStatement().executeQuery("SELECT 1")) {
                assertThat(rs.next()).isTrue();
            }
            assertThat(gateway.api("GET", "/api/me", token, null).body()).as("%s", claims).contains("\"email_verified\":false");
        }
        String verified = idp.token("okta", "00u9checked", "tracegate", Map.of("email", "ada@acme.com", "email_verified", true));
        try (Connection c = gateway.connect(verified); ResultSet rs = c.createStatement().executeQuery("SELECT 1")) {
            assertThat(rs.next()).isTrue();
        }

        List<JsonNode> opened = TestGateway.eventsOfType(gateway.gateway().evidence(), "session.open");
        List<JsonNode> typed = opened.stream().filter(e -> e.path("actor").path("sub").asText().equals("00u9typed")).toList();
        assertThat(typed).hasSize(2).allSatisfy(event -> {
            assertThat(event.path("actor").path("email").asText()).isEqualTo("ada@acme.com");
            assertThat(event.path("actor").path("email_verified").isBoolean()).isTrue();
            assertThat(event.path("actor").path("email_verified").asBoolean()).as("marked, so no reader takes it as hers")
                    .isFalse();
        });
        JsonNode checked = opened.stream().filter(e -> e.path("actor").path("sub").asText().equals("00u9checked")).findFirst()
                .orElseThrow();
        assertThat(checked.path("actor").has("email_verified")).as("a verified address needs no mark").isFalse();
    }

    @Test
    void aTokenForAnotherAudienceIsRefusedLikeAWrongPassword() {
        assertThatThrownBy(() -> gateway.connect(idp.token("okta", "00u1alice", "another-api", Map.of())).close())
                .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("28P01"));
    }

    /**
     * Keycloak's account console, Entra ID's profile and others let a user write any address, which
     * the token then carries with {@code email_verified: false} (or without saying): a condition on
     * {@code email} is met only by an address the provider verified.
     */
    @Test
    void anAddressTheProviderDidNotVerifyMeetsNoConditionOnEmail() throws Exception {
        Map<String, Object> unverified = Map.of("email", "ceo@acme.com", "email_verified", false);
        for (Map<String, Object> claims : List.of(unverified, Map.<String, Object>of("email", "ceo@acme.com"),
                Map.<String, Object>of("email", "ceo@acme.com", "email_verified", "false"))) {
            String token = idp.token("keycloak", "f3a1-mallory", "tracegate", claims);
            assertThatThrownBy(() -> gateway.connect(token).close()).as("%s", claims)
                    .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("28P01"));
            HttpResponse<String> me = gateway.api("GET", "/api/me", token, null);
            assertThat(me.statusCode()).as("%s", claims).isEqualTo(401);
            assertThat(me.body()).contains("required claim email is not verified (email_verified is not true)");
        }
        for (Object verified : List.of(true, "true")) {
            String token = idp.token("keycloak", "9b2c-ceo", "tracegate", Map.of("email", "ceo@acme.com", "email_verified", verified));
            try (Connection c = gateway.connect(token); ResultSet rs = c.createStatement().executeQuery("SELECT 1")) {
                assertThat(rs.next()).isTrue();
            }
        }

        String writtenAddress = idp.token("entra", "77c0-mallory", "tracegate", Map.of("email", "deploy@bots.acme.com"));
        assertThat(gateway.api("GET", "/api/me", writtenAddress, null).body()).contains("\"kind\":\"human\"");
        String service = idp.token("entra", "5d1e-deploy", "tracegate", Map.of("email", "deploy@bots.acme.com", "email_verified", true));
        assertThat(gateway.api("GET", "/api/me", service, null).body()).contains("\"kind\":\"service\"");
    }
}
