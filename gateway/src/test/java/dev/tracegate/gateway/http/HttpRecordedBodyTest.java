package dev.tracegate.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tracegate.gateway.TestGateway;
import dev.tracegate.gateway.config.ConnectionConfig;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the evidence keeps of the bodies of callers who see clear text, and how a small answer
 * reaches them: read whole and sent with its length once its result is durable; its kept share
 * masked with the record profile, the same answer masked once and recorded alike, a different one
 * of the same length never recorded as the first, and a reloaded record profile masking anew.
 */
class HttpRecordedBodyTest {

    private static final String ALLOW = "defaults:\n  action: allow\n";
    /** The record profile masks a field no detector finds. */
    private static final String RECORD_REF = ALLOW + """
            masking:
              record: strict
              profiles:
                strict:
                  fields:
                    - {path: "$.ref", entity: custom}
            """;

    @TempDir
    static Path secrets;
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static UpstreamService upstream;
    private static TestGateway gateway;

    @BeforeAll
    static void start() throws IOException {
        upstream = new UpstreamService();
        ConnectionConfig svc = upstream.bearerConnection(secrets, "Upstream-Recorded-Secret-7f3a");
        gateway = TestGateway.start(List.of(svc), ALLOW);
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    @Test
    void aSmallAnswerArrivesWholeWithItsLengthAndItsResultIsDurableByThen() throws Exception {
        String body = "{\"ref\":\"R-1\",\"mail\":\"ada@example.com\",\"note\":\"" + "x".repeat(900) + "\"}";
        HttpResponse<String> answer = post(body);
        // No wait: the client has the end of the answer, so the log has the result.
        JsonNode result = lastResult();
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).isEqualTo(body);
        assertThat(answer.headers().firstValue("content-length")).hasValue(Integer.toString(body.length()));
        assertThat(answer.headers().firstValue("transfer-encoding")).isEmpty();
        assertThat(result.path("detail").path("data").path("size").asInt()).isPositive();
        assertThat(blob(result, "data")).contains("R-1").doesNotContain("ada@example.com");
    }

    /**
     * A target that sends the headers of a small answer and then breaks off its body: the client is
     * answered 502 saying so, never the part that came, and the command's result records why (before,
     * the gateway failed the request without a result).
     */
    @Test
    void aSmallAnswerTheTargetBreaksOffIsAnswered502AndItsResultRecorded() throws Exception {
        upstream.route("/broken-off", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, 400);
            OutputStream out = exchange.getResponseBody();
            out.write("{\"mail\":\"ada@example.com\",\"n\":\"".getBytes(StandardCharsets.UTF_8));
            out.flush();
            out.close(); // short of its length: the JDK's server closes the connection
        });
        HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(URI.create(gateway.httpUrl() + "/svc/broken-off"))
                .header("Authorization", "Bearer " + TestGateway.ADMIN_TOKEN).timeout(Duration.ofSeconds(60)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).isEqualTo(502);
        assertThat(answer.body()).contains("connection svc broke off its answer").doesNotContain("ada@example.com");
        Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(lastResult().path("detail")
                .toString()).contains("HTTP 502").contains("target's answer cut short"));
    }

    @Test
    void anAnswerOverTheWholeLimitStillStreamsWholeAndIsRecordedMasked() throws Exception {
        String body = "{\"mail\":\"bob@example.org\",\"rows\":[" + "\"row\",".repeat(ResponseRelay.WHOLE_BYTES / 6)
                + "\"last\"]}";
        HttpResponse<String> answer = post(body);
        JsonNode result = lastResult();
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).isEqualTo(body);
        assertThat(result.path("detail").path("data").path("truncated").asBoolean()).isTrue();
        assertThat(blob(result, "data")).startsWith("{\"mail\":\"").doesNotContain("bob@example.org");
    }

    /** The record keeps the upstream's own bytes (spacing, escapes, number spellings) around what it masks. */
    @Test
    void theRecordKeepsTheAnswersOwnBytesAroundWhatItMasks() throws Exception {
        String clean = "{ \"ref\" : \"R-10\" ,\n  \"list\": [ 1 , 2.50 ], \"caf\\u00e9\": true }";
        assertThat(blob(resultOf(clean), "data")).isEqualTo(clean);
        String masked = "{\n  \"ref\" : \"R-9\",\t\"mail\": \"fay\\u0040example.com\", \"n\": 1.50 }";
        String recorded = blob(resultOf(masked), "data");
        assertThat(recorded).startsWith("{\n  \"ref\" : \"R-9\",\t\"mail\": \"").endsWith("\", \"n\": 1.50 }")
                .doesNotContain("fay").doesNotContain("example.com");
    }

    /** A JSON answer that is not UTF-8 is still recorded as JSON, its field names read: the password below is found by its name. */
    @Test
    void aJsonAnswerThatIsNotUtf8IsStillMaskedAsJson() throws Exception {
        byte[] body = "{\"password\":\"Tr0ub4dor-Horse\",\"mail\":\"gus@example.com\",\"x\":\"?\"}"
                .getBytes(StandardCharsets.UTF_8);
        body[body.length - 3] = (byte) 0xff;
        HttpResponse<byte[]> answer = HTTP.send(HttpRequest.newBuilder(URI.create(gateway.httpUrl() + "/svc/echo"))
                .header("Authorization", "Bearer " + TestGateway.ADMIN_TOKEN).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(60)).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(answer.body()).isEqualTo(body);
        assertThat(blob(lastResult(), "data")).startsWith("{\"password\":\"").doesNotContain("Tr0ub4dor")
                .doesNotContain("gus@example.com");
    }

    @Test
    void theSameAnswerIsRecordedAlikeAndAnotherOfTheSameLengthAsItself() throws Exception {
        String first = "{\"ref\":\"A-11\",\"mail\":\"carol@example.com\",\"phone\":\"+44 20 7946 0018\"}";
        String again = first;
        String other = "{\"ref\":\"B-22\",\"mail\":\"danny@example.com\",\"phone\":\"+44 20 7946 0019\"}";
        assertThat(other).hasSameSizeAs(first);
        JsonNode one = resultOf(first);
        JsonNode two = resultOf(again);
        JsonNode three = resultOf(other);
        String recorded = blob(one, "data");
        assertThat(recorded).contains("A-11").doesNotContain("carol@example.com").doesNotContain("7946 0018");
        assertThat(blob(one, "request_data")).isEqualTo(recorded);
        assertThat(two.path("detail").path("data")).isEqualTo(one.path("detail").path("data"));
        assertThat(maskingOf(two)).isEqualTo(maskingOf(one)).isNotEmpty();
        String otherRecorded = blob(three, "data");
        assertThat(otherRecorded).contains("B-22").doesNotContain("A-11").doesNotContain("danny@example.com")
                .doesNotContain("7946 0019");
        assertThat(maskingOf(three)).isEqualTo(maskingOf(one));
    }

    @Test
    void aReloadedRecordProfileMasksTheSameAnswerAnew() throws Exception {
        String body = "{\"ref\":\"C-33-Reload\",\"mail\":\"erin@example.com\"}";
        assertThat(blob(resultOf(body), "data")).contains("C-33-Reload");
        Path policy = Path.of(gateway.gateway().config().policyFile());
        try {
            Files.writeString(policy, RECORD_REF);
            // Once the new profile is in force, the same answer's record no longer holds the field it protects.
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(
                    () -> !blob(resultOf(body), "data").contains("C-33-Reload"));
            assertThat(blob(resultOf(body), "data")).doesNotContain("C-33-Reload").doesNotContain("erin@example.com");
        } finally {
            Files.writeString(policy, ALLOW);
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(
                    () -> blob(resultOf(body), "data").contains("C-33-Reload"));
        }
    }

    @Test
    void aTextBodyIsRecordedMaskedAsItsReaderReadsIt() throws Exception {
        // The record masked a text body as one text, so field rules and name hints never met the
        // JSON an event's data, an NDJSON line or a JSON line of text holds: the birth dates stayed.
        assertThat(blob(resultOf("application/json", "{\"dob\": \"1985-03-02\"}"), "data"))
                .doesNotContain("1985-03-02");
        for (String[] body : new String[][] {
                {"text/event-stream", "event: person\ndata: {\"dob\": \"1985-03-02\", \"id\": 7}\n\n"},
                {"text/event-stream", "data: {\"id\": 7,\ndata:  \"dob\": \"1985-03-02\"}\r\rdata: done\n\n"},
                {"application/x-ndjson", "{\"id\": 7, \"dob\": \"1985-03-02\"}\n{\"id\": 8, \"dob\": \"1990-11-30\"}\n"},
                {"text/plain", "people follow\n{\"dob\": \"1985-03-02\"}\n"},
                {"text/plain", "{\"dob\": \"1985-03-02\"}\n{\"dob\": \"1990-11-30\"}"}}) {
            JsonNode result = resultOf(body[0], body[1]);
            assertThat(blob(result, "data")).as(body[1]).doesNotContain("1985-03-02").doesNotContain("1990-11-30");
            assertThat(blob(result, "request_data")).as(body[1]).doesNotContain("1985-03-02")
                    .doesNotContain("1990-11-30");
            assertThat(maskingOf(result)).as(body[1]).contains("$.dob");
        }
    }

    private static HttpResponse<String> post(String body) throws Exception {
        return post("application/json", body);
    }

    private static HttpResponse<String> post(String contentType, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(gateway.httpUrl() + "/svc/echo"))
                .header("Authorization", "Bearer " + TestGateway.ADMIN_TOKEN).header("Content-Type", contentType)
                .timeout(Duration.ofSeconds(60)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The command.result of a POST of {@code body}, which the gateway echoes. */
    private static JsonNode resultOf(String body) throws Exception {
        return resultOf("application/json", body);
    }

    private static JsonNode resultOf(String contentType, String body) throws Exception {
        HttpResponse<String> answer = post(contentType, body);
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).isEqualTo(body);
        return lastResult();
    }

    private static JsonNode lastResult() throws IOException {
        return TestGateway.eventsOfType(gateway.gateway().evidence(), "command.result").getLast();
    }

    /** What masking the kept bodies for the record found, from the masking.applied event of {@code result}'s command. */
    private static String maskingOf(JsonNode result) throws IOException {
        String session = result.path("session").asText();
        long seq = result.path("detail").path("seq").asLong();
        return TestGateway.eventsOfType(gateway.gateway().evidence(), "masking.applied").stream()
                .filter(e -> e.path("session").asText().equals(session) && e.path("detail").path("seq").asLong() == seq)
                .filter(e -> e.path("detail").path("applied_to").asText().equals("record"))
                .map(e -> e.path("detail").path("valuesMasked") + " " + e.path("detail").path("found"))
                .findFirst().orElse("");
    }

    private static String blob(JsonNode result, String which) {
        String digest = result.path("detail").path(which).path("blob").asText();
        return new String(gateway.gateway().evidence().blobs().get(digest).orElseThrow(), StandardCharsets.UTF_8);
    }
}
