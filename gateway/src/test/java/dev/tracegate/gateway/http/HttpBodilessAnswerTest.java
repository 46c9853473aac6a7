package dev.tracegate.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracegate.gateway.TestGateway;
import dev.tracegate.gateway.config.HttpConnectionConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A target that writes a body after an answer that has none (a {@code 204}, a {@code 304}, the
 * answer to a {@code HEAD}), late: the bytes reach the gateway's connection to it after the
 * answer, when the pool may already have sent the next caller's request on it.
 */
class HttpBodilessAnswerTest {

    /** What the target writes, late, after an answer that has no body: read as the next answer, it is not one. */
    private static final String LATE_BODY = "the body written after the answer";

    private static RawHttpTarget target;
    private static TestGateway gateway;
    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws IOException {
        target = new RawHttpTarget(HttpBodilessAnswerTest::strayBodies);
        gateway = TestGateway.start(List.of(new HttpConnectionConfig("stray", target.url(), null, List.of())),
                "defaults:\n  action: allow\n");
    }

    @AfterAll
    static void stop() throws IOException {
        gateway.close();
        target.close();
    }

    /**
     * The bodiless answer reaches its caller as it is, and the next caller gets the target's answer
     * to its own request. Before, the pooled connection carried the late body into the next
     * exchange, whose caller was answered 502 (or, had the late bytes looked like an answer, got
     * those).
     */
    @Test
    void theNextCallerGetsItsOwnAnswerAfterATargetWroteABodyWhereThereIsNone() throws Exception {
        assertThat(send("GET", "/no-content").statusCode()).isEqualTo(204);
        assertTheNextRequestIsAnsweredByTheTarget();

        HttpResponse<String> notModified = send("GET", "/not-modified");
        assertThat(notModified.statusCode()).isEqualTo(304);
        assertThat(notModified.body()).isEmpty();
        assertTheNextRequestIsAnsweredByTheTarget();

        HttpResponse<String> head = send("HEAD", "/head");
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
        assertTheNextRequestIsAnsweredByTheTarget();
    }

    private static void assertTheNextRequestIsAnsweredByTheTarget() throws Exception {
        HttpResponse<String> next = send("GET", "/next");
        assertThat(next.statusCode()).as(next.body()).isEqualTo(200);
        assertThat(next.body()).isEqualTo("the answer to /next").doesNotContain(LATE_BODY);
    }

    private static HttpResponse<String> send(String method, String path) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(URI.create(gateway.httpUrl() + "/stray" + path))
                .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + TestGateway.ADMIN_TOKEN)
                .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    /**
     * As the misbehaving server writes on a keep-alive connection: after an answer that has no body
     * it still has one to write, and writes it before its next answer (late, as a server that
     * flushed the head and then produced the body does).
     */
    private static void strayBodies(InputStream in, OutputStream out) throws IOException {
        String late = "";
        for (String head = RawHttpTarget.readHead(in); head != null; head = RawHttpTarget.readHead(in)) {
            String line = head.substring(0, head.indexOf("\r\n"));
            String bodiless = bodiless(line);
            String answer = bodiless != null ? bodiless : late + answer(line.split(" ")[1]);
            out.write(answer.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            late = bodiless != null ? LATE_BODY : ""; // written with the next answer: the bytes come late
        }
    }

    /** The head of an answer that has no body, for the requests that get one; null for any other. */
    private static String bodiless(String requestLine) {
        if (requestLine.startsWith("GET /no-content ")) {
            return "HTTP/1.1 204 No Content\r\n\r\n";
        }
        if (requestLine.startsWith("GET /not-modified ")) {
            return "HTTP/1.1 304 Not Modified\r\nETag: \"v1\"\r\n\r\n";
        }
        if (requestLine.startsWith("HEAD /head ")) {
            return "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + LATE_BODY.length() + "\r\n\r\n";
        }
        return null;
    }

    private static String answer(String path) {
        String body = "the answer to " + path;
        return "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + body.length() + "\r\n\r\n" + body;
    }
}
