package dev.tracegate.gateway.identity;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracegate.gateway.recording.SessionQueries;
import dev.tracegate.gateway.recording.SessionSummary;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
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

    private static String ciToken(String repository, String ref) {
        return gateway.ciToken("repo:" + repository + ":ref:" + ref, Map.of("repository", repository, "ref", ref));
    }
}
