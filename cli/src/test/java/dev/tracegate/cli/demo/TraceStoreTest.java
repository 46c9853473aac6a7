package dev.tracegate.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo's trace store on its own: what specs/demo.md says it does, and its refusals. */
class TraceStoreTest {

    private final HttpClient client = HttpClient.newHttpClient();

    @Test
    void storesListsReturnsAndDeletesTraces(@TempDir Path dir) throws Exception {
        try (TraceStore store = TraceStore.start(0, dir)) {
            String base = "http://127.0.0.1:" + store.port() + "/traces/";
            String trace = "{\"agent\": \"planner\", \"steps\": [1, 2, 3]}";
            HttpResponse<String> created = send(HttpRequest.newBuilder(URI.create(base))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(trace)).build());
            assertThat(created.statusCode()).isEqualTo(201);
            String id = created.body().replaceAll(".*\"id\":\"(\\w+)\".*", "$1");
            assertThat(created.headers().firstValue("Location")).hasValue("/traces/" + id);
            assertThat(send(HttpRequest.newBuilder(URI.create(base + id)).build()).body()).isEqualTo(trace);
            assertThat(send(HttpRequest.newBuilder(URI.create(base)).build()).body()).contains(id);
            assertThat(send(HttpRequest.newBuilder(URI.create(base + id)).DELETE().build()).statusCode()).isEqualTo(204);
            assertThat(send(HttpRequest.newBuilder(URI.create(base + id)).build()).statusCode()).isEqualTo(404);
        }
    }

    @Test
    void refusesWhatIsNotAJsonTrace(@TempDir Path dir) throws Exception {
        try (TraceStore store = TraceStore.start(0, dir)) {
            String base = "http://127.0.0.1:" + store.port() + "/traces/";
            assertThat(send(HttpRequest.newBuilder(URI.create(base)).header("Content-Type", "text/plain")
                    .POST(HttpRequest.BodyPublishers.ofString("hello")).build()).statusCode()).isEqualTo(415);
            HttpResponse<String> invalid = send(HttpRequest.newBuilder(URI.create(base))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{oops")).build());
            assertThat(invalid.statusCode()).isEqualTo(400);
            assertThat(invalid.body()).contains("not valid JSON");
            byte[] big = new byte[TraceStore.MAX_BODY_BYTES + 10];
            assertThat(send(HttpRequest.newBuilder(URI.create(base)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(big)).build()).statusCode()).isEqualTo(413);
            assertThat(send(HttpRequest.newBuilder(URI.create(base + "../etc")).build()).statusCode()).isEqualTo(404);
        }
    }

    private HttpResponse<String> send(HttpRequest request) throws Exception {
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
