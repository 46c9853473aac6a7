package dev.tracegate.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracegate.gateway.TestGateway;
import dev.tracegate.gateway.config.ConnectionConfig;
import dev.tracegate.gateway.config.HttpConnectionConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A request body framed with a transfer coding the gateway does not read ({@code gzip, chunked})
 * would reach rules, approvers and masking as compressed bytes, and a target that decodes the
 * coding (or one behind another proxy) would act on text nobody saw: the gateway reads only
 * {@code chunked}, alone, and refuses every other framing with 400 before anything is forwarded.
 */
class HttpTransferCodingTest {

    @TempDir
    static Path secrets;
    private static final String EMAIL = "ada.lovelace@example.com";
    private static UpstreamService upstream;
    private static RawHttpTarget coded;
    private static TestGateway gateway;

    @BeforeAll
    static void start() throws IOException {
        upstream = new UpstreamService();
        coded = new RawHttpTarget(HttpTransferCodingTest::codedAnswer);
        ConnectionConfig svc = upstream.bearerConnection(secrets, "Upstream-Secret-c91");
        gateway = TestGateway.start(List.of(svc, new HttpConnectionConfig("coded", coded.url(), null, List.of())), """
                defaults:
                  action: allow
                masking:
                  profiles:
                    pii: {detect: [email, card]}
                rules:
                  - {name: no-deletes, connections: [svc], methods: [DELETE], action: block}
                  - {name: mask-agents, kinds: [agent], mask: pii}
                """);
    }

    @AfterAll
    static void stop() throws IOException {
        gateway.close();
        upstream.close();
        coded.close();
    }

    @Test
    void aBodyInACodingTheGatewayDoesNotReadIsRefusedAndNeverForwarded() throws Exception {
        byte[] json = "{\"_method\":\"DELETE\",\"card\":\"4111111111111111\"}".getBytes(StandardCharsets.UTF_8);
        byte[] gzipped = gzip(json);
        // Refused by the gateway, recorded (or, for some, by Jetty before it, as malformed): never forwarded.
        int recorded = 0;
        for (String codings : List.of("gzip, chunked", "deflate, chunked", "compress, chunked", "x-gzip, chunked",
                "identity, chunked", "br, chunked", "chunked, chunked", "gzip,chunked", "GZIP, Chunked",
                "gzip\r\nTransfer-Encoding: chunked", "chunked\r\nTransfer-Encoding: chunked",
                "identity\r\nTransfer-Encoding: chunked")) {
            int before = upstream.received.size();
            String answer = chunked(codings, codings.startsWith("identity") || codings.startsWith("chunked")
                    ? json : gzipped);
            assertThat(status(answer)).as(codings).isEqualTo("400");
            assertThat(upstream.received.size()).as(codings + ": the target got nothing").isEqualTo(before);
            recorded += answer.contains("the gateway reads chunked alone") ? 1 : 0;
            if (codings.startsWith("gzip")) {
                assertThat(answer).as(codings).contains("the body is framed with Transfer-Encoding gzip");
            }
        }
        assertThat(gateway.events("command.blocked", 0).stream()
                .filter(e -> e.toString().contains("the gateway reads chunked alone"))).as("each refusal recorded")
                .hasSize(recorded).hasSizeGreaterThanOrEqualTo(8);
        // Framings Jetty refuses itself: the target never gets them either.
        for (String framing : List.of("Transfer-Encoding: chunked, identity\r\n",
                "Transfer-Encoding: gzip\r\n", "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n",
                "Transfer-Encoding:\r\n chunked\r\n", "Transfer-Encoding : chunked\r\n")) {
            int before = upstream.received.size();
            String answer = RawHttp.send(gateway.gateway().httpPort(), "POST /svc/echo/7 HTTP/1.1\r\nHost: x\r\n"
                    + "Authorization: Bearer " + TestGateway.ADMIN_TOKEN + "\r\nContent-Type: application/json\r\n"
                    + framing + "Connection: close\r\n\r\n5\r\nhello\r\n0\r\n\r\n");
            assertThat(status(answer)).as(framing).startsWith("4");
            assertThat(upstream.received.size()).as(framing + ": the target got nothing").isEqualTo(before);
        }
        // chunked alone, in any case, still goes.
        for (String plain : List.of("chunked", "Chunked")) {
            byte[] body = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);
            assertThat(status(chunked(plain, body))).as(plain).isEqualTo("200");
            assertThat(upstream.received.getLast().body()).isEqualTo(body);
        }
    }

    /**
     * HTTP/1.0 has no transfer codings (RFC 9112, 6.1: a receiver treats one as faulty framing): a
     * proxy before the gateway that follows the RFC reads such a chunked body as the next request,
     * while Jetty read it as this one's body and the gateway forwarded it (until 2026-12-07), so the
     * two answered different requests. It is refused, whatever the policy says.
     */
    @Test
    void aTransferCodingInAnHttp10RequestIsRefused() throws Exception {
        for (String codings : List.of("chunked", "Chunked")) {
            int before = upstream.received.size();
            String answer = RawHttp.send(gateway.gateway().httpPort(), "POST /svc/echo/7 HTTP/1.0\r\nHost: x\r\n"
                    + "Authorization: Bearer " + TestGateway.ADMIN_TOKEN + "\r\nContent-Type: application/json\r\n"
                    + "Transfer-Encoding: " + codings + "\r\n\r\n7\r\n{\"a\":1}\r\n0\r\n\r\n");
            assertThat(status(answer)).as(codings).isEqualTo("400");
            assertThat(answer).as(codings).contains("the request is HTTP/1.0, which has no transfer codings");
            assertThat(upstream.received.size()).as(codings + ": the target got nothing").isEqualTo(before);
        }
        // HTTP/1.0 with a Content-Length still goes.
        String plain = RawHttp.send(gateway.gateway().httpPort(), "POST /svc/echo/7 HTTP/1.0\r\nHost: x\r\n"
                + "Authorization: Bearer " + TestGateway.ADMIN_TOKEN + "\r\nContent-Type: application/json\r\n"
                + "Content-Length: 7\r\n\r\n{\"a\":1}");
        assertThat(status(plain)).isEqualTo("200");
    }

    /**
     * An answer in a coding Jetty's client leaves undone reached a masked caller as gzip bytes,
     * which hold the e-mail address in none of them: masking passed it, the caller gunzipped it.
     */
    @Test
    void anAnswerInACodingTheGatewayDoesNotReadIsRefusedNotRelayed() throws Exception {
        for (String path : List.of("/gzip-chunked", "/identity-chunked", "/chunked-twice", "/gzip-then-chunked")) {
            for (String token : List.of(TestGateway.AGENT_TOKEN, TestGateway.ADMIN_TOKEN)) {
                String answer = wholeAnswer("GET /coded" + path + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token
                        + "\r\nConnection: close\r\n\r\n");
                assertThat(status(answer)).as(path).isEqualTo("502");
                assertThat(answer).as(path).doesNotContain("\u001f\u008b").doesNotContain(EMAIL);
                if (!path.equals("/chunked-twice")) { // Jetty's client refuses that one itself
                    assertThat(answer).as(path).contains("the target answered with Transfer-Encoding");
                }
            }
        }
        assertThat(gateway.events("command.result", 0).stream()
                .filter(e -> e.toString().contains("response in a transfer coding the gateway cannot read")))
                .as("each refusal recorded").hasSize(6);
        // chunked alone is relayed, and masked for the agent.
        String plain = wholeAnswer("GET /coded/chunked HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                + TestGateway.AGENT_TOKEN + "\r\nConnection: close\r\n\r\n");
        assertThat(status(plain)).isEqualTo("200");
        assertThat(plain).doesNotContain(EMAIL).contains("\"id\"");
    }

    private static void codedAnswer(java.io.InputStream in, java.io.OutputStream out) throws IOException {
        String head = RawHttpTarget.readHead(in);
        if (head == null) {
            return;
        }
        byte[] json = ("{\"id\":7,\"email\":\"" + EMAIL + "\"}").getBytes(StandardCharsets.UTF_8);
        String path = head.substring(head.indexOf(' ') + 1, head.indexOf(' ', head.indexOf(' ') + 1));
        String framing = switch (path) {
            case "/gzip-chunked" -> "Transfer-Encoding: gzip, chunked\r\n";
            case "/identity-chunked" -> "Transfer-Encoding: identity, chunked\r\n";
            case "/chunked-twice" -> "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n";
            case "/gzip-then-chunked" -> "Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n";
            default -> "Transfer-Encoding: chunked\r\n";
        };
        byte[] body = framing.contains("gzip") ? gzip(json) : json;
        ByteArrayOutputStream answer = new ByteArrayOutputStream();
        answer.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n" + framing + "Connection: close\r\n\r\n"
                + Integer.toHexString(body.length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        answer.write(body);
        answer.write("\r\n0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        out.write(answer.toByteArray());
        out.flush();
    }

    /** The whole answer, as ISO-8859-1 text, the connection closed by the gateway after it. */
    private static String wholeAnswer(String request) throws IOException {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", gateway.gateway().httpPort())) {
            socket.setSoTimeout(20_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    private static String chunked(String codings, byte[] body) throws IOException {
        String head = "POST /svc/echo/7 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TestGateway.ADMIN_TOKEN
                + "\r\nContent-Type: application/json\r\nTransfer-Encoding: " + codings + "\r\nConnection: close\r\n\r\n"
                + Integer.toHexString(body.length) + "\r\n";
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        request.write(head.getBytes(StandardCharsets.ISO_8859_1));
        request.write(body);
        request.write("\r\n0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        return wholeAnswer(request.toString(StandardCharsets.ISO_8859_1));
    }

    private static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream zip = new GZIPOutputStream(out)) {
            zip.write(data);
        }
        return out.toByteArray();
    }

    private static String status(String answer) {
        return answer.length() >= 12 ? answer.substring(9, 12) : answer;
    }
}
