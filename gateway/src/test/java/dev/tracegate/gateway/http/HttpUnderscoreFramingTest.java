package dev.tracegate.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracegate.gateway.TestGateway;
import dev.tracegate.gateway.config.HttpConnectionConfig;
import dev.tracegate.gateway.config.HttpCredentialConfig;
import dev.tracegate.gateway.config.SecretReference;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A target that reads header names as CGI-style variables (underscores as hyphens, as waitress
 * before 1.4 and Puma before 6.4.3 did) and frames a request body by what it reads: a header the
 * caller spells {@code Transfer_Encoding} or {@code Content_Length} is a framing header to it.
 */
class HttpUnderscoreFramingTest {

    private static final String SMUGGLED = "DELETE /victim HTTP/1.1\r\nHost: target\r\nContent-Length: 0\r\n\r\n";

    private static final String HELD = "held-secret-7c1f";

    private static final List<String> requestLines = new CopyOnWriteArrayList<>();
    /** Each request's headers as the target reads them: names folded, the first of a name kept. */
    private static final List<Map<String, String>> folded = new CopyOnWriteArrayList<>();
    @TempDir
    static Path secrets;
    private static RawHttpTarget target;
    private static TestGateway gateway;
    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws IOException {
        target = new RawHttpTarget(HttpUnderscoreFramingTest::framedByFoldedNames);
        Path secret = secrets.resolve("held.secret");
        Files.writeString(secret, HELD);
        SecretReference held = SecretReference.of("file:" + secret);
        gateway = TestGateway.start(List.of(new HttpConnectionConfig("cgi", target.url(), null, List.of()),
                new HttpConnectionConfig("keyed", target.url(), new HttpCredentialConfig("header", "X-Api-Key", null, held), List.of()),
                new HttpConnectionConfig("underscored", target.url(),
                        new HttpCredentialConfig("header", "X_Api_Key", null, held), List.of()),
                new HttpConnectionConfig("bearer", target.url(), new HttpCredentialConfig("bearer", null, null, held), List.of()),
                new HttpConnectionConfig("basic", target.url(), new HttpCredentialConfig("basic", null, "svc", held), List.of())),
                """
                defaults:
                  action: allow
                rules:
                  - {name: no-deletes, connections: [cgi], methods: [DELETE], action: block}
                """);
    }

    @AfterAll
    static void stop() throws IOException {
        gateway.close();
        target.close();
    }

    /**
     * The body the gateway sends with its own Content-Length reaches the target as one body: a
     * caller's {@code Transfer_Encoding: chunked} or {@code Content_Length: 5} no longer goes with
     * it. Forwarded, it had the target end the body early and read a {@code DELETE} from the rest,
     * a request the gateway never judged (the policy blocks deletes), sent with the gateway's
     * connection and credential.
     */
    @Test
    void aFramingHeaderSpelledWithUnderscoresDoesNotReachTheTarget() throws Exception {
        assertThat(post("Transfer_Encoding", "chunked", "0\r\n\r\n" + SMUGGLED).statusCode()).isEqualTo(200);
        assertThat(post("Content_Length", "5", "hello" + SMUGGLED).statusCode()).isEqualTo(200);
        Thread.sleep(500); // a smuggled request would follow its carrier on the same connection
        assertThat(requestLines).filteredOn(line -> !line.startsWith("GET /read"))
                .containsExactly("POST /submit HTTP/1.1", "POST /submit HTTP/1.1");
    }

    /**
     * A caller's header that a folding target reads as the held credential's header is not sent
     * beside it, for every kind of held credential: the target took the first of the two, the
     * caller's {@code X_Api_Key} in place of the held {@code X-Api-Key} (so a caller chose the key
     * the gateway's connection acted with, and the evidence named the gateway's).
     */
    @Test
    void aCallersHeaderSpelledAsTheHeldCredentialsDoesNotReachTheTarget() throws Exception {
        assertThat(heldAsTargetReadsIt("keyed", "X_Api_Key", "x-api-key")).isEqualTo(HELD);
        assertThat(heldAsTargetReadsIt("keyed", "x_api_KEY", "x-api-key")).isEqualTo(HELD);
        assertThat(heldAsTargetReadsIt("underscored", "X-Api-Key", "x-api-key")).isEqualTo(HELD);
        assertThat(heldAsTargetReadsIt("bearer", null, "authorization")).isEqualTo("Bearer " + HELD);
        String basic = Base64.getEncoder().encodeToString(("svc:" + HELD).getBytes(StandardCharsets.UTF_8));
        assertThat(heldAsTargetReadsIt("basic", null, "authorization")).isEqualTo("Basic " + basic);
    }

    /**
     * Sends the caller's {@code header} (none when null; the caller's own Authorization is the
     * gateway's token) through {@code connection}; what the target read as {@code foldedName}.
     */
    private static String heldAsTargetReadsIt(String connection, String header, String foldedName) throws Exception {
        folded.clear();
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(gateway.httpUrl() + "/" + connection + "/read"))
                .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + TestGateway.ADMIN_TOKEN);
        if (header != null) {
            request.header(header, "callers-own-value");
        }
        HttpResponse<String> response = CLIENT.send(request.GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(folded).hasSize(1);
        return folded.getFirst().get(foldedName);
    }

    private static HttpResponse<String> post(String header, String value, String body) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(URI.create(gateway.httpUrl() + "/cgi/submit"))
                .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + TestGateway.ADMIN_TOKEN)
                .header(header, value).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Each request's header names folded, the first of a name kept; chunked before a length; answered 200. */
    private static void framedByFoldedNames(InputStream in, OutputStream out) throws IOException {
        for (String head = RawHttpTarget.readHead(in); head != null; head = RawHttpTarget.readHead(in)) {
            List<String> lines = head.lines().toList();
            requestLines.add(lines.getFirst());
            Map<String, String> headers = new HashMap<>();
            for (String line : lines.subList(1, lines.size())) {
                int colon = line.indexOf(':');
                if (colon > 0) {
                    headers.putIfAbsent(line.substring(0, colon).toLowerCase(Locale.ROOT).replace('_', '-'),
                            line.substring(colon + 1).strip());
                }
            }
            folded.add(headers);
            if (headers.getOrDefault("transfer-encoding", "").contains("chunked")) {
                skipChunks(in);
            } else {
                in.readNBytes(Integer.parseInt(headers.getOrDefault("content-length", "0")));
            }
            out.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        }
    }

    private static void skipChunks(InputStream in) throws IOException {
        while (true) {
            int size = Integer.parseInt(line(in).split(";")[0].strip(), 16);
            in.readNBytes(size);
            line(in);
            if (size == 0) {
                return;
            }
        }
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b = in.read(); b >= 0 && b != '\n'; b = in.read()) {
            line.append((char) b);
        }
        return line.toString().strip();
    }
}
