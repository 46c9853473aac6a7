package dev.tracegate.gateway.approval;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracegate.gateway.TestGateway;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** The real REST API of a test gateway, for tests whose approvers are service accounts an administrator creates and revokes. */
public final class GatewayApi {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private final TestGateway gateway;

    public GatewayApi(TestGateway gateway) {
        this.gateway = gateway;
    }

    /** A service account in the dba group, with its first key ({@code secret}, {@code key.id}). */
    JsonNode dbaServiceAccount(String name) throws Exception {
        return serviceAccount(name, "dba", "service");
    }

    /** A service account of {@code kind} in {@code group}, with its first key ({@code secret}, {@code key.id}). */
    public JsonNode serviceAccount(String name, String group, String kind) throws Exception {
        HttpResponse<String> created = call(TestGateway.ADMIN_TOKEN, "POST", "/api/service-accounts",
                "{\"account\": \"" + name + "\", \"groups\": [\"" + group + "\"], \"kind\": \"" + kind + "\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return JSON.readTree(created.body());
    }

    /** Revokes the first key of a service account {@link #dbaServiceAccount} made, as the administrator. */
    public void revokeKey(JsonNode account) throws Exception {
        assertThat(call(TestGateway.ADMIN_TOKEN, "DELETE", "/api/service-accounts/keys/" + account.path("key").path("id").asText(), null)
                .statusCode()).isEqualTo(200);
    }

    public HttpResponse<String> call(String token, String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.gateway().apiPort() + path))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json");
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode read(String body) throws Exception {
        return JSON.readTree(body);
    }
}
