package dev.tracegate.gateway.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracegate.gateway.TestGateway;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * A leaked static API key is rotated by giving its name a new value and restarting: what was derived
 * from the old value (gateway tokens, their renewals, console sessions) must end with it, as it does
 * when the name is removed, at every listener and the API; the new value works at once.
 */
class RotatedStaticKeyTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ROTATED = "tg_alice_Rotated_7f3a90";
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void whatWasDerivedFromAKeysOldValueEndsWhenTheValueIsReplaced() throws Exception {
        TestGateway gateway = TestGateway.start();
        try {
            String derived = issue(gateway, TestGateway.ALICE_TOKEN);
            assertThat(me(gateway, derived).statusCode()).isEqualTo(200);
            String renewed = issue(gateway, derived);
            connect(gateway, renewed);
            String cookie = consoleSignIn(gateway, TestGateway.ALICE_TOKEN);
            assertThat(withCookie(gateway, cookie).statusCode()).isEqualTo(200);

            Files.writeString(gateway.dataDir().resolve("secrets").resolve("alice"), ROTATED);
            gateway = gateway.restarted();

            for (String token : new String[] {derived, renewed}) {
                HttpResponse<String> refused = me(gateway, token);
                assertThat(refused.statusCode()).as(refused.body()).isEqualTo(401);
                assertThat(refused.body()).contains("no longer configured or has a new value").doesNotContain(token);
                assertThat(post(gateway, "/api/tokens", token).statusCode()).as("no renewal either").isEqualTo(401);
                TestGateway atTheListener = gateway;
                assertThatThrownBy(() -> connect(atTheListener, token))
                        .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("28P01"));
            }
            assertThat(withCookie(gateway, cookie).statusCode()).as("a console session opened with the old value").isEqualTo(401);
            assertThat(me(gateway, TestGateway.ALICE_TOKEN).statusCode()).as("the old value itself").isEqualTo(401);
            String fresh = issue(gateway, ROTATED);
            assertThat(me(gateway, fresh).statusCode()).as("the new value and its tokens work").isEqualTo(200);
            connect(gateway, fresh);
        } finally {
            gateway.close();
        }
    }

    private String issue(TestGateway gateway, String bearer) throws Exception {
        HttpResponse<String> issued = post(gateway, "/api/tokens?minutes=30", bearer);
        assertThat(issued.statusCode()).as(issued.body()).isEqualTo(200);
        return JSON.readTree(issued.body()).path("token").asText();
    }

    private HttpResponse<String> me(TestGateway gateway, String bearer) throws Exception {
        return http.send(HttpRequest.newBuilder(uri(gateway, "/api/me")).header("Authorization", "Bearer " + bearer).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> withCookie(TestGateway gateway, String cookie) throws Exception {
        return http.send(HttpRequest.newBuilder(uri(gateway, "/api/me")).header("Cookie", cookie).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private String consoleSignIn(TestGateway gateway, String token) throws Exception {
        String origin = "http://127.0.0.1:" + gateway.gateway().apiPort();
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri(gateway, "/console/signin/token"))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Origin", origin)
                .POST(HttpRequest.BodyPublishers.ofString("token=" + token)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(303);
        return response.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
    }

    private HttpResponse<String> post(TestGateway gateway, String path, String bearer) throws Exception {
        return http.send(HttpRequest.newBuilder(uri(gateway, path)).header("Authorization", "Bearer " + bearer)
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static URI uri(TestGateway gateway, String path) {
        return URI.create("http://127.0.0.1:" + gateway.gateway().apiPort() + path);
    }

    private static void connect(TestGateway gateway, String token) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", "alice");
        props.setProperty("password", token);
        DriverManager.getConnection(gateway.jdbcUrl("app"), props).close();
    }
}
