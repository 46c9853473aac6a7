package dev.tracegate.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracegate.gateway.TestGateway;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the console relies on, checked over plain HTTP: session filters, a session's recorded data,
 * whole-log verification, who the caller is, and the cookie session's defences (CSRF token,
 * Origin, sign-in only from the console's own pages, no redirect off the console).
 */
class ConsoleApiTest {

    private static final String TRACE = "0af7651916cd43dd8448eb211c80319c";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static TestGateway gateway;
    private static String closedTraced;
    private static String closedPlain;

    @BeforeAll
    static void start() throws Exception {
        gateway = TestGateway.start();
        Properties traced = new Properties();
        traced.setProperty("ApplicationName", "agent traceparent=00-" + TRACE + "-b7ad6b7169203331-01");
        try (Connection c = gateway.connect("app", traced); Statement sql = c.createStatement();
             ResultSet rs = sql.executeQuery("SELECT 'row one' AS label UNION ALL SELECT 'row two'")) {
            rs.next();
        }
        try (Connection c = gateway.connect("app"); Statement sql = c.createStatement()) {
            sql.execute("SELECT 1");
        }
        List<String> closed = sessions("status=closed", TestGateway.ADMIN_TOKEN).valueStream().map(s -> s.path("id").asText()).toList();
        closedPlain = closed.get(0);
        closedTraced = closed.get(1);
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    @Test
    void sessionsAreFilteredByStatusTraceAndTime() throws Exception {
        try (Connection open = gateway.connect("app")) {
            open.createStatement().execute("SELECT 1");
            List<String> openIds = ids(sessions("status=open", TestGateway.ADMIN_TOKEN));
            assertThat(openIds).hasSize(1).doesNotContain(closedPlain, closedTraced);
            assertThat(ids(sessions("status=closed", TestGateway.ADMIN_TOKEN))).containsExactly(closedPlain, closedTraced);
        }
        assertThat(ids(sessions("trace=" + TRACE, TestGateway.ADMIN_TOKEN))).containsExactly(closedTraced);
        assertThat(ids(sessions("from=" + Instant.now().plusSeconds(3600), TestGateway.ADMIN_TOKEN))).isEmpty();
        assertThat(ids(sessions("to=" + Instant.now().plusSeconds(3600) + "&connection=app", TestGateway.ADMIN_TOKEN)))
                .contains(closedPlain, closedTraced);
        assertThat(get("/api/sessions?status=stuck", TestGateway.ADMIN_TOKEN, null).statusCode()).isEqualTo(400);
        assertThat(get("/api/sessions?trace=xyz", TestGateway.ADMIN_TOKEN, null).statusCode()).isEqualTo(400);
        assertThat(get("/api/sessions?from=yesterday", TestGateway.ADMIN_TOKEN, null).statusCode()).isEqualTo(400);
    }

    @Test
    void aSessionsRecordedRowsAreReadableThroughThatSessionOnly() throws Exception {
        JsonNode events = JSON.readTree(get("/api/sessions/" + closedTraced, TestGateway.ALICE_TOKEN, null).body()).path("events");
        String blob = events.valueStream().map(e -> e.path("detail").path("data").path("blob"))
                .filter(JsonNode::isTextual).map(JsonNode::asText).findFirst().orElseThrow();

        HttpResponse<String> data = get("/api/sessions/" + closedTraced + "/data/" + blob, TestGateway.ALICE_TOKEN, null);
        assertThat(data.statusCode()).isEqualTo(200);
        assertThat(data.headers().firstValue("Content-Type").orElse("")).startsWith("application/x-ndjson");
        assertThat(data.body()).contains("\"label\"").contains("row one").contains("row two");
        // Another session does not open this one's data, nor does a digest it never referenced.
        assertThat(get("/api/sessions/" + closedPlain + "/data/" + blob, TestGateway.ALICE_TOKEN, null).statusCode()).isEqualTo(404);
        assertThat(get("/api/sessions/" + closedTraced + "/data/sha256:" + "0".repeat(64), TestGateway.ALICE_TOKEN, null)
                .statusCode()).isEqualTo(404);
    }

    @Test
    void adminsVerifyTheWholeLogAndOthersMayNot() throws Exception {
        HttpResponse<String> verified = post("/api/evidence/verify", TestGateway.ADMIN_TOKEN, null, null, null);
        assertThat(verified.statusCode()).isEqualTo(200);
        JsonNode report = JSON.readTree(verified.body());
        assertThat(report.path("ok").asBoolean()).isTrue();
        assertThat(report.path("summary").asText()).startsWith("VERIFIED").contains("trusted key");
        assertThat(report.path("events_checked").asLong()).isPositive();
        assertThat(post("/api/evidence/verify", TestGateway.ALICE_TOKEN, null, null, null).statusCode()).isEqualTo(403);
    }

    @Test
    void meSaysWhoTheCallerIsAndWhatTheyMayDo() throws Exception {
        JsonNode alice = JSON.readTree(get("/api/me", TestGateway.ALICE_TOKEN, null).body());
        assertThat(alice.path("subject").asText()).isEqualTo("apikey:alice");
        assertThat(alice.path("roles")).extracting(JsonNode::asText).containsExactly("user");
        assertThat(alice.has("csrf_token")).as("no CSRF token without a console session").isFalse();
        JsonNode admin = JSON.readTree(get("/api/me", TestGateway.ADMIN_TOKEN, null).body());
        assertThat(admin.path("roles")).extracting(JsonNode::asText).containsExactly("admin", "user");
    }

    @Test
    void aConsoleSessionActsOnlyWithItsCsrfTokenFromItsOwnOrigin() throws Exception {
        String origin = "http://127.0.0.1:" + gateway.gateway().apiPort();
        String cookie = signIn(TestGateway.ADMIN_TOKEN, origin, "/console/evidence");
        JsonNode me = JSON.readTree(get("/api/me", null, cookie).body());
        String csrf = me.path("csrf_token").asText();
        assertThat(csrf).hasSizeGreaterThan(40);

        assertThat(post("/api/evidence/checkpoints", null, cookie, null, null).statusCode()).as("no token").isEqualTo(403);
        assertThat(post("/api/evidence/checkpoints", null, cookie, "wrong", null).statusCode()).as("wrong token").isEqualTo(403);
        assertThat(post("/api/evidence/checkpoints", null, cookie, csrf, "http://evil.example").statusCode())
                .as("right token, foreign origin").isEqualTo(403);
        assertThat(post("/api/evidence/checkpoints", null, cookie, csrf, origin).statusCode()).isEqualTo(201);

        // Another site cannot even read through the cookie (a link or image starting an export, say).
        HttpResponse<String> crossSite = HTTP.send(request("/api/evidence/export", null, cookie)
                .header("Sec-Fetch-Site", "same-site").GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(crossSite.statusCode()).isEqualTo(403);
        assertThat(crossSite.body()).contains("cross-site request refused");
        assertThat(HTTP.send(request("/api/me", null, cookie).header("Sec-Fetch-Site", "same-origin").GET().build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);

        HttpResponse<String> signOut = post("/console/signout", null, cookie, csrf, origin);
        assertThat(signOut.statusCode()).isEqualTo(204);
        assertThat(get("/api/me", null, cookie).statusCode()).as("the cookie is dead after sign-out").isEqualTo(401);
    }

    @Test
    void signInAcceptsOnlyTheConsolesOwnFormsAndReturnsOnlyToConsolePages() throws Exception {
        String origin = "http://127.0.0.1:" + gateway.gateway().apiPort();
        HttpResponse<String> foreign = form("/console/signin/token", "token=" + TestGateway.ALICE_TOKEN, "http://evil.example");
        assertThat(foreign.statusCode()).isEqualTo(403);
        assertThat(foreign.headers().firstValue("Set-Cookie")).isEmpty();

        HttpResponse<String> wrong = form("/console/signin/token", "token=not-a-token", origin);
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.body()).contains("token refused").doesNotContain("not-a-token");

        HttpResponse<String> offsite = form("/console/signin/token", "token=" + TestGateway.ALICE_TOKEN
                + "&next=" + URLEncoder.encode("//evil.example/phish", StandardCharsets.UTF_8), origin);
        assertThat(offsite.statusCode()).isEqualTo(303);
        assertThat(offsite.headers().firstValue("Location")).contains("/console/");
        assertThat(offsite.headers().firstValue("Set-Cookie").orElseThrow())
                .contains("__Host-tracegate-session=").contains("HttpOnly").contains("Secure").contains("SameSite=Lax");

        HttpResponse<String> page = get("/console/sessions", null, null);
        assertThat(page.statusCode()).as("signed out: to the sign-in page, keeping where we were headed").isEqualTo(302);
        assertThat(page.headers().firstValue("Location")).contains("/console/signin?next=%2Fconsole%2Fsessions");
    }

    // --- helpers -------------------------------------------------------------------------------

    private static String signIn(String token, String origin, String next) throws Exception {
        HttpResponse<String> response = form("/console/signin/token", "token=" + URLEncoder.encode(token, StandardCharsets.UTF_8)
                + "&next=" + URLEncoder.encode(next, StandardCharsets.UTF_8), origin);
        assertThat(response.statusCode()).isEqualTo(303);
        assertThat(response.headers().firstValue("Location")).contains(next);
        return response.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
    }

    private static JsonNode sessions(String query, String token) throws Exception {
        HttpResponse<String> response = get("/api/sessions?" + query, token, null);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static List<String> ids(JsonNode sessions) {
        return sessions.valueStream().map(s -> s.path("id").asText()).toList();
    }

    private static HttpResponse<String> get(String path, String token, String cookie) throws Exception {
        return HTTP.send(request(path, token, cookie).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(String path, String token, String cookie, String csrf, String origin) throws Exception {
        HttpRequest.Builder request = request(path, token, cookie).POST(HttpRequest.BodyPublishers.noBody());
        if (csrf != null) {
            request.header("X-Tracegate-Csrf", csrf);
        }
        if (origin != null) {
            request.header("Origin", origin);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> form(String path, String body, String origin) throws Exception {
        return HTTP.send(request(path, null, null).header("Content-Type", "application/x-www-form-urlencoded")
                .header("Origin", origin).POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest.Builder request(String path, String token, String cookie) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.gateway().apiPort() + path));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (cookie != null) {
            request.header("Cookie", cookie);
        }
        return request;
    }
}
