package dev.tracegate.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracegate.gateway.TestGateway;
import dev.tracegate.gateway.TestTarget;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The OpenAPI document is served, describes exactly the routes the server registers (so it cannot
 * drift), and the read-only configuration routes show connections and policy without secrets.
 */
class ApiDocumentationTest {

    private static final Pattern ROUTE = Pattern.compile("routes\\.(get|post|put|delete)\\(\"([^\"]+)\"");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String POLICY = """
            defaults: {action: allow}
            masking: {profiles: {personal-data: {}}}
            rules:
              - {name: mask-all, exceptGroups: [admins], mask: personal-data}
              - {name: no-bulk-writes, classes: [bulk_write], action: block, reason: not here}
              - {name: no-privilege-changes, minClass: privilege, action: block}
            """;
    private static TestGateway gateway;

    @BeforeAll
    static void start() {
        gateway = TestGateway.start(List.of(), POLICY);
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    @Test
    void theDocumentListsExactlyTheRegisteredRoutes() throws Exception {
        HttpResponse<String> response = get("/api/openapi.json", null);
        assertThat(response.statusCode()).as("served without a token").isEqualTo(200);
        JsonNode document = JSON.readTree(response.body());
        assertThat(document.path("openapi").asText()).startsWith("3.1");
        Set<String> documented = new TreeSet<>();
        document.path("paths").properties().forEach(path -> path.getValue().properties()
                .forEach(method -> documented.add(method.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey())));
        assertThat(documented).isEqualTo(registeredRoutes());
    }

    @Test
    void connectionsAndPolicyAreReadableByAdminsWithoutSecrets() throws Exception {
        HttpResponse<String> connections = get("/api/connections", TestGateway.ADMIN_TOKEN);
        assertThat(connections.statusCode()).isEqualTo(200);
        assertThat(connections.body()).contains("\"name\":\"app\"").contains("\"protocol\":\"postgres\"")
                .doesNotContain(TestTarget.PASSWORD).doesNotContain("secrets");
        JsonNode policy = JSON.readTree(get("/api/policy", TestGateway.ADMIN_TOKEN).body());
        assertThat(policy.path("sha256").asText()).hasSize(64);
        assertThat(policy.path("rules").get(0).path("mask").asText()).isEqualTo("personal-data");
        assertThat(policy.path("rules").get(1).path("classes").get(0).asText()).isEqualTo("bulk_write");
        assertThat(policy.path("rules").get(2).path("minClass").asText()).isEqualTo("privilege");
        assertThat(policy.path("masking_profiles").get(0).asText()).isEqualTo("personal-data");
        assertThat(get("/api/policy", TestGateway.ALICE_TOKEN).statusCode()).isEqualTo(403);
        assertThat(get("/api/connections", TestGateway.ALICE_TOKEN).statusCode()).isEqualTo(403);
        assertThat(get("/api/connections", null).statusCode()).isEqualTo(401);
    }

    /** Every route the api package registers, read from its source: {@code GET /api/sessions}, ... */
    private static Set<String> registeredRoutes() throws IOException {
        Set<String> routes = new TreeSet<>();
        try (Stream<Path> sources = Files.list(Path.of("src/main/java/dev/tracegate/gateway/api"))) {
            for (Path source : sources.toList()) {
                String text = Files.readString(source).replace("routes.get(OPENAPI_PATH", "routes.get(\""
                        + ConfigurationRoutes.OPENAPI_PATH + "\"");
                Matcher route = ROUTE.matcher(text);
                while (route.find()) {
                    routes.add(route.group(1).toUpperCase(Locale.ROOT) + " " + route.group(2));
                }
            }
        }
        assertThat(routes).as("routes found in the sources").hasSizeGreaterThan(15);
        return routes;
    }

    private static HttpResponse<String> get(String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.gateway().apiPort() + path));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
