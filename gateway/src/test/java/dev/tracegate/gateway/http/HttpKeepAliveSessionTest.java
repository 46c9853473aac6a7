package dev.tracegate.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tracegate.gateway.TestGateway;
import dev.tracegate.gateway.config.ConnectionConfig;
import dev.tracegate.gateway.recording.SessionQueries;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client connection's requests share one evidence session, each still authenticated on its
 * own: a token that changes on a kept-alive connection (curl reusing its connection, HTTP/1.1
 * pipelining over a raw socket) never lends the first identity to the next request. And the
 * gateway's own connections to the target are pooled.
 */
class HttpKeepAliveSessionTest {

    @TempDir
    static Path secrets;
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static UpstreamService upstream;
    private static TestGateway gateway;

    @BeforeAll
    static void start() throws IOException {
        upstream = new UpstreamService();
        ConnectionConfig svc = upstream.bearerConnection(secrets, "Upstream-Keepalive-Secret-51ae");
        gateway = TestGateway.start(List.of(svc), "defaults:\n  action: allow\n");
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    @Test
    void aKeptAliveConnectionIsOneSessionWhoseCommandsEachCarryTheirClientAndHeaders() throws Exception {
        List<String> urls = new ArrayList<>();
        for (int i = 1; i <= 6; i++) {
            urls.add(gateway.httpUrl() + "/svc/echo?keepalive=" + i);
        }
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "-w", "%{http_code} ",
                "-H", "Authorization: Bearer " + TestGateway.ADMIN_TOKEN, "-H", "X-Request-Id: ka-7"));
        urls.forEach(url -> command.addAll(List.of("-o", "/dev/null", url)));
        assertThat(curl(command)).isEqualTo("200 200 200 200 200 200 ");

        List<JsonNode> commands = commands(text -> text.startsWith("GET /echo?keepalive="));
        assertThat(commands).hasSize(6);
        assertThat(commands.stream().map(c -> c.path("session").asText()).distinct()).as("one connection, one session")
                .hasSize(1);
        assertThat(commands).extracting(c -> c.path("detail").path("seq").asLong()).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
        for (JsonNode c : commands) {
            JsonNode detail = c.path("detail");
            assertThat(caller(c)).isEqualTo("admin");
            assertThat(detail.path("client").asText()).startsWith("127.0.0.1:");
            assertThat(detail.path("tls").asBoolean(true)).isFalse();
            assertThat(detail.path("headers").path("authorization").asText()).isEqualTo("[REDACTED]");
            assertThat(detail.path("headers").path("x-request-id").asText()).isEqualTo("ka-7");
        }
        String session = commands.getFirst().path("session").asText();
        // curl has exited, so the connection is closed: the session ends after its six results.
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> sessionEvents(session).getLast().path("type")
                .asText().equals("session.close"));
        List<JsonNode> events = sessionEvents(session);
        assertThat(events.getFirst().path("type").asText()).isEqualTo("session.open");
        assertThat(events.getFirst().path("detail").path("scope").asText()).isEqualTo("connection");
        assertThat(events.stream().filter(e -> e.path("type").asText().equals("command.result"))).hasSize(6);
        assertThat(events.getLast().path("detail").path("commands").asLong()).isEqualTo(6);
        assertThat(events.toString()).doesNotContain(TestGateway.ADMIN_TOKEN);
    }

    @Test
    void aTokenChangeOnOneCurlConnectionStartsANewSessionAndNoTokenIsRefused() throws Exception {
        String url = gateway.httpUrl() + "/svc/echo?curl=";
        String out = curl(List.of("curl", "-sS", "-o", "/dev/null", "-w", "%{http_code} ",
                "-H", "Authorization: Bearer " + TestGateway.ADMIN_TOKEN, url + "admin-1",
                "--next", "-o", "/dev/null", "-w", "%{http_code} ", "-H", "Authorization: Bearer " + TestGateway.ALICE_TOKEN,
                url + "alice-2",
                "--next", "-o", "/dev/null", "-w", "%{http_code} ", url + "none-3",
                "--next", "-o", "/dev/null", "-w", "%{http_code} ", "-H", "Authorization: Bearer " + TestGateway.ADMIN_TOKEN,
                url + "admin-4"));
        assertThat(out).isEqualTo("200 200 401 200 ");
        assertAttributedToTheirOwnTokens("curl=");
    }

    @Test
    void pipelinedRequestsWithDifferentTokensAreEachAttributedToTheirOwn() throws Exception {
        String pipelined = get("pipe=admin-1", TestGateway.ADMIN_TOKEN, false) + get("pipe=alice-2", TestGateway.ALICE_TOKEN, false)
                + get("pipe=none-3", null, false) + get("pipe=admin-4", TestGateway.ADMIN_TOKEN, true);
        String answers;
        try (Socket socket = new Socket("127.0.0.1", gateway.gateway().httpPort())) {
            socket.setSoTimeout(30_000);
            // All four in one write, before any answer: HTTP/1.1 pipelining.
            socket.getOutputStream().write(pipelined.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            answers = readToEnd(socket.getInputStream());
        }
        // Not anchored at a line's start: a body framed by its Content-Length ends without a line break.
        Matcher status = Pattern.compile("HTTP/1\\.1 (\\d{3}) ").matcher(answers);
        List<String> statuses = new ArrayList<>();
        while (status.find()) {
            statuses.add(status.group(1));
        }
        assertThat(statuses).containsExactly("200", "200", "401", "200");
        assertAttributedToTheirOwnTokens("pipe=");

        // What alice may read of the connection through the API (the console, tracegate sessions show):
        // her own session, holding her request alone; the admin's sessions on the same connection stay hidden.
        for (JsonNode c : commands(text -> text.startsWith("GET /echo?pipe="))) {
            HttpResponse<String> shown = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + gateway.gateway().apiPort() + "/api/sessions/" + c.path("session").asText()))
                    .header("Authorization", "Bearer " + TestGateway.ALICE_TOKEN).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (caller(c).equals("alice")) {
                assertThat(shown.statusCode()).isEqualTo(200);
                assertThat(shown.body()).contains("GET /echo?pipe=alice-2").doesNotContain("pipe=admin");
            } else {
                assertThat(shown.statusCode()).isEqualTo(404);
            }
        }
    }

    @Test
    void theGatewayReusesItsConnectionsToTheTarget() throws Exception {
        int before = upstream.received.size();
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "-w", "%{http_code} ",
                "-H", "Authorization: Bearer " + TestGateway.ADMIN_TOKEN));
        for (int i = 1; i <= 10; i++) {
            command.addAll(List.of("-o", "/dev/null", gateway.httpUrl() + "/svc/echo?pooled=" + i));
        }
        assertThat(curl(command)).isEqualTo("200 ".repeat(10));
        List<UpstreamService.Received> seen = upstream.received.subList(before, upstream.received.size());
        assertThat(seen).hasSize(10);
        // Without a pool each request would open its own connection; one after another they share one or two.
        assertThat(seen.stream().map(UpstreamService.Received::connection).distinct().count()).isLessThanOrEqualTo(2);
    }

    /**
     * The requests tagged {@code tag} + {@code admin-1}, {@code alice-2}, {@code none-3} and
     * {@code admin-4}, sent on one client connection: each command under the identity whose token
     * it carried, in a session of that identity; the tokenless one refused without a command; the
     * admin's session retired when alice's request came, so the fourth request opens a new one.
     */
    private static void assertAttributedToTheirOwnTokens(String tag) {
        List<JsonNode> commands = commands(text -> text.startsWith("GET /echo?" + tag));
        Map<String, String> actors = commands.stream().collect(Collectors.toMap(
                c -> c.path("detail").path("text").asText(), HttpKeepAliveSessionTest::caller));
        assertThat(actors).containsExactlyInAnyOrderEntriesOf(Map.of("GET /echo?" + tag + "admin-1", "admin",
                "GET /echo?" + tag + "alice-2", "alice", "GET /echo?" + tag + "admin-4", "admin"));
        assertThat(commands.stream().map(c -> c.path("session").asText()).distinct()).as("a session per identity change")
                .hasSize(3);
        assertThat(commands.stream().map(c -> c.path("detail").path("client").asText()).distinct())
                .as("all on one client connection").hasSize(1);
        for (JsonNode c : commands) {
            List<JsonNode> events = sessionEvents(c.path("session").asText());
            assertThat(caller(events.getFirst())).as("the session's owner is the command's caller").isEqualTo(caller(c));
            assertThat(events.stream().filter(e -> e.path("type").asText().equals("command"))).hasSize(1);
        }
        JsonNode first = commands.stream().filter(c -> c.path("detail").path("text").asText().endsWith("admin-1"))
                .findFirst().orElseThrow();
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> sessionEvents(first.path("session").asText())
                .getLast().path("type").asText().equals("session.close"));
        assertThat(sessionEvents(first.path("session").asText()).getLast().path("detail").path("reason").asText())
                .contains("another identity");
    }

    /** The event's actor as the test identities are named ({@code apikey:admin} is {@code admin}). */
    private static String caller(JsonNode event) {
        String subject = event.path("actor").path("sub").asText();
        return subject.substring(subject.lastIndexOf(':') + 1);
    }

    private static String get(String query, String token, boolean last) {
        return "GET /svc/echo?" + query + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + (token == null ? "" : "Authorization: Bearer " + token + "\r\n")
                + (last ? "Connection: close\r\n" : "") + "\r\n";
    }

    private static String readToEnd(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        in.transferTo(all);
        return all.toString(StandardCharsets.ISO_8859_1);
    }

    private static String curl(List<String> command) throws Exception {
        Process curl = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(curl.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return out;
    }

    /** Every recorded HTTP command on {@code svc} whose text matches, oldest first. */
    private static List<JsonNode> commands(java.util.function.Predicate<String> text) {
        SessionQueries sessions = new SessionQueries(gateway.gateway().evidence());
        List<JsonNode> found = new ArrayList<>();
        for (var session : sessions.list(null, "svc", 200)) {
            sessions.events(session.id()).stream().filter(e -> e.path("type").asText().equals("command"))
                    .filter(e -> text.test(e.path("detail").path("text").asText())).forEach(found::add);
        }
        found.sort((a, b) -> a.path("time").asText().compareTo(b.path("time").asText()));
        return found;
    }

    private static List<JsonNode> sessionEvents(String session) {
        return new SessionQueries(gateway.gateway().evidence()).events(session);
    }
}
