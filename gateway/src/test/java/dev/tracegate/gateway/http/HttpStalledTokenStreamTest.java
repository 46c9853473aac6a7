package dev.tracegate.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import dev.tracegate.gateway.TestGateway;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
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
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A token stream whose target stops after an event that ends in an unfinished word (a model
 * pausing for a tool call, a hung stream): a masked caller's gateway holds such an event for the
 * next one, since a value may go on in it, but not for ever. After the bound the caller gets it,
 * masked as if its text ended there, a last word that may start a value cut; the rest of that
 * value, when it comes, is cut too. Through the running gateway, as Server-Sent Events and as
 * Ollama's NDJSON.
 */
class HttpStalledTokenStreamTest {

    private static final String POLICY = """
            defaults:
              action: allow
            masking:
              profiles:
                personal-data: {}
            rules:
              - {name: mask-personal-data, connections: [svc], exceptGroups: [admins], mask: personal-data}
            """;
    /** Longer than the bound by far; the target sends the rest when the test says so, or after this. */
    private static final long STALL_SECONDS = 30;
    /** What the caller may wait for the held event: the bound and a slow shared machine's margin. */
    private static final long FIRST_EVENT_SECONDS = 12;
    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    @TempDir
    static Path secrets;
    private static UpstreamService upstream;
    private static TestGateway gateway;
    /** Per stream: lets the target send what follows its stall. */
    private static final Map<String, CountDownLatch> RESUME = new ConcurrentHashMap<>();

    @BeforeAll
    static void start() throws IOException {
        upstream = new UpstreamService();
        upstream.route("/stalled", exchange -> {
            String name = exchange.getRequestURI().getQuery();
            String[] parts = switch (name) {
                case "sse-address" -> new String[] {
                        "data: {\"choices\":[{\"delta\":{\"content\":\"write to ada.lovelace@example.com\"}}]}\n\n",
                        "data: {\"choices\":[{\"delta\":{\"content\":\" today\"}}]}\n\ndata: [DONE]\n\n"};
                case "sse-card" -> new String[] {"data: card 4111 1111\n\n", "data:  1111 1111\n\ndata:  thanks\n\n"};
                case "ndjson-card" -> new String[] {"{\"response\":\"card 4111 1111\"}\n",
                        "{\"response\":\" 1111 1111\"}\n{\"response\":\" thanks\",\"done\":true}\n"};
                case "sse-local" -> new String[] {"data: write to ada.lovelace\n\n", "data: @example.com today\n\n"};
                case "ndjson-local" -> new String[] {"{\"response\":\"write to ada.lovelace\"}\n",
                        "{\"response\":\"@example.com today\",\"done\":true}\n"};
                case "sse-escape" -> new String[] {"data: {\"text\":\"retry=\"}\n\n", "data: {\"text\":\"bye\"}\n\n"};
                default -> throw new IllegalArgumentException(name);
            };
            stall(exchange, name.startsWith("sse") ? "text/event-stream" : "application/x-ndjson", parts);
        });
        // The held credential starts with the U of [UNFINISHED]: an answer's last bytes that may begin one of its
        // spellings wait for the target's next write (EchoedCredential), but none goes on past an event's end.
        gateway = TestGateway.start(List.of(upstream.bearerConnection(secrets, "Upstream-Secret-5ta1")), POLICY);
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    @Test
    void anAddressInAnEventBeforeTheTargetStallsReachesTheCallerMaskedWithinTheBound() throws Exception {
        try (StreamedLines lines = StreamedLines.of("sse-address")) {
            String first = lines.next(FIRST_EVENT_SECONDS);
            assertThat(first).as("the held event, after the bound").isNotNull()
                    .contains("[EMAIL]").doesNotContain("ada.lovelace").doesNotContain("example.com");
            List<String> rest = lines.rest("sse-address");
            assertThat(String.join("\n", rest)).contains("\" today\"").contains("[DONE]");
        }
    }

    /** A card's first groups, then a stall: as plain-text event data and as Ollama's NDJSON. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            sse-card    | data: card [UNFINISHED]             | data: [CARD]
            ndjson-card | {"response":"card [UNFINISHED]"}    | {"response":"[CARD]"}
            """)
    void aCardsFirstGroupsLeaveCutWithinTheBoundAndItsLastGroupsAfterIt(String stream, String first, String after)
            throws Exception {
        try (StreamedLines lines = StreamedLines.of(stream)) {
            assertThat(lines.next(FIRST_EVENT_SECONDS)).as("the held event, after the bound").isEqualTo(first);
            String rest = String.join("\n", lines.rest(stream));
            assertThat(rest).doesNotContain("1111").contains(after).contains(" thanks");
        }
    }

    /**
     * An address's local part, then a stall, then its {@code @} and domain: until 2026-12-07 the local part left in
     * clear at the bound (it holds no digit or {@code @}), and only the rest was cut.
     */
    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            sse-local    | data: write to [UNFINISHED]
            ndjson-local | {"response":"write to [UNFINISHED]"}
            """)
    void anAddresssLocalPartBeforeAStallLeavesCutWithinTheBound(String stream, String first) throws Exception {
        try (StreamedLines lines = StreamedLines.of(stream)) {
            assertThat(lines.next(FIRST_EVENT_SECONDS)).as("the held event, after the bound").isEqualTo(first);
            assertThat(String.join("\n", lines.rest(stream))).doesNotContain("lovelace").doesNotContain("example.com")
                    .contains(" today");
        }
    }

    /**
     * An event that ends in a byte that may start an escaped spelling of the held credential (an {@code =}), then
     * a stall: the gateway held the event's last bytes for the target's next write, for a caller who sees clear
     * text too, though no spelling goes on past an event's end.
     */
    @ParameterizedTest
    @CsvSource({TestGateway.ALICE_TOKEN, TestGateway.ADMIN_TOKEN})
    void anEventEndingInAnEscapesFirstByteIsNotHeldForTheCredentialsSpelling(String token) throws Exception {
        try (StreamedLines lines = StreamedLines.of("sse-escape", token)) {
            assertThat(lines.next(FIRST_EVENT_SECONDS)).isEqualTo("data: {\"text\":\"retry=\"}");
            assertThat(lines.rest("sse-escape")).containsExactly("data: {\"text\":\"bye\"}");
        }
    }

    /** Sends the first part, flushed, waits for the test (or {@link #STALL_SECONDS}), then the rest. */
    private static void stall(HttpExchange exchange, String type, String[] parts) throws IOException {
        CountDownLatch resume = RESUME.computeIfAbsent(exchange.getRequestURI().getQuery(), k -> new CountDownLatch(1));
        exchange.getResponseHeaders().add("Content-Type", type);
        exchange.sendResponseHeaders(200, 0);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(parts[0].getBytes(StandardCharsets.UTF_8));
            out.flush();
            resume.await(STALL_SECONDS, TimeUnit.SECONDS);
            out.write(parts[1].getBytes(StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The non-blank lines of a masked caller's answer as they arrive. */
    private record StreamedLines(InputStream body, BlockingQueue<String> lines) implements AutoCloseable {
        private static final String END = "\u0000end";

        /** A masked caller's answer. */
        static StreamedLines of(String stream) throws Exception {
            return of(stream, TestGateway.ALICE_TOKEN);
        }

        static StreamedLines of(String stream, String token) throws Exception {
            RESUME.put(stream, new CountDownLatch(1));
            HttpRequest request = HttpRequest.newBuilder(URI.create(gateway.httpUrl() + "/svc/stalled?" + stream))
                    .timeout(Duration.ofSeconds(60)).header("Authorization", "Bearer " + token)
                    .GET().build();
            HttpResponse<InputStream> response = CLIENT.send(request, HttpResponse.BodyHandlers.ofInputStream());
            assertThat(response.statusCode()).isEqualTo(200);
            StreamedLines lines = new StreamedLines(response.body(), new LinkedBlockingQueue<>());
            Thread.ofVirtual().start(lines::read);
            return lines;
        }

        private void read() {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    if (!line.isEmpty()) {
                        lines.add(line);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } finally {
                lines.add(END);
            }
        }

        /** The next line, or null if none came within {@code seconds}. */
        String next(long seconds) throws InterruptedException {
            return lines.poll(seconds, TimeUnit.SECONDS);
        }

        /** Lets the target go on and returns every line after the first, to the answer's end. */
        List<String> rest(String stream) throws InterruptedException {
            RESUME.get(stream).countDown();
            List<String> rest = new ArrayList<>();
            for (String line = lines.poll(30, TimeUnit.SECONDS); line != null && !line.equals(END);
                 line = lines.poll(30, TimeUnit.SECONDS)) {
                rest.add(line);
            }
            return rest;
        }

        @Override
        public void close() throws IOException {
            body.close();
        }
    }
}
