package dev.tracegate.gateway.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracegate.gateway.TestGateway;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** An administrator creates a key over the API, a job uses it with pgjdbc, and revocation stops it. */
class ServiceAccountsThroughApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void createUseAndRevokeAKey() throws Exception {
        try (TestGateway gateway = TestGateway.start()) {
            HttpResponse<String> created = call(gateway, TestGateway.ADMIN_TOKEN, "POST", "/api/service-accounts",
                    "{\"account\": \"nightly-report\", \"groups\": [\"analysts\"], \"kind\": \"agent\"}");
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            JsonNode body = JSON.readTree(created.body());
            String secret = body.path("secret").asText();
            String id = body.path("key").path("id").asText();
            assertThat(body.path("key").path("createdAt").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");

            connect(gateway, secret).close();
            HttpResponse<String> list = call(gateway, TestGateway.ADMIN_TOKEN, "GET", "/api/service-accounts", null);
            assertThat(list.body()).contains("nightly-report").doesNotContain(secret);

            assertThat(call(gateway, TestGateway.ALICE_TOKEN, "DELETE", "/api/service-accounts/keys/" + id, null).statusCode())
                    .as("only admins revoke").isEqualTo(403);
            assertThat(call(gateway, TestGateway.ADMIN_TOKEN, "DELETE", "/api/service-accounts/keys/" + id, null).statusCode())
                    .isEqualTo(200);
            assertThatThrownBy(() -> connect(gateway, secret).close())
                    .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("28P01"));
        }
    }

    private static Connection connect(TestGateway gateway, String secret) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", "job");
        props.setProperty("password", secret);
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + gateway.port() + "/app?sslmode=require", props);
    }

    private HttpResponse<String> call(TestGateway gateway, String token, String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.gateway().apiPort() + path))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json");
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
