package dev.tracegate.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo's trace store on its own: what the demo promises of it, and its refusals. */
class TraceStoreTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Formatting, a non-ASCII string and numbers a JSON library would rewrite: the store must keep every byte. */
    private static final String TRACE = "{\"agent\": \"planner\",\n  \"thought\": \"caf\u00e9 \u2615\", \"steps\": [1, 2.50, 3e2]}";

    private final HttpClient client = HttpClient.newHttpClient();

    @Test
    void storesListsReturnsAndDeletesTraces(@TempDir Path dir) throws Exception {
        try (TraceStore store = TraceStore.start(0, dir)) {
            String base = base(store);
            HttpResponse<byte[]> created = post(base, "application/json", TRACE.getBytes(StandardCharsets.UTF_8));
            assertThat(created.statusCode()).isEqualTo(201);
            String id = json(created).path("id").asText();
            assertThat(id).matches("[a-z0-9]{10}");
            assertThat(created.headers().firstValue("Location")).hasValue("/traces/" + id);

            HttpResponse<byte[]> read = get(base + id);
            assertThat(read.statusCode()).isEqualTo(200);
            assertThat(read.headers().firstValue("Content-Type")).hasValue("application/json");
            assertThat(read.body()).isEqualTo(TRACE.getBytes(StandardCharsets.UTF_8));

            String other = json(post(base, "application/json; charset=utf-8", bytes("[]"))).path("id").asText();
            HttpResponse<byte[]> listing = get(base);
            assertThat(listing.statusCode()).isEqualTo(200);
            assertThat(listing.headers().firstValue("Content-Type")).hasValue("application/json");
            assertThat(ids(json(listing))).containsExactlyInAnyOrder(id, other);

            assertThat(send(HttpRequest.newBuilder(URI.create(base + id)).DELETE().build()).statusCode()).isEqualTo(204);
            HttpResponse<byte[]> gone = get(base + id);
            assertThat(gone.statusCode()).isEqualTo(404);
            assertThat(json(gone).path("error").asText()).contains(id);
            assertThat(send(HttpRequest.newBuilder(URI.create(base + id)).DELETE().build()).statusCode()).isEqualTo(404);
            assertThat(ids(json(get(base)))).containsExactly(other);
        }
    }

    @Test
    void curlStoresAndReadsBackTheExactBytes(@TempDir Path dir) throws Exception {
        Path sent = Files.writeString(dir.resolve("sent.json"), TRACE);
        Path received = dir.resolve("received.json");
        try (TraceStore store = TraceStore.start(0, dir.resolve("store"))) {
            String base = base(store);
            Curl posted = Curl.run("-H", "Content-Type: application/json", "--data-binary", "@" + sent, base);
            assertThat(posted.status()).isEqualTo(201);
            String id = JSON.readTree(posted.body()).path("id").asText();

            Curl fetched = Curl.run("-o", received.toString(), base + id);
            assertThat(fetched.status()).isEqualTo(200);
            assertThat(Files.readAllBytes(received)).isEqualTo(Files.readAllBytes(sent));

            Curl missing = Curl.run(base + "zzzzzzzzzz");
            assertThat(missing.status()).isEqualTo(404);
            assertThat(JSON.readTree(missing.body()).path("error").asText()).isNotBlank();
        }
    }

    @Test
    void tracesSurviveARestartOnTheSameDirectory(@TempDir Path dir) throws Exception {
        String id;
        try (TraceStore store = TraceStore.start(0, dir)) {
            id = json(post(base(store), "application/json", bytes(TRACE))).path("id").asText();
        }
        try (TraceStore store = TraceStore.start(0, dir)) {
            assertThat(ids(json(get(base(store))))).containsExactly(id);
            assertThat(get(base(store) + id).body()).isEqualTo(bytes(TRACE));
        }
    }

    @Test
    void refusesWhatIsNotAJsonTrace(@TempDir Path dir) throws Exception {
        try (TraceStore store = TraceStore.start(0, dir)) {
            String base = base(store);
            assertRefused(post(base, "text/plain", bytes("hello")), 415);
            assertRefused(post(base, "application/jsonp", bytes("{}")), 415);
            assertRefused(send(HttpRequest.newBuilder(URI.create(base))
                    .POST(HttpRequest.BodyPublishers.ofString("{}")).build()), 415);

            for (String invalid : List.of("{oops", "", "   ", "{\"a\": 1} junk", "{\"a\": 1}}")) {
                HttpResponse<byte[]> refused = post(base, "application/json", bytes(invalid));
                assertRefused(refused, 400);
                assertThat(json(refused).path("error").asText()).contains("not valid JSON");
            }

            byte[] big = new byte[TraceStore.MAX_BODY_BYTES + 10];
            assertRefused(post(base, "application/json", big), 413);

            assertRefused(get(base + "../etc"), 404);
            assertThat(ids(json(get(base)))).as("nothing refused was stored").isEmpty();
        }
    }

    @Test
    void acceptsAnyJsonValueAsATrace(@TempDir Path dir) throws Exception {
        try (TraceStore store = TraceStore.start(0, dir)) {
            for (String value : List.of("null", "\"just a thought\"", "42", "[]")) {
                HttpResponse<byte[]> created = post(base(store), "application/json", bytes(value));
                assertThat(created.statusCode()).as(value).isEqualTo(201);
                assertThat(get(base(store) + json(created).path("id").asText()).body()).isEqualTo(bytes(value));
            }
        }
    }

    @Test
    void refusesNewTracesOnceFull(@TempDir Path dir) throws Exception {
        // The store keeps traces as files, so a full store is one started on a directory that holds the maximum.
        for (int i = 0; i < TraceStore.MAX_TRACES; i++) {
            Files.write(dir.resolve("t%05d.json".formatted(i)), bytes("{}"));
        }
        try (TraceStore store = TraceStore.start(0, dir)) {
            HttpResponse<byte[]> refused = post(base(store), "application/json", bytes("{}"));
            assertRefused(refused, 507);
            assertThat(json(refused).path("error").asText()).contains("at most " + TraceStore.MAX_TRACES);
            assertThat(ids(json(get(base(store))))).hasSize(TraceStore.MAX_TRACES);
        }
    }

    private static void assertRefused(HttpResponse<byte[]> response, int status) throws IOException {
        assertThat(response.statusCode()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(json(response).path("error").asText()).isNotBlank();
    }

    private static String base(TraceStore store) {
        return "http://127.0.0.1:" + store.port() + "/traces/";
    }

    private HttpResponse<byte[]> post(String url, String contentType, byte[] body) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
    }

    private HttpResponse<byte[]> get(String url) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(url)).build());
    }

    private HttpResponse<byte[]> send(HttpRequest request) throws Exception {
        return client.send(request, HttpResponse.BodyHandlers.ofByteArray());
    }

    private static JsonNode json(HttpResponse<byte[]> response) throws IOException {
        return JSON.readTree(response.body());
    }

    private static List<String> ids(JsonNode listing) {
        List<String> ids = new ArrayList<>();
        listing.path("ids").forEach(id -> ids.add(id.asText()));
        return ids;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** One run of the real curl: the HTTP status it reports and the response body it printed. */
    private record Curl(int status, String body) {

        private static final String STATUS_MARK = "\n--status:";

        static Curl run(String... arguments) throws IOException, InterruptedException {
            List<String> command = new ArrayList<>(List.of("curl", "--silent", "--show-error", "--max-time", "20",
                    "--write-out", STATUS_MARK + "%{http_code}"));
            command.addAll(List.of(arguments));
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getOutputStream().close();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("curl did not finish in 30 seconds");
            }
            int mark = output.lastIndexOf(STATUS_MARK);
            assertThat(process.exitValue()).as("curl exit code; it printed: %s", output).isZero();
            return new Curl(Integer.parseInt(output.substring(mark + STATUS_MARK.length()).strip()),
                    output.substring(0, mark));
        }
    }
}
