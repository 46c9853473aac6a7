package dev.tracegate.gateway.identity;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jwt.SignedJWT;
import dev.tracegate.gateway.TestGateway;
import dev.tracegate.gateway.evidence.EventType;
import dev.tracegate.gateway.recording.SessionQueries;
import dev.tracegate.gateway.recording.SessionSummary;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A CI job exchanges its provider's OIDC token at POST /api/tokens/exchange for a short-lived
 * gateway token, then uses it as the PostgreSQL password: the session and its evidence name the
 * service account the trust rule bound it to, with that account's groups.
 */
class CiTokenExchangeThroughGatewayTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static IdentityGateway gateway;

    @BeforeAll
    static void start() throws Exception {
        gateway = IdentityGateway.start();
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    @Test
    void aMatchingCiTokenBecomesAServiceAccountSessionWithFullIdentity() throws Exception {
        HttpResponse<String> exchanged = gateway.exchange(ciToken("acme/shop", "refs/heads/main"), null);
        assertThat(exchanged.statusCode()).as(exchanged.body()).isEqualTo(200);
        String gatewayToken = JSON.readTree(exchanged.body()).path("access_token").asText();

        try (Connection c = gateway.connect(gatewayToken); ResultSet rs = c.createStatement().executeQuery("SELECT 'deployed'")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo("deployed");
        }
        List<SessionSummary> sessions = new SessionQueries(gateway.gateway().evidence()).list(null, "app", 10);
        assertThat(sessions).isNotEmpty();
        JsonNode actor = sessions.getFirst().opened().path("actor");
        assertThat(actor.path("sub").asText()).contains("shop-deployer");
        assertThat(actor.path("kind").asText()).isEqualTo("service");
        assertThat(actor.path("groups").toString()).contains("deployers");
    }

    @Test
    void aCiTokenFromAnotherRepositoryIsRefused() throws Exception {
        HttpResponse<String> refused = gateway.exchange(ciToken("mallory/fork", "refs/heads/main"), null);
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(refused.body()).path("error").asText()).isEqualTo("invalid_grant");
    }

    /**
     * A CI token is a bearer credential for its whole lifetime, and jobs leave them in logs and
     * caches: the gateway exchanges each once, so whoever finds a used one gets nothing. Before, the
     * same token bought a fresh ten-minute service-account token as often as it was presented.
     */
    @Test
    void aCiTokenIsExchangedOnce() throws Exception {
        String ciToken = ciToken("acme/shop", "refs/heads/main");
        HttpResponse<String> first = gateway.exchange(ciToken, null);
        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);

        JsonNode recorded = TestGateway.eventsOfType(gateway.gateway().evidence(), EventType.ADMIN_ACTION).stream()
                .filter(e -> e.path("detail").path("action").asText().equals("token.exchange")).toList().getLast();
        JsonNode matched = recorded.path("detail").path("matched_claims");
        assertThat(matched.size()).as("what the token was bound to: the rule's claims").isEqualTo(2);
        assertThat(matched.path("repository").toString()).isEqualTo("[\"acme/shop\"]");
        assertThat(matched.path("ref").toString()).isEqualTo("[\"refs/heads/main\"]");
        assertThat(recorded.path("detail").path("subject_token_jti").asText())
                .isEqualTo(SignedJWT.parse(ciToken).getJWTClaimsSet().getJWTID()).isNotEmpty();

        HttpResponse<String> replayed = gateway.exchange(ciToken, null);

        assertThat(replayed.statusCode()).isEqualTo(400);
        JsonNode error = JSON.readTree(replayed.body());
        assertThat(error.path("error").asText()).isEqualTo("invalid_grant");
        assertThat(error.path("error_description").asText()).contains("subject_token was exchanged already");
        assertThat(replayed.body()).doesNotContain(ciToken);
    }

    /**
     * The gateway token never outlives the CI token it was exchanged for: the CI provider says how
     * long the job's proof holds. Before, a token with two minutes left bought the rule's ten.
     */
    @Test
    void theExchangedTokenEndsNoLaterThanTheCiToken() throws Exception {
        String ciToken = gateway.idp().token("github", "repo:acme/shop:ref:refs/heads/main",
                "tracegate-ci", Map.of("repository", "acme/shop", "ref", "refs/heads/main"), Duration.ofMinutes(2));
        Instant ciExpiry = SignedJWT.parse(ciToken).getJWTClaimsSet().getExpirationTime().toInstant();

        HttpResponse<String> exchanged = gateway.exchange(ciToken, null);

        assertThat(exchanged.statusCode()).as(exchanged.body()).isEqualTo(200);
        JsonNode answer = JSON.readTree(exchanged.body());
        assertThat(answer.path("expires_in").asLong()).isBetween(1L, 120L);
        Instant issuedExpiry = SignedJWT.parse(answer.path("access_token").asText()).getJWTClaimsSet()
                .getExpirationTime().toInstant();
        assertThat(issuedExpiry).isBeforeOrEqualTo(ciExpiry);
    }

    private static String ciToken(String repository, String ref) {
        return gateway.ciToken("repo:" + repository + ":ref:" + ref, Map.of("repository", repository, "ref", ref));
    }
}
