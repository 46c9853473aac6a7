package dev.tracegate.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tracegate.gateway.TestGateway;
import dev.tracegate.gateway.approval.PendingApproval;
import dev.tracegate.gateway.config.ConnectionConfig;
import dev.tracegate.gateway.config.HttpConnectionConfig;
import dev.tracegate.gateway.identity.Identity;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What approvers see of a held request's body is what the target gets, whole: a body they would
 * read only the start of, or could not read at all (compressed, not UTF-8 text), is not put to them.
 */
class HttpHeldBodyTest {

    private static final String POLICY = """
            defaults:
              action: allow
            rules:
              - {name: hold-puts, connections: [svc], methods: [PUT], action: approve, approvers: [admins]}
            """;
    private static final Identity ADMIN = new Identity("tracegate", "apikey:admin", "admin", null, List.of("admins"), "human");
    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    private static UpstreamService upstream;
    private static TestGateway gateway;

    @BeforeAll
    static void start() throws IOException {
        upstream = new UpstreamService();
        ConnectionConfig svc = new HttpConnectionConfig("svc", upstream.url(), null, List.of());
        gateway = TestGateway.start(List.of(svc), POLICY);
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    @Test
    void aBodyLongerThanApproversAreShownIsNotPutToThem() throws Exception {
        // Approvers read the first 2,000 characters and " ...", approved, and the target ran the
        // instruction past the cut: the approval covered a body nobody had read.
        String body = "{\"note\":\"" + "routine cleanup ".repeat(300) + "\",\"scope\":\"all-tenants\"}";
        HttpResponse<String> response = put("/svc/jobs/1", "application/json", body.getBytes(StandardCharsets.UTF_8), null);
        assertNotPutToApprovers(response, "/jobs/1", "is " + body.length() + " bytes, more than approvers are shown (4096 bytes)");
    }

    @Test
    void aCompressedBodyIsNotPutToApprovers() throws Exception {
        // Approvers saw the gzip bytes as replacement characters; the target inflated and ran them.
        ByteArrayOutputStream gzipped = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gzipped)) {
            out.write("{\"scope\":\"all-tenants\"}".getBytes(StandardCharsets.UTF_8));
        }
        HttpResponse<String> response = put("/svc/jobs/2", "application/json", gzipped.toByteArray(), "gzip");
        assertNotPutToApprovers(response, "/jobs/2", "Content-Encoding gzip");
    }

    @Test
    void aBodyThatIsNotUtf8TextIsNotPutToApprovers() throws Exception {
        // UTF-16 JSON, which Jackson and other readers detect by its zero bytes: approvers read
        // {<U+0000>"<U+0000>s... while the target read {"scope":"all-tenants"}.
        byte[] utf16 = "{\"scope\":\"all-tenants\"}".getBytes(StandardCharsets.UTF_16LE);
        assertNotPutToApprovers(put("/svc/jobs/3", "application/json", utf16, null), "/jobs/3", "not UTF-8 text");
        byte[] latin1 = "{\"name\":\"Müller\"}".getBytes(StandardCharsets.ISO_8859_1);
        assertNotPutToApprovers(put("/svc/jobs/4", "application/json; charset=ISO-8859-1", latin1, null), "/jobs/4",
                "not UTF-8 text");
    }

    @Test
    void aBodyApproversReadWholeIsStillPutToThemAndRunsWhenApproved() throws Exception {
        String body = "{\"note\":\"" + "x".repeat(3_000) + "\",\"scope\":\"one-tenant\"}";
        CompletableFuture<HttpResponse<String>> put = CLIENT.sendAsync(request("/svc/jobs/5", "application/json",
                body.getBytes(StandardCharsets.UTF_8), null), HttpResponse.BodyHandlers.ofString());
        PendingApproval pending = Awaitility.await().atMost(Duration.ofSeconds(20))
                .until(() -> gateway.gateway().approvals().pending().stream()
                        .filter(p -> p.request().command().startsWith("PUT /jobs/5")).findFirst().orElse(null), p -> p != null);
        assertThat(pending.request().command()).as("approvers read the body to its end").endsWith("\n" + body);
        gateway.gateway().approvals().approve(pending.id(), ADMIN, "fine", null);
        assertThat(put.get(20, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        assertThat(upstream.received.getLast().text()).isEqualTo(body);
    }

    private static void assertNotPutToApprovers(HttpResponse<String> response, String path, String why) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(403);
        assertThat(response.body()).contains("held by policy rule hold-puts, but not put to approvers", why);
        assertThat(gateway.gateway().approvals().pending()).as("nobody is asked")
                .noneMatch(p -> p.request().command().startsWith("PUT " + path));
        assertThat(upstream.received).as("the target never got it").noneMatch(r -> r.path().equals("/api" + path));
        JsonNode blocked = TestGateway.eventsOfType(gateway.gateway().evidence(), "command.blocked").getLast();
        assertThat(blocked.path("detail").path("outcome").asText()).isEqualTo("unshown");
        assertThat(blocked.path("detail").path("reason").asText()).contains(why);
    }

    private static HttpResponse<String> put(String path, String type, byte[] body, String encoding) throws Exception {
        CompletableFuture<HttpResponse<String>> put = CLIENT.sendAsync(request(path, type, body, encoding),
                HttpResponse.BodyHandlers.ofString());
        // Without the fix the request waits for approvers: deny it so the test ends, and fails on the 403's body.
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> put.isDone() || gateway.gateway().approvals().pending()
                .stream().anyMatch(p -> p.request().command().startsWith("PUT " + path.substring(4))));
        if (!put.isDone()) {
            for (PendingApproval held : gateway.gateway().approvals().pending()) {
                if (held.request().command().startsWith("PUT " + path.substring(4))) {
                    gateway.gateway().approvals().approve(held.id(), ADMIN, "as shown", null);
                }
            }
        }
        return put.get(20, TimeUnit.SECONDS);
    }

    private static HttpRequest request(String path, String type, byte[] body, String encoding) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(gateway.httpUrl() + path)).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + TestGateway.ALICE_TOKEN).header("Content-Type", type);
        if (encoding != null) {
            builder.header("Content-Encoding", encoding);
        }
        return builder.PUT(HttpRequest.BodyPublishers.ofByteArray(body)).build();
    }
}
