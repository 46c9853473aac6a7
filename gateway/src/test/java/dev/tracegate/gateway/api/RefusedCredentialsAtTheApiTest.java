package dev.tracegate.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tracegate.gateway.TestGateway;
import dev.tracegate.gateway.config.CallerLimits;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Guessing tokens at the REST API, the console's sign-in or the token exchange draws on the same
 * allowance per address as guessing passwords at the PostgreSQL listener: past it, every refusal
 * is answered late and says so (429 with Retry-After), while a valid token from the same address
 * is served at once.
 */
class RefusedCredentialsAtTheApiTest {

    private static final int ALLOWANCE = 3;
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void refusalsOnEveryChannelShareOneAllowanceAndThenComeWith429() throws Exception {
        try (TestGateway gateway = TestGateway.start((String) null, new CallerLimits(0, 0, 0, 0, 0, ALLOWANCE, 1000, 0))) {
            String api = "http://127.0.0.1:" + gateway.gateway().apiPort();
            gateway.gateway().evidence().authFailures().flush().get(30, TimeUnit.SECONDS);
            long before = gateway.gateway().evidence().size();

            Properties guess = new Properties();
            guess.setProperty("user", "mallory");
            guess.setProperty("password", "tg_guess_pg");
            assertThatThrownBy(() -> DriverManager.getConnection(gateway.jdbcUrl("app"), guess))
                    .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("28P01"));
            assertThat(bearer(api, "tg_guess_1").statusCode()).isEqualTo(401);
            assertThat(consoleSignIn(api, "tg_guess_2").statusCode()).isEqualTo(401);

            HttpResponse<String> late = bearer(api, "tg_guess_3");
            assertThat(late.statusCode()).as("the fourth refusal from this address this minute").isEqualTo(429);
            assertThat(late.headers().firstValue("Retry-After")).contains("1");
            assertThat(late.body()).contains("token refused").contains("limits.failedLoginsPerSourcePerMinute")
                    .doesNotContain("tg_guess_3");
            HttpResponse<String> lateConsole = consoleSignIn(api, "tg_guess_4");
            assertThat(lateConsole.statusCode()).isEqualTo(429);
            assertThat(lateConsole.headers().firstValue("Retry-After")).contains("1");
            assertThat(lateConsole.body()).contains("token refused").doesNotContain("tg_guess_4");
            HttpResponse<String> lateExchange = exchange(api, "tg_guess_5");
            assertThat(lateExchange.statusCode()).isEqualTo(429);
            assertThat(lateExchange.headers().firstValue("Retry-After")).contains("1");

            HttpResponse<String> valid = bearer(api, TestGateway.ADMIN_TOKEN);
            assertThat(valid.statusCode()).as("a valid token from the same address is served").isEqualTo(200);

            gateway.gateway().evidence().authFailures().flush().get(30, TimeUnit.SECONDS);
            List<JsonNode> failures = gateway.events("auth.failure", before);
            assertThat(failures.stream().mapToLong(e -> e.path("detail").path("count").asLong()).sum())
                    .as("every refusal is evidence").isEqualTo(6);
        }
    }

    private HttpResponse<String> bearer(String api, String token) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(api + "/api/sessions")).header("Authorization", "Bearer " + token)
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> consoleSignIn(String api, String token) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(api + "/console/signin/token"))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Origin", api)
                .POST(HttpRequest.BodyPublishers.ofString("token=" + token)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> exchange(String api, String token) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(api + "/api/tokens/exchange"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=urn:ietf:params:oauth:grant-type:token-exchange"
                        + "&subject_token_type=urn:ietf:params:oauth:token-type:jwt&subject_token=" + token))
                .build(), HttpResponse.BodyHandlers.ofString());
    }
}
