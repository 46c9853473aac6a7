package dev.tracegate.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracegate.gateway.TestGateway;
import dev.tracegate.gateway.approval.ConsoleBrowser;
import dev.tracegate.gateway.approval.PendingApproval;
import dev.tracegate.gateway.config.ConnectionConfig;
import dev.tracegate.gateway.config.GatewayTokensConfig;
import dev.tracegate.gateway.config.HttpConnectionConfig;
import dev.tracegate.gateway.config.HttpCredentialConfig;
import dev.tracegate.gateway.config.SecretReference;
import dev.tracegate.gateway.identity.CreatedServiceAccountKey;
import dev.tracegate.gateway.identity.CredentialRef;
import dev.tracegate.gateway.identity.GatewayTokenIssuer;
import dev.tracegate.gateway.identity.GatewayTokenSigningKey;
import dev.tracegate.gateway.identity.Identity;
import dev.tracegate.gateway.identity.JdbcServiceAccountStore;
import dev.tracegate.gateway.identity.NewServiceAccountKey;
import dev.tracegate.gateway.identity.SignIn;
import dev.tracegate.gateway.recording.SessionQueries;
import dev.tracegate.masking.HashKey;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The HTTP gateway with real clients (the JDK's HttpClient and curl) in front of a real HTTP service. */
class HttpGatewayTest {

    private static final String UPSTREAM_SECRET = "Upstream-Http-Secret-2c9d";
    private static final String API_KEY = "Held-Api-Key-51e0";
    private static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    private static final String POLICY = """
            defaults:
              action: allow
            masking:
              profiles:
                personal-data: {}
            rules:
              - {name: mask-personal-data, connections: [svc], exceptGroups: [admins], mask: personal-data}
              - {name: no-deletes, connections: [svc], methods: [DELETE], action: block, reason: deletes are not allowed}
              - {name: hold-puts, connections: [svc], methods: [PUT], action: approve, approvers: [admins]}
              - {name: hold-reports, connections: [svc], methods: [GET], paths: ["/reports/*"], action: approve, approvers: [admins]}
              - name: no-prod-deploys
                connections: [svc]
                methods: [POST]
                paths: ["/deploys"]
                fields: {"$.env": "^prod$"}
                action: block
            """;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path secrets;
    private static UpstreamService upstream;
    private static TestGateway gateway;
    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws IOException {
        upstream = new UpstreamService();
        Path secret = secrets.resolve("upstream-http.secret");
        Files.writeString(secret, UPSTREAM_SECRET);
        ConnectionConfig svc = new HttpConnectionConfig("svc", upstream.url(),
                new HttpCredentialConfig("bearer", null, null, SecretReference.of("file:" + secret)), List.of());
        Path key = secrets.resolve("api.key");
        Files.writeString(key, API_KEY);
        ConnectionConfig keyed = new HttpConnectionConfig("keyed", upstream.url(),
                new HttpCredentialConfig("header", "X-Api-Key", null, SecretReference.of("file:" + key)), List.of());
        ConnectionConfig down;
        try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            down = new HttpConnectionConfig("down", "http://127.0.0.1:" + closed.getLocalPort() + "/api", null, List.of());
        }
        gateway = TestGateway.start(List.of(svc, keyed, down), POLICY);
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    private static HttpRequest.Builder request(String path, String token) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(gateway.httpUrl() + path)).timeout(Duration.ofSeconds(60));
        return token == null ? builder : builder.header("Authorization", "Bearer " + token);
    }

    private static HttpResponse<String> send(HttpRequest request) throws Exception {
        return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theTargetSeesTheHeldCredentialNeverTheCallersToken() throws Exception {
        try (HttpClient own = HttpClient.newHttpClient()) {
            HttpResponse<String> response = own.send(request("/svc/echo?x=1", TestGateway.ADMIN_TOKEN)
                    .header("traceparent", TRACEPARENT).header("Cookie", "session=abc").GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
        }
        UpstreamService.Received seen = upstream.received.getLast();
        assertThat(seen.path()).isEqualTo("/api/echo?x=1");
        assertThat(seen.header("Authorization")).isEqualTo("Bearer " + UPSTREAM_SECRET);
        assertThat(seen.header("Cookie")).isNull();
        assertThat(seen.header("traceparent")).isEqualTo(TRACEPARENT);
        assertThat(seen.headers().toString()).doesNotContain(TestGateway.ADMIN_TOKEN);

        // The client closed its connection: its session closes after the request's result.
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> lastRequest("apikey:admin").getLast().path("type")
                .asText().equals("session.close"));
        List<JsonNode> events = lastRequest("apikey:admin");
        assertThat(events).extracting(e -> e.path("type").asText())
                .containsSubsequence("session.open", "command", "command.result", "session.close");
        JsonNode command = events.stream().filter(e -> e.path("type").asText().equals("command")).findFirst().orElseThrow();
        assertThat(command.path("detail").path("text").asText()).isEqualTo("GET /echo?x=1");
        assertThat(command.path("trace").asText()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(events.toString()).doesNotContain(TestGateway.ADMIN_TOKEN).doesNotContain(UPSTREAM_SECRET)
                .doesNotContain("session=abc").contains("[REDACTED]");
    }

    @Test
    void aRotatedCredentialFileTakesEffectAtTheNextRequest() throws Exception {
        Path secret = secrets.resolve("upstream-http.secret");
        try {
            Files.writeString(secret, "Rotated-Upstream-Secret-7f");
            assertThat(send(request("/svc/echo?rotated=1", TestGateway.ADMIN_TOKEN).GET().build()).statusCode())
                    .isEqualTo(200);
            assertThat(upstream.received.getLast().header("Authorization")).isEqualTo("Bearer Rotated-Upstream-Secret-7f");
        } finally {
            Files.writeString(secret, UPSTREAM_SECRET);
        }
        assertThat(send(request("/svc/echo?rotated=2", TestGateway.ADMIN_TOKEN).GET().build()).statusCode()).isEqualTo(200);
        assertThat(upstream.received.getLast().header("Authorization")).isEqualTo("Bearer " + UPSTREAM_SECRET);
    }

    @Test
    void aHeaderCredentialReplacesTheCallersOwnHeaderOfThatName() throws Exception {
        HttpResponse<String> response = send(request("/keyed/echo?key=1", TestGateway.ADMIN_TOKEN)
                .header("X-Api-Key", "the-callers-own-key").GET().build());
        assertThat(response.statusCode()).isEqualTo(200);
        UpstreamService.Received seen = upstream.received.getLast();
        assertThat(seen.path()).isEqualTo("/api/echo?key=1");
        assertThat(seen.headers().entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase("X-Api-Key"))
                .flatMap(e -> e.getValue().stream()).toList()).containsExactly(API_KEY);
    }

    @Test
    void aCookieTheTargetSetsForOneCallerIsNeverSentWithAnothersRequest() throws Exception {
        HttpResponse<String> set = send(request("/svc/set-cookie", TestGateway.ALICE_TOKEN).GET().build());
        assertThat(set.statusCode()).isEqualTo(200);
        assertThat(set.headers().firstValue("Set-Cookie")).as("the cookie goes to its caller").hasValue(
                UpstreamService.COOKIE + "; Path=/");
        assertThat(send(request("/svc/echo?after-cookie=1", TestGateway.ADMIN_TOKEN).GET().build()).statusCode())
                .isEqualTo(200);
        assertThat(upstream.received.getLast().header("Cookie")).isNull();
    }

    @Test
    void theTargetSeesNoHeaderTheCallerDidNotSendBesidesTheCredential() throws Exception {
        assertThat(raw("GET /svc/echo?bare=1 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TestGateway.ADMIN_TOKEN
                + "\r\nConnection: close\r\n\r\n")).startsWith("HTTP/1.1 200");
        UpstreamService.Received seen = upstream.received.getLast();
        assertThat(seen.path()).isEqualTo("/api/echo?bare=1");
        // No User-Agent, Accept-Encoding (with bodies decompressed behind the caller's back) or Content-Type of the client's own.
        assertThat(seen.headers().keySet()).map(name -> name.toLowerCase(Locale.ROOT))
                .containsExactlyInAnyOrder("host", "authorization");
    }

    @Test
    void anUnreachableTargetIsAnsweredWith502AndTheConnectionsName() throws Exception {
        HttpResponse<String> get = send(request("/down/items", TestGateway.ADMIN_TOKEN).GET().build());
        assertThat(get.statusCode()).isEqualTo(502);
        assertThat(JSON.readTree(get.body()).path("error").asText()).contains("connection down did not answer");
        // A streamed body the target never takes: the request still ends, with the same answer.
        HttpResponse<String> post = send(request("/down/items", TestGateway.ADMIN_TOKEN).header("Content-Type",
                "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"n\":\"" + "x".repeat(100_000) + "\"}"))
                .build());
        assertThat(post.statusCode()).isEqualTo(502);
        assertThat(JSON.readTree(post.body()).path("error").asText()).contains("connection down did not answer");
    }

    @Test
    void largeBodiesStreamWholeBothWaysMaskedOrNot() throws Exception {
        String large = "{\"rows\":[" + ("{\"n\":\"" + "x".repeat(1000) + "\"},").repeat(2048)
                + "{\"mail\":\"ada@example.com\"}]}";
        HttpResponse<String> clear = send(request("/svc/echo/large", TestGateway.ADMIN_TOKEN)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(large)).build());
        assertThat(clear.statusCode()).isEqualTo(200);
        assertThat(upstream.received.getLast().text()).isEqualTo(large);
        assertThat(clear.body()).isEqualTo(large);
        HttpResponse<String> masked = send(request("/svc/echo/large", TestGateway.ALICE_TOKEN)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(large)).build());
        assertThat(masked.statusCode()).isEqualTo(200);
        String stored = upstream.received.getLast().text();
        assertThat(stored).doesNotContain("ada@example.com").contains("[EMAIL]");
        assertThat(JSON.readTree(stored).path("rows")).hasSize(2049);
        assertThat(JSON.readTree(masked.body())).isEqualTo(JSON.readTree(stored));
    }

    @Test
    void credentialsInTheQueryStringStayOutOfTheEvidence() throws Exception {
        String key = "Sk-Query-Secret-9f8e7d6c5b4a";
        HttpResponse<String> response = send(request("/svc/echo?api_key=" + key + "&page=2", TestGateway.ADMIN_TOKEN)
                .GET().build());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(upstream.received.getLast().path()).as("the target gets the request as sent").contains(key);
        List<JsonNode> events = lastRequest("apikey:admin");
        JsonNode command = events.stream().filter(e -> e.path("type").asText().equals("command")).findFirst().orElseThrow();
        assertThat(command.path("detail").path("text").asText()).startsWith("GET /echo?api_key=").contains("page=2");
        JsonNode redaction = command.path("detail").path("redactions").path(0);
        assertThat(redaction.path("entity").asText()).isEqualTo("SECRET");
        assertThat(redaction.has("hmac")).as("a credential cannot be confirmed, key or not").isFalse();
        assertThat(events.toString()).doesNotContain(key);
    }

    @Test
    void personalDataInTheRequestLineIsMaskedInTheEvidenceWithAKeyedHashOfEachValue() throws Exception {
        HttpResponse<String> response = send(request("/svc/echo/ada.lovelace@example.com?email=grace%40example.org"
                + "&note=card+4111+1111+1111+1111&page=2", TestGateway.ADMIN_TOKEN).header("From", "hedy@example.net")
                .header("X-Customer-Phone", "555 0100").header("Referer", "https://app.example/find?q=4012+8888+8888+1881")
                .header("X-Request-Id", "r-42").GET().build());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(upstream.received.getLast().path()).as("the target gets the request as sent")
                .contains("ada.lovelace@example.com").contains("grace%40example.org");
        List<JsonNode> events = lastRequest("apikey:admin");
        JsonNode command = events.stream().filter(e -> e.path("type").asText().equals("command")).findFirst().orElseThrow();
        String text = command.path("detail").path("text").asText();
        assertThat(text).isEqualTo("GET /echo/[EMAIL]?email=[EMAIL]&note=[CARD]&page=2");
        assertThat(events.toString()).doesNotContain("ada.lovelace").doesNotContain("grace%40example.org")
                .doesNotContain("4111+1111").doesNotContain("hedy@").doesNotContain("555 0100").doesNotContain("4012+8888");
        JsonNode opened = command.path("detail");
        assertThat(opened.path("headers").path("from").asText()).isEqualTo("[EMAIL]");
        assertThat(opened.path("headers").path("x-customer-phone").asText()).as("a protected name: masked whole").isEqualTo("[PHONE]");
        assertThat(opened.path("headers").path("referer").asText()).isEqualTo("https://app.example/find?q=[CARD]");
        assertThat(opened.path("headers").path("x-request-id").asText()).isEqualTo("r-42");
        HashKey key = HashKey.of(Files.readString(gateway.dataDir().resolve("keys/masking.key")).strip()
                .getBytes(StandardCharsets.UTF_8));
        List<String> hashes = new ArrayList<>();
        command.path("detail").path("redactions").forEach(r -> {
            if (!r.has("header")) {
                hashes.add(r.path("hmac").asText());
            }
        });
        assertThat(hashes).containsExactly(key.hmacHex("ada.lovelace@example.com"), key.hmacHex("grace%40example.org"),
                key.hmacHex("card+4111+1111+1111+1111"));
        List<String> headerHashes = new ArrayList<>();
        opened.path("redactions").forEach(r -> headerHashes.add(r.path("header").asText() + " " + r.path("hmac").asText()));
        assertThat(headerHashes).contains("from " + key.hmacHex("hedy@example.net"), "x-customer-phone " + key.hmacHex("555 0100"));
    }

    @Test
    void personalDataInAHeaderThatDescribesTheTransferIsMaskedInTheEvidence() throws Exception {
        HttpResponse<String> response = send(request("/svc/echo", TestGateway.ADMIN_TOKEN)
                .header("User-Agent", "crawler/1.0 (+mailto:hedy@example.net)")
                .header("If-None-Match", "W/\"v3:ada.lovelace@example.com\"").header("Accept", "application/json")
                .GET().build());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(upstream.received.getLast().headers().toString()).as("the target gets the request as sent")
                .contains("hedy@example.net").contains("ada.lovelace@example.com");
        List<JsonNode> events = lastRequest("apikey:admin");
        assertThat(events.toString()).doesNotContain("hedy@").doesNotContain("ada.lovelace");
        JsonNode headers = events.stream().filter(e -> e.path("type").asText().equals("command")).findFirst()
                .orElseThrow().path("detail").path("headers");
        assertThat(headers.path("user-agent").asText()).isEqualTo("crawler/1.0 (+mailto:[EMAIL])");
        assertThat(headers.path("if-none-match").asText()).isEqualTo("W/\"v3:[EMAIL]\"");
        assertThat(headers.path("accept").asText()).isEqualTo("application/json");
    }

    /** Every value of a repeated header reaches the target; the record kept the last alone. */
    @Test
    void aHeaderSentTwiceIsRecordedWithEveryValueTheTargetGot() throws Exception {
        String answer = raw("GET /svc/echo/dry-run HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TestGateway.ADMIN_TOKEN
                + "\r\nX-Dry-Run: true\r\nx-dry-run: false\r\nX-Note: mail hedy@example.net\r\nX-Note: ok"
                + "\r\nConnection: close\r\n\r\n");
        assertThat(answer).startsWith("HTTP/1.1 200");
        assertThat(upstream.received.getLast().headers().entrySet().stream()
                .filter(e -> e.getKey().equalsIgnoreCase("x-dry-run")).flatMap(e -> e.getValue().stream()))
                .as("the target gets both").containsExactly("true", "false");
        List<JsonNode> events = lastRequest("apikey:admin");
        JsonNode headers = events.stream().filter(e -> e.path("type").asText().equals("command")).findFirst()
                .orElseThrow().path("detail").path("headers");
        assertThat(headers.path("x-dry-run").asText()).isEqualTo("true, false");
        assertThat(headers.path("x-note").asText()).isEqualTo("mail [EMAIL], ok");
        assertThat(events.toString()).doesNotContain("hedy@");
    }

    @Test
    void personalDataIsMaskedInBothDirectionsForMaskedCallers() throws Exception {
        String trace = "{\"agent\":\"planner\",\"step\":{\"note\":\"mail ada@example.com\",\"card\":\"4111 1111 1111 1111\"}}";
        HttpResponse<String> response = send(request("/svc/echo", TestGateway.ALICE_TOKEN)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(trace)).build());
        assertThat(response.statusCode()).isEqualTo(200);
        String stored = upstream.received.getLast().text();
        assertThat(stored).contains("planner").contains("[EMAIL]").doesNotContain("ada@example.com")
                .doesNotContain("4111 1111 1111 1111");
        HttpResponse<String> profile = send(request("/svc/profile", TestGateway.ALICE_TOKEN).GET().build());
        assertThat(profile.body()).contains("gold").doesNotContain("ada@example.com").doesNotContain("4111");
        HttpResponse<String> clear = send(request("/svc/profile", TestGateway.ADMIN_TOKEN).GET().build());
        assertThat(clear.body()).isEqualTo(UpstreamService.PROFILE);

        List<JsonNode> events = lastRequest("apikey:alice");
        JsonNode applied = events.stream().filter(e -> e.path("type").asText().equals("masking.applied"))
                .findFirst().orElseThrow();
        assertThat(applied.path("detail").path("found").toString()).contains("response.body:$.user.email");
    }

    @Test
    void invalidJsonFromAMaskedCallerIsRefusedAndNeverStoredWhole() throws Exception {
        int before = upstream.received.size();
        HttpResponse<String> response = send(request("/svc/echo", TestGateway.ALICE_TOKEN)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"email\": \"ada@example.com\", oops")).build());
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(response.body()).path("error").asText()).contains("invalid JSON");
        assertThat(upstream.received.subList(before, upstream.received.size()))
                .noneMatch(r -> r.text().contains("ada@example.com"));
    }

    @Test
    void bodiesTheMaskerCannotReadAreRefusedForMaskedCallers() throws Exception {
        HttpResponse<String> binary = send(request("/svc/echo", TestGateway.ALICE_TOKEN)
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[] {1, 2, 3})).build());
        assertThat(binary.statusCode()).isEqualTo(415);
        assertThat(binary.body()).contains("cannot be masked").contains("mask-personal-data");
        HttpResponse<String> exempt = send(request("/svc/echo", TestGateway.ADMIN_TOKEN)
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[] {1, 2, 3})).build());
        assertThat(exempt.statusCode()).isEqualTo(200);
    }

    @Test
    void aBlockedDeleteNeverReachesTheTarget() throws Exception {
        int before = upstream.received.size();
        HttpResponse<String> response = send(request("/svc/echo/7", TestGateway.ADMIN_TOKEN).DELETE().build());
        assertThat(response.statusCode()).isEqualTo(403);
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.path("rule").asText()).isEqualTo("no-deletes");
        assertThat(body.path("error").asText()).contains("deletes are not allowed");
        assertThat(upstream.received).hasSize(before);
    }

    /**
     * Laravel takes a JSON POST's top-level _method for the method: a masked caller's body, which
     * streams through the masker, and a large one, which streams as it came, are read as they go;
     * the target never gets either whole, and the evidence says which rule refused them.
     */
    @Test
    void aJsonPostNamingABlockedMethodIsRefusedWhileItsBodyStreams() throws Exception {
        int before = upstream.received.size();
        for (String token : List.of(TestGateway.ALICE_TOKEN, TestGateway.ADMIN_TOKEN)) {
            String body = "{\"note\":\"mail ada@example.com\",\"pad\":\"" + "x".repeat(80 * 1024) + "\",\"_method\":\"DELETE\"}";
            HttpResponse<String> response = send(request("/svc/echo/7", token).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build());
            assertThat(response.statusCode()).as(token).isEqualTo(403);
            JsonNode refusal = JSON.readTree(response.body());
            assertThat(refusal.path("rule").asText()).isEqualTo("no-deletes");
            assertThat(refusal.path("error").asText()).contains("_method").contains("deletes are not allowed");
        }
        assertThat(upstream.received).hasSize(before);
        JsonNode blocked = lastRequest("apikey:admin").stream().filter(e -> e.path("type").asText().equals("command.blocked"))
                .findFirst().orElseThrow();
        assertThat(blocked.path("detail").path("rule").asText()).isEqualTo("no-deletes");
        HttpResponse<String> patch = send(request("/svc/echo/7", TestGateway.ALICE_TOKEN).header("Content-Type",
                "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"_method\":\"PATCH\"}")).build());
        assertThat(patch.statusCode()).isEqualTo(200);
        assertThat(upstream.received.getLast().text()).isEqualTo("{\"_method\":\"PATCH\"}");
    }

    @Test
    void rulesOnJsonBodyFieldsDecideAndUndecidableBodiesAreRefused() throws Exception {
        assertThat(deploy("{\"env\":\"prod\"}", "application/json").body()).contains("no-prod-deploys");
        HttpResponse<String> staging = deploy("{\"env\":\"staging\"}", "application/json");
        assertThat(staging.statusCode()).isEqualTo(200);
        assertThat(upstream.received.getLast().text()).isEqualTo("{\"env\":\"staging\"}");
        HttpResponse<String> duplicate = deploy("{\"env\":\"staging\",\"env\":\"prod\"}", "application/json");
        assertThat(duplicate.statusCode()).isEqualTo(403);
        assertThat(duplicate.body()).contains("default:high-risk").contains("duplicate keys");
        HttpResponse<String> notJson = deploy("env=prod", "text/plain");
        assertThat(notJson.statusCode()).isEqualTo(403);
        assertThat(notJson.body()).contains("not valid JSON");
    }

    /** The target (like Express or Spring before 6) may route /deploys/ as /deploys: it passed the rule before. */
    @Test
    void aTrailingSlashDoesNotWalkAroundARulesPath() throws Exception {
        int before = upstream.received.size();
        HttpResponse<String> slashed = deploy("/svc/deploys/", "{\"env\":\"prod\"}", "application/json");
        assertThat(slashed.statusCode()).isEqualTo(403);
        assertThat(slashed.body()).contains("no-prod-deploys");
        assertThat(upstream.received).hasSize(before);
    }

    private static HttpResponse<String> deploy(String body, String type) throws Exception {
        return deploy("/svc/deploys", body, type);
    }

    private static HttpResponse<String> deploy(String path, String body, String type) throws Exception {
        return send(request(path, TestGateway.ADMIN_TOKEN).header("Content-Type", type)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    @Test
    void aHeldRequestWhoseKeyIsRevokedWhileItWaitsIsNotSentWhenApproved() throws Exception {
        CreatedServiceAccountKey key = new JdbcServiceAccountStore(gateway.gateway().store().dataSource())
                .create(new NewServiceAccountKey("http-revoked", List.of("analysts"), "service", null, null, null));
        CompletableFuture<HttpResponse<String>> put = CLIENT.sendAsync(request("/svc/echo/revoked-while-held", key.secret())
                .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString("{}")).build(),
                HttpResponse.BodyHandlers.ofString());
        PendingApproval pending = Awaitility.await().atMost(Duration.ofSeconds(20))
                .until(() -> gateway.gateway().approvals().pending().stream()
                        .filter(p -> p.request().command().startsWith("PUT /echo/revoked-while-held")).findFirst()
                        .orElse(null), p -> p != null);
        HttpResponse<String> revoked = send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + gateway.gateway().apiPort() + "/api/service-accounts/keys/" + key.key().id()))
                .header("Authorization", "Bearer " + TestGateway.ADMIN_TOKEN).DELETE().build());
        assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(200);
        gateway.gateway().approvals().approve(pending.id(),
                new Identity("tracegate", "apikey:admin", "admin", null, List.of("admins"), "human"), "fine", null);

        HttpResponse<String> response = put.get(20, TimeUnit.SECONDS);
        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.body()).contains("the credential this session signed in with was revoked");
        assertThat(upstream.received).as("the approved request never reached the target")
                .noneMatch(received -> received.path().contains("revoked-while-held"));
    }

    @Test
    void aStreamingAnswerEndsWhenItsCallersKeyIsRevoked() throws Exception {
        routeTicks("/ticks");
        CreatedServiceAccountKey key = new JdbcServiceAccountStore(gateway.gateway().store().dataSource())
                .create(new NewServiceAccountKey("http-streaming", List.of("analysts"), "service", null, null, null));
        HttpResponse<InputStream> stream = CLIENT.send(request("/svc/ticks", key.secret()).GET().build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(stream.statusCode()).isEqualTo(200);
        try (InputStream body = stream.body()) {
            assertThat(new String(body.readNBytes(12), StandardCharsets.UTF_8)).isEqualTo("data: tick 0");
            assertThat(send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.gateway().apiPort()
                    + "/api/service-accounts/keys/" + key.key().id())).header("Authorization", "Bearer " + TestGateway.ADMIN_TOKEN)
                    .DELETE().build()).statusCode()).isEqualTo(200);
            assertEndsSoon(body, "the stream ends with the key, not after 40 s");
        }
    }

    /**
     * A gateway token the console issued, carried by a streaming answer and by later requests on the
     * same keep-alive connection, ends with the console session it was issued through: the stream
     * is broken off within the recheck and the next request is refused.
     */
    @Test
    void aStreamingAnswerOfAConsoleIssuedTokenEndsWhenTheConsoleSessionSignsOut() throws Exception {
        ConsoleBrowser browser = ConsoleBrowser.signIn(gateway, TestGateway.ALICE_TOKEN);
        assertAConsoleIssuedStreamEndsWith(browser, "signed-out", browser::signOut);
    }

    /** The same when the key the console session was opened with is revoked while the stream runs. */
    @Test
    void aStreamingAnswerOfAConsoleIssuedTokenEndsWhenTheConsolesKeyIsRevoked() throws Exception {
        CreatedServiceAccountKey key = new JdbcServiceAccountStore(gateway.gateway().store().dataSource())
                .create(new NewServiceAccountKey("http-console-streaming", List.of("analysts"), "service", null, null, null));
        ConsoleBrowser browser = ConsoleBrowser.signIn(gateway, key.secret());
        assertAConsoleIssuedStreamEndsWith(browser, "key-revoked", () -> assertThat(send(HttpRequest.newBuilder(URI.create(
                "http://127.0.0.1:" + gateway.gateway().apiPort() + "/api/service-accounts/keys/" + key.key().id()))
                .header("Authorization", "Bearer " + TestGateway.ADMIN_TOKEN).DELETE().build()).statusCode()).isEqualTo(200));
    }

    private void assertAConsoleIssuedStreamEndsWith(ConsoleBrowser browser, String name, ThrowingRunnable ending) throws Exception {
        routeTicks("/ticks-" + name);
        HttpResponse<String> issued = browser.post("/api/tokens?minutes=60", null);
        assertThat(issued.statusCode()).as(issued.body()).isEqualTo(200);
        String token = JSON.readTree(issued.body()).path("token").asText();
        assertThat(send(request("/svc/echo?before-" + name, token).GET().build()).statusCode()).isEqualTo(200);
        HttpResponse<InputStream> stream = CLIENT.send(request("/svc/ticks-" + name, token).GET().build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(stream.statusCode()).isEqualTo(200);
        try (InputStream body = stream.body()) {
            assertThat(new String(body.readNBytes(12), StandardCharsets.UTF_8)).isEqualTo("data: tick 0");
            ending.run();
            assertEndsSoon(body, "the stream ends with the console session (" + name + "), not after 40 s");
        }
        HttpResponse<String> after = send(request("/svc/echo?after-" + name, token).GET().build());
        assertThat(after.statusCode()).as(after.body()).isIn(401, 403);
        assertThat(upstream.received).as("nothing after the console session ended reached the target")
                .noneMatch(received -> received.path().contains("after-" + name));
    }

    @FunctionalInterface
    private interface ThrowingRunnable {
        void run() throws Exception;
    }

    /** An upstream answer at {@code path} that streams an event every 100 ms for 40 s. */
    private static void routeTicks(String path) {
        upstream.route(path, exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                for (int tick = 0; tick < 400; tick++) {
                    out.write(("data: tick " + tick + "\n\n").getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    Thread.sleep(100);
                }
            } catch (InterruptedException | IOException e) {
                // The gateway broke off the exchange.
            }
        });
    }

    /** Reads {@code body} to its end, which must come within seconds: the gateway broke the stream off. */
    private static void assertEndsSoon(InputStream body, String why) {
        long from = System.nanoTime();
        try {
            body.readAllBytes();
        } catch (IOException brokenOff) {
            // Broken off rather than ended: either way the stream is over.
        }
        assertThat(Duration.ofNanos(System.nanoTime() - from)).as(why).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void aHeldPutWaitsForItsApproval() throws Exception {
        CompletableFuture<HttpResponse<String>> put = CLIENT.sendAsync(request("/svc/echo/7?owner=ada@example.com",
                TestGateway.ALICE_TOKEN).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(HELD_BODY)).build(), HttpResponse.BodyHandlers.ofString());
        PendingApproval pending = Awaitility.await().atMost(Duration.ofSeconds(20))
                .until(() -> gateway.gateway().approvals().pending().stream()
                        .filter(p -> p.request().command().startsWith("PUT /echo/7")).findFirst().orElse(null), p -> p != null);
        String digest = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(HELD_BODY.getBytes(StandardCharsets.UTF_8)));
        // Approvers see the headers and the body they approve (read whole before they were asked), as the evidence keeps them.
        assertThat(pending.request().command()).as("approvers see the request masked")
                .isEqualTo("PUT /echo/7?owner=[EMAIL]\nuser-agent: Java-http-client/" + System.getProperty("java.version")
                        + "\ncontent-type: application/json\nbody: 32 bytes, sha256 " + digest
                        + "\n{\"v\":1,\"mail\":\"[EMAIL]\"}");
        assertThat(pending.request().protocol()).isEqualTo("http");
        assertThat(put).isNotDone();
        gateway.gateway().approvals().approve(pending.id(),
                new Identity("tracegate", "apikey:admin", "admin", null, List.of("admins"), "human"), "fine", null);
        HttpResponse<String> response = put.get(20, TimeUnit.SECONDS);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(upstream.received.getLast().method()).isEqualTo("PUT");
        assertThat(TestGateway.eventsOfType(gateway.gateway().evidence(), "approval.requested").getLast().toString())
                .as("the approval's record binds the body by its digest").contains("sha256 " + digest)
                .doesNotContain("ada@");
    }

    @Test
    void approversOfARequestHeldForTheMethodAHeaderNamesSeeThatHeader() throws Exception {
        // A POST that asks the target to take it as a PUT is held as a PUT: approvers who saw only
        // "POST /echo/8" approved a POST, and the target ran a PUT.
        CompletableFuture<HttpResponse<String>> post = CLIENT.sendAsync(request("/svc/echo/8", TestGateway.ALICE_TOKEN)
                .header("Content-Type", "application/json").header("X-HTTP-Method-Override", "PUT")
                .POST(HttpRequest.BodyPublishers.ofString("{\"v\":2}")).build(), HttpResponse.BodyHandlers.ofString());
        PendingApproval pending = Awaitility.await().atMost(Duration.ofSeconds(20))
                .until(() -> gateway.gateway().approvals().pending().stream()
                        .filter(p -> p.request().command().startsWith("POST /echo/8")).findFirst().orElse(null), p -> p != null);
        assertThat(pending.request().command()).as("approvers see the method the target is asked to take it for")
                .startsWith("POST /echo/8\n").contains("\nx-http-method-override: PUT\n").contains("\nbody: 7 bytes");
        gateway.gateway().approvals().approve(pending.id(),
                new Identity("tracegate", "apikey:admin", "admin", null, List.of("admins"), "human"), "fine", null);
        assertThat(post.get(20, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        assertThat(TestGateway.eventsOfType(gateway.gateway().evidence(), "approval.requested").getLast().toString())
                .as("the approval's record names it too").contains("x-http-method-override: PUT");
    }

    @Test
    void approversOfAHeldRequestSeeTheHeadersTheTargetActsOnButNoSecret() throws Exception {
        // Approvers saw "PUT /echo/10" and its body, not that the target was told X-Dry-Run: false
        // and which version to overwrite: the approval covered a request they had not read.
        CompletableFuture<HttpResponse<String>> put = CLIENT.sendAsync(request("/svc/echo/10", TestGateway.ALICE_TOKEN)
                .header("Content-Type", "application/json").header("If-Match", "\"v7\"").header("X-Dry-Run", "false")
                .header("X-Api-Key", "callers-key-9d2e7").header("X-Requested-For", "ada@example.com")
                // A target that reads underscores as hyphens takes this for X-Auth-Token: a credential all the same.
                .header("X_Auth_Token", "callers-token-51c0")
                // A header named after a customer's card: its name is masked as the request's record keeps it.
                .header("X-Seen-4111-1111-1111-1111", "1")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"v\":3}")).build(), HttpResponse.BodyHandlers.ofString());
        PendingApproval pending = Awaitility.await().atMost(Duration.ofSeconds(20))
                .until(() -> gateway.gateway().approvals().pending().stream()
                        .filter(p -> p.request().command().startsWith("PUT /echo/10")).findFirst().orElse(null), p -> p != null);
        String recorded = TestGateway.eventsOfType(gateway.gateway().evidence(), "approval.requested").getLast()
                .findValue("command").asText();
        for (String seen : List.of(pending.request().command(), recorded)) {
            assertThat(seen).as("what approvers see and the approval's record")
                    .contains("\nif-match: \"v7\"\n", "\nx-dry-run: false\n", "\nx-api-key: [REDACTED]\n",
                            "\nx-requested-for: [EMAIL]\n", "\nx_auth_token: [REDACTED]\n")
                    .contains("\nx-seen-").doesNotContain("callers-key-9d2e7", "callers-token-51c0", "ada@",
                            TestGateway.ALICE_TOKEN, "authorization", "4111-1111");
        }
        gateway.gateway().approvals().deny(pending.id(),
                new Identity("tracegate", "apikey:admin", "admin", null, List.of("admins"), "human"), "not now");
        assertThat(put.get(20, TimeUnit.SECONDS).statusCode()).isEqualTo(403);
    }

    @Test
    void aHeadIsHeldByARuleThatHoldsGetsSinceTargetsRunTheGetForIt() throws Exception {
        // Servers answer a HEAD by running the GET's handler (Spring, Flask, Rails, Jetty's servlets):
        // a HEAD went round the hold on GET /reports/* and the report ran unapproved.
        CompletableFuture<HttpResponse<String>> head = CLIENT.sendAsync(request("/svc/reports/q3", TestGateway.ALICE_TOKEN)
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        PendingApproval pending = Awaitility.await().atMost(Duration.ofSeconds(20))
                .until(() -> head.isDone() ? head : gateway.gateway().approvals().pending().stream()
                        .filter(p -> p.request().command().startsWith("HEAD /reports/q3")).findFirst().orElse(null), p -> p != null)
                instanceof PendingApproval held ? held : null;
        assertThat(pending).as("the HEAD waits for approvers").isNotNull();
        assertThat(upstream.received).noneMatch(r -> r.path().endsWith("/reports/q3"));
        gateway.gateway().approvals().deny(pending.id(),
                new Identity("tracegate", "apikey:admin", "admin", null, List.of("admins"), "human"), "not now");
        assertThat(head.get(20, TimeUnit.SECONDS).statusCode()).isEqualTo(403);
        assertThat(upstream.received).noneMatch(r -> r.path().endsWith("/reports/q3"));
    }

    @Test
    void aHeldRequestsBodyOverTheHoldLimitIsRefusedBeforeApproversAreAsked() throws Exception {
        int before = upstream.received.size();
        byte[] huge = new byte[HeldRequest.MAX_HELD_BODY + 1];
        HttpResponse<String> refused = send(request("/svc/echo/9", TestGateway.ALICE_TOKEN)
                .header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(huge)).build());
        assertThat(refused.statusCode()).isEqualTo(413);
        assertThat(refused.body()).contains("held for approval may carry at most");
        assertThat(upstream.received.size()).isEqualTo(before);
        assertThat(gateway.gateway().approvals().pending()).noneMatch(p -> p.request().command().startsWith("PUT /echo/9"));
    }

    private static final String HELD_BODY = "{\"v\":1,\"mail\":\"ada@example.com\"}";

    @Test
    void aHeldRequestPreferringAsyncIsAcceptedAndItsAnswerCollectedLater() throws Exception {
        HttpResponse<String> accepted = send(request("/svc/echo/8", TestGateway.ALICE_TOKEN)
                .header("Prefer", "respond-async").header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"v\":2,\"mail\":\"ada@example.com\"}")).build());
        assertThat(accepted.statusCode()).isEqualTo(202);
        assertThat(accepted.headers().firstValue("Preference-Applied")).hasValue("respond-async");
        JsonNode body = JSON.readTree(accepted.body());
        String approval = body.path("approval").asText();
        String status = accepted.headers().firstValue("Location").orElseThrow();
        assertThat(status).isEqualTo("/_tracegate/requests/" + approval);
        assertThat(body.path("approve").asText()).isEqualTo("tracegate approvals approve " + approval);

        assertThat(send(request(status, TestGateway.ALICE_TOKEN).GET().build()).statusCode()).isEqualTo(202);
        assertThat(send(request(status, TestGateway.ADMIN_TOKEN).GET().build()).statusCode())
                .as("someone else's held request does not exist for them").isEqualTo(404);
        assertThat(send(request(status, sameSubjectAtAnotherIssuer()).GET().build()).statusCode())
                .as("nor for alice's namesake at another issuer").isEqualTo(404);
        gateway.gateway().approvals().approve(approval,
                new Identity("tracegate", "apikey:admin", "admin", null, List.of("admins"), "human"), "fine", null);
        HttpResponse<String> answer = Awaitility.await().atMost(Duration.ofSeconds(20)).until(
                () -> send(request(status, TestGateway.ALICE_TOKEN).GET().build()), r -> r.statusCode() == 200);
        assertThat(answer.body()).contains("\"v\":2").contains("[EMAIL]").doesNotContain("ada@");
        assertThat(upstream.received.getLast().text()).contains("[EMAIL]");
    }

    /**
     * A gateway token, signed with this gateway's own key as it would sign one for a person of
     * another provider, naming the subject of alice's key ({@code apikey:alice}) at another issuer.
     */
    private static String sameSubjectAtAnotherIssuer() throws Exception {
        GatewayTokensConfig tokens = GatewayTokensConfig.defaults();
        Identity namesake = new Identity("https://other-idp.example", "apikey:alice", "namesake", null, List.of(), "human");
        Instant now = Instant.now();
        return new GatewayTokenIssuer(tokens, GatewayTokenSigningKey.load(tokens, gateway.dataDir()))
                .issue(new SignIn(namesake, now, now.plus(Duration.ofHours(1)), null, null,
                        new CredentialRef(CredentialRef.OIDC_TOKEN, null)), Duration.ofMinutes(5)).token();
    }

    @Test
    void serverSentEventsArriveOneByOne() throws Exception {
        HttpResponse<InputStream> response = CLIENT.send(request("/svc/events", TestGateway.ALICE_TOKEN).GET().build(),
                HttpResponse.BodyHandlers.ofInputStream());
        try (BufferedReader events = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            String first = events.readLine();
            // The target has not sent the second event yet: it waits for this test.
            assertThat(first).startsWith("data: ").contains("\"step\":1").contains("[EMAIL]").doesNotContain("ada@");
            assertThat(upstream.secondEvent.getCount()).isEqualTo(1);
            upstream.secondEvent.countDown();
            assertThat(events.readLine()).isEmpty();
            assertThat(events.readLine()).isEqualTo("data: {\"step\":2}");
        }
    }

    @Test
    void callersWithoutAValidTokenGet401() throws Exception {
        HttpResponse<String> none = send(request("/svc/echo", null).GET().build());
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"tracegate\"");
        HttpResponse<String> wrong = send(request("/svc/echo", "tg_not_a_token").GET().build());
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(wrong.body()).path("error").asText()).isEqualTo("the token was not accepted");
        HttpResponse<String> unknown = send(request("/nowhere/x", TestGateway.ALICE_TOKEN).GET().build());
        assertThat(unknown.statusCode()).isEqualTo(404);
    }

    @Test
    void anOverrideHeaderSentTwiceInTwoSpellingsIsWeighedWithBothValues() throws Exception {
        // The policy kept one value per lower-cased name: the GET sent last hid the DELETE, which
        // the target (taking the first value, whatever the case) ran past the no-deletes rule.
        Process curl = new ProcessBuilder("curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "-H",
                "Authorization: Bearer " + TestGateway.ADMIN_TOKEN, "-H", "x-http-method-override: DELETE",
                "-H", "X-HTTP-Method-Override: GET", "-d", "{}", gateway.httpUrl() + "/svc/echo/11").redirectErrorStream(true).start();
        String out = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(curl.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(out).isEqualTo("403");
        assertThat(upstream.received).noneMatch(r -> r.path().endsWith("/echo/11"));
    }

    @Test
    void curlWorksUnchanged() throws Exception {
        Process curl = new ProcessBuilder("curl", "-sS", "-H", "Authorization: Bearer " + TestGateway.ADMIN_TOKEN,
                "-H", "Content-Type: application/json", "-d", "{\"hello\":\"world\"}", gateway.httpUrl() + "/svc/echo")
                .redirectErrorStream(true).start();
        String out = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(curl.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(out).isEqualTo("{\"hello\":\"world\"}");
    }

    @Test
    void smugglingMalformedAndOversizedRequestsAreRefusedAndTheGatewayGoesOn() throws Exception {
        String smuggle = "POST /svc/echo HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TestGateway.ADMIN_TOKEN
                + "\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /svc/echo HTTP/1.1\r\nHost: x\r\n\r\n";
        assertThat(raw(smuggle)).startsWith("HTTP/1.1 400");
        assertThat(raw("GARBAGE\r\n\r\n")).startsWith("HTTP/1.1 400");
        String huge = "GET /svc/echo HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(64 * 1024) + "\r\n\r\n";
        assertThat(raw(huge)).startsWith("HTTP/1.1 431");
        assertThat(send(request("/svc/echo", TestGateway.ADMIN_TOKEN).GET().build()).statusCode()).isEqualTo(200);
    }

    @Test
    void aChunkedBodyStreamsToTheTargetWhole() throws Exception {
        String body = "{\"part\":\"one\",\"rest\":\"" + "x".repeat(40_000) + "\"}";
        StringBuilder chunked = new StringBuilder();
        for (int at = 0; at < body.length(); at += 10_000) {
            String chunk = body.substring(at, Math.min(body.length(), at + 10_000));
            chunked.append(Integer.toHexString(chunk.length())).append("\r\n").append(chunk).append("\r\n");
        }
        String answer = raw("POST /svc/echo/chunked HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TestGateway.ADMIN_TOKEN
                + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                + chunked + "0\r\n\r\n");
        assertThat(answer).startsWith("HTTP/1.1 200");
        assertThat(upstream.received.getLast().path()).endsWith("/echo/chunked");
        assertThat(upstream.received.getLast().text()).isEqualTo(body);
    }

    @Test
    void aBodyTheClientCutsShortNeverReachesTheTargetAsComplete() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", gateway.gateway().httpPort())) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /svc/echo/cut-short HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TestGateway.ADMIN_TOKEN
                    + "\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"only\":\"ten\"")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> lastRequest("apikey:admin").stream()
                    .anyMatch(e -> e.path("detail").path("text").asText().equals("POST /echo/cut-short")));
        }
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> lastRequest("apikey:admin").stream()
                .anyMatch(e -> e.path("type").asText().equals("command.result")));
        assertThat(lastRequest("apikey:admin").stream().filter(e -> e.path("type").asText().equals("command.result"))
                .findFirst().orElseThrow().path("detail").toString()).contains("502");
        assertThat(upstream.received).noneMatch(r -> r.path().endsWith("/cut-short"));
        assertThat(send(request("/svc/echo", TestGateway.ADMIN_TOKEN).GET().build()).statusCode()).isEqualTo(200);
    }

    private static String raw(String request) throws IOException {
        return RawHttp.send(gateway.gateway().httpPort(), request);
    }

    /**
     * The latest request of {@code actor} (its command is the newest among the actor's recent
     * sessions: a keep-alive connection's session holds several): its session's open, the events
     * of its command, and the session's close once there is one.
     */
    private static List<JsonNode> lastRequest(String actor) {
        SessionQueries sessions = new SessionQueries(gateway.gateway().evidence());
        List<JsonNode> latest = List.of();
        String latestTime = "";
        long latestSeq = 0;
        for (var session : sessions.list(actor, "svc", 10)) {
            List<JsonNode> events = sessions.events(session.id());
            for (JsonNode event : events) {
                String time = event.path("time").asText();
                if (event.path("type").asText().equals("command") && time.compareTo(latestTime) >= 0) {
                    latest = events;
                    latestTime = time;
                    latestSeq = event.path("detail").path("seq").asLong();
                }
            }
        }
        long seq = latestSeq;
        return latest.stream().filter(e -> e.path("type").asText().startsWith("session.")
                || e.path("detail").path("seq").asLong() == seq).toList();
    }
}
