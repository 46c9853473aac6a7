package dev.tracegate.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracegate.gateway.TestGateway;
import dev.tracegate.gateway.config.HttpConnectionConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * HTTP/2 and other protocols a client may try to switch to: the gateway speaks HTTP/1.1 only, so a
 * client that starts in HTTP/2, asks to upgrade to it (h2c, or ALPN over TLS) or to a WebSocket must
 * get a clear refusal or an HTTP/1.1 answer, and nothing it sends may reach the target in another
 * protocol than the one the gateway read and judged.
 */
class HttpVersionTwoTest {

    private static final String CARD = "4111 1111 1111 1111";

    private static final List<String> heads = new CopyOnWriteArrayList<>();
    private static RawHttpTarget target;
    private static TestGateway gateway;

    @BeforeAll
    static void start() throws IOException {
        target = new RawHttpTarget(HttpVersionTwoTest::answer);
        gateway = TestGateway.start(List.of(new HttpConnectionConfig("store", target.url(), null, List.of())), """
                defaults:
                  action: allow
                masking:
                  profiles:
                    pii: {detect: [email, card]}
                rules:
                  - {name: mask-agents, connections: [store], kinds: [agent], mask: pii}
                  - {name: no-admin, connections: [store], paths: ["/admin/**"], action: block}
                """);
    }

    @AfterAll
    static void stop() throws IOException {
        gateway.close();
        target.close();
    }

    /**
     * HTTP/2 with prior knowledge (the client's connection preface, {@code PRI * HTTP/2.0}) is
     * refused by the listener, which speaks HTTP/1.1 only: {@code 426}, or the connection closed
     * under curl's binary frames. No request reaches the target or the evidence.
     */
    @Test
    void aClientStartingInHttp2IsRefusedAndNothingReachesTheTarget() throws Exception {
        heads.clear();
        long from = gateway.events("command", 0).size();
        String curl = curl("--http2-prior-knowledge", gateway.httpUrl() + "/store/admin/x");
        String raw = RawHttp.send(gateway.gateway().httpPort(), "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");
        // No status line came back ("[000 0]": no code, no version); curl's own error may name HTTP/2 when the
        // listener closes the connection under its frames, which is the refusal, not an answer.
        assertThat(curl).contains("[000 0]").doesNotContainPattern("(?m)^HTTP/2 \\d{3}");
        assertThat(raw).startsWith("HTTP/1.1 426 ");
        Thread.sleep(500); // a request that slipped through would reach the target by now
        assertThat(heads).isEmpty();
        assertThat(gateway.events("command", 0)).hasSize((int) from);
    }

    /**
     * A request asking to switch protocols ({@code Upgrade: h2c} as {@code curl --http2} sends it
     * over cleartext, ALPN's {@code h2} over TLS, a WebSocket handshake) is answered in HTTP/1.1, masked
     * as any other; the target never sees the {@code Upgrade} or {@code HTTP2-Settings} header. A
     * target that switches anyway ({@code 101}, then a WebSocket frame holding a card) gets its
     * connection closed and the client a 502, without the frame: until 2026-12-06 the client waited
     * for an answer that never came.
     */
    @Test
    void anUpgradeToH2cOrAWebSocketIsAnsweredInHttp11AndASwitchingTargetIsRefused() throws Exception {
        heads.clear();
        String h2c = curl("--http2", gateway.httpUrl() + "/store/read");
        String tls = curl("--http2", "-k", gateway.httpUrl().replace("http:", "https:") + "/store/read");
        for (String answer : List.of(h2c, tls)) {
            assertThat(answer).startsWith("HTTP/1.1 200").contains("{\"card\": \"[CARD]\"}", "[200 1.1]")
                    .doesNotContain(CARD);
        }
        String ws = curl("-H", "Upgrade: websocket", "-H", "Connection: Upgrade", "-H", "Sec-WebSocket-Version: 13",
                "-H", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==", gateway.httpUrl() + "/store/ws");
        assertThat(ws).startsWith("HTTP/1.1 502").contains("did not answer").doesNotContain("card", CARD);
        assertThat(heads).hasSize(3);
        for (String head : heads) {
            assertThat(head.toLowerCase(java.util.Locale.ROOT)).doesNotContain("upgrade", "http2-settings");
        }
    }

    private static String curl(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "-i", "--max-time", "15", "-w",
                "\n[%{http_code} %{http_version}]", "-H", "Authorization: Bearer " + TestGateway.AGENT_TOKEN));
        command.addAll(List.of(args));
        Process curl = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(curl.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return out;
    }

    /** Records each request's head; a WebSocket request gets 101 and a frame holding a card, anything else 200. */
    private static void answer(InputStream in, OutputStream out) throws IOException {
        for (String head = RawHttpTarget.readHead(in); head != null; head = RawHttpTarget.readHead(in)) {
            heads.add(head);
            if (head.startsWith("GET /ws")) {
                out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                        + "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                byte[] text = ("card " + CARD).getBytes(StandardCharsets.UTF_8);
                out.write(new byte[] {(byte) 0x81, (byte) text.length});
                out.write(text);
                out.flush();
                continue;
            }
            byte[] body = ("{\"card\": \"" + CARD + "\"}").getBytes(StandardCharsets.UTF_8);
            out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.write(body);
            out.flush();
        }
    }
}
