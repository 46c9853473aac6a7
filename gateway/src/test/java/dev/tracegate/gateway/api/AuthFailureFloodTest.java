package dev.tracegate.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tracegate.gateway.TestGateway;
import dev.tracegate.gateway.config.CallerLimits;
import dev.tracegate.gateway.evidence.AuthFailureRecorder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Refused bearer tokens at the REST API are evidence like refused PostgreSQL log-ins, and a flood
 * of them is summarised the same way: a bounded number of events whose counts add up.
 */
class AuthFailureFloodTest {

    @Test
    void aFloodOfBadTokensLeavesBoundedEvidenceThatCountsEveryAttempt() throws Exception {
        // An allowance above the flood: this test counts evidence; RefusedCredentialsAtTheApiTest holds the delay.
        try (TestGateway gateway = TestGateway.start((String) null, new CallerLimits(0, 0, 0, 0, 0, 1_000, 0, 0))) {
            HttpClient http = HttpClient.newHttpClient();
            String api = "http://127.0.0.1:" + gateway.gateway().apiPort();
            gateway.gateway().evidence().authFailures().flush().get(30, TimeUnit.SECONDS);
            long before = gateway.gateway().evidence().size();
            String longPath = "/api/sessions/" + "x".repeat(4_000);
            for (int i = 0; i < 300; i++) {
                HttpResponse<String> refused = http.send(HttpRequest.newBuilder(URI.create(api + (i % 2 == 0 ? longPath : "/api/sessions")))
                        .header("Authorization", "Bearer tg_guess_" + i).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(refused.statusCode()).isEqualTo(401);
            }
            HttpResponse<String> served = http.send(HttpRequest.newBuilder(URI.create(api + "/api/sessions"))
                    .header("Authorization", "Bearer " + TestGateway.ADMIN_TOKEN).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(served.statusCode()).isEqualTo(200);
            gateway.gateway().evidence().authFailures().flush().get(30, TimeUnit.SECONDS);
            List<JsonNode> failures = gateway.events("auth.failure", before);
            assertThat(failures.stream().mapToLong(e -> e.path("detail").path("count").asLong()).sum()).isEqualTo(300);
            assertThat(failures).hasSizeLessThanOrEqualTo(2 * (AuthFailureRecorder.INDIVIDUAL_PER_SOURCE + 1));
            for (JsonNode event : failures) {
                assertThat(event.toString().length()).as("event size").isLessThan(1_000);
            }
        }
    }

}
