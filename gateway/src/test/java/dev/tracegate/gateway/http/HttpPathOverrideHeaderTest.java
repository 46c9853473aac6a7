package dev.tracegate.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracegate.gateway.TestGateway;
import dev.tracegate.gateway.config.HttpConnectionConfig;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A caller's {@code X-Original-URL} or {@code X-Rewrite-URL}: Symfony before 3.4.14 and 4.1.3, Zend
 * Framework and zend-diactoros before 2018 (CVE-2018-14773) route a request by the path it names,
 * as IIS's URL Rewrite sets it, rather than by its request line. The policy judged
 * {@code GET /public}; such a target served {@code /admin/x} past {@code paths: ["/admin/**"]}.
 */
class HttpPathOverrideHeaderTest {

    private static final List<String> SEEN = new CopyOnWriteArrayList<>();
    private static RawHttpTarget target;
    private static TestGateway gateway;

    @BeforeAll
    static void start() throws IOException {
        target = new RawHttpTarget((in, out) -> {
            for (String head = RawHttpTarget.readHead(in); head != null; head = RawHttpTarget.readHead(in)) {
                SEEN.add(head);
                out.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
            }
        });
        gateway = TestGateway.start(List.of(new HttpConnectionConfig("legacy", target.url(), null, List.of())), """
                defaults:
                  action: allow
                rules:
                  - {name: no-admin, paths: ["/admin/**"], action: block}
                """);
    }

    @AfterAll
    static void stop() throws IOException {
        gateway.close();
        target.close();
    }

    @Test
    void aPathOverrideHeaderNeverReachesTheTarget() throws Exception {
        int port = URI.create(gateway.httpUrl()).getPort();
        for (String header : List.of("X-Original-URL", "X-Rewrite-URL", "x-original-url", "X_Original_URL", "X_REWRITE_URL")) {
            int before = SEEN.size();
            String answer = RawHttp.send(port, "GET /legacy/public HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                    + TestGateway.ADMIN_TOKEN + "\r\n" + header + ": /admin/x\r\nConnection: close\r\n\r\n");
            assertThat(answer).as(header).startsWith("HTTP/1.1 200");
            assertThat(SEEN).as(header).hasSize(before + 1);
            String got = SEEN.getLast();
            assertThat(got).as(header).startsWith("GET /public HTTP/1.1");
            assertThat(got.toLowerCase(Locale.ROOT)).as(header).doesNotContain("/admin/x").doesNotContain("original")
                    .doesNotContain("rewrite");
        }
        // The path itself is still judged as before.
        String blocked = RawHttp.send(port, "GET /legacy/admin/x HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                + TestGateway.ADMIN_TOKEN + "\r\nConnection: close\r\n\r\n");
        assertThat(blocked).startsWith("HTTP/1.1 403");
    }
}
