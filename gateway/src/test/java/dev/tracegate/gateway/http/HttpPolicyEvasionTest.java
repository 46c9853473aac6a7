package dev.tracegate.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracegate.gateway.TestGateway;
import dev.tracegate.gateway.config.ConnectionConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Requests written so that the gateway's policy and the target could read them differently: the
 * path in another case, with a trailing dot or space or an extension, path parameters, a
 * method override header, and a {@code _method} parameter in the query string or a form. A rule
 * that blocks decides on every reading, so none reaches the target.
 */
class HttpPolicyEvasionTest {

    @TempDir
    static Path secrets;
    private static UpstreamService upstream;
    private static TestGateway gateway;

    @BeforeAll
    static void start() throws IOException {
        upstream = new UpstreamService();
        ConnectionConfig svc = upstream.bearerConnection(secrets, "Upstream-Secret-e71");
        gateway = TestGateway.start(List.of(svc), """
                defaults:
                  action: allow
                rules:
                  - {name: no-admin, connections: [svc], paths: ["/admin/**"], action: block}
                  - {name: no-deletes, connections: [svc], methods: [DELETE], action: block}
                """);
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    @Test
    void aBlockedPathIsBlockedHoweverATargetMightReadItsSpelling() throws Exception {
        for (String path : List.of("/svc/admin/x", "/svc/ADMIN/x", "/svc/Admin/x", "/svc/admin./x", "/svc/admin%20/x",
                "/svc/admin;v=1/x", "/svc/%41dmin/x", "/svc/admin/x.json")) {
            int before = upstream.received.size();
            assertThat(status(request("GET", path, ""))).as(path).isEqualTo("403");
            assertThat(upstream.received.size()).as(path).isEqualTo(before);
        }
        // Blocked, or refused by Jetty as ambiguous: either way the target never sees them.
        for (String path : List.of("/svc//admin/x", "/svc/;/admin/x", "/svc/%2561dmin/x", "/svc/admin%09/x",
                "/svc/admin%00/x", "/svc/x/../admin/x", "/svc/x/%2e%2e/admin/x")) {
            int before = upstream.received.size();
            assertThat(status(request("GET", path, ""))).as(path).isIn("403", "400");
            assertThat(upstream.received.size()).as(path).isEqualTo(before);
        }
        assertThat(status(request("GET", "/svc/administrator", ""))).isEqualTo("200");
    }

    @Test
    void aMethodOverrideHeaderCannotCarryABlockedMethodPastTheRule() throws Exception {
        for (String header : List.of("X-HTTP-Method-Override", "X-HTTP-Method", "X-Method-Override")) {
            int before = upstream.received.size();
            assertThat(status(request("POST", "/svc/echo/7", header + ": DELETE\r\n"))).as(header).isEqualTo("403");
            assertThat(status(request("GET", "/svc/echo/7", header + ": delete\r\n"))).as(header).isEqualTo("403");
            assertThat(upstream.received.size()).as(header).isEqualTo(before);
        }
        assertThat(status(request("POST", "/svc/echo/7", "X-HTTP-Method-Override: PATCH\r\n"))).isEqualTo("200");
    }

    @Test
    void aMethodParameterCannotCarryABlockedMethodPastTheRule() throws Exception {
        // Laravel and Symfony take a POST for the method in _method, in the query string or a
        // form; Rails, Spring's HiddenHttpMethodFilter and ASP.NET Core in a form.
        int before = upstream.received.size();
        for (String target : List.of("/svc/echo/7?_method=DELETE", "/svc/echo/7?page=2&_method=delete",
                "/svc/echo/7?%5Fmethod=DELETE", "/svc/echo/7?_METHOD=DELETE", "/svc/echo/7?.method=DELETE",
                "/svc/echo/7?a=1;_method=DELETE")) {
            assertThat(status(request("POST", target, ""))).as(target).isEqualTo("403");
        }
        for (String form : List.of("_method=DELETE", "name=Ada&_method=delete", "%5Fmethod=DEL%45TE",
                "_method=PATCH&_method=DELETE")) {
            assertThat(status(post("application/x-www-form-urlencoded", form))).as(form).isEqualTo("403");
        }
        assertThat(upstream.received.size()).isEqualTo(before);

        // Nothing else changes: other methods, other parameters, bodies that name no method.
        assertThat(status(request("POST", "/svc/echo/7?_method=PATCH", ""))).isEqualTo("200");
        assertThat(status(request("POST", "/svc/echo/7?method_name=DELETE", ""))).isEqualTo("200");
        assertThat(status(post("application/x-www-form-urlencoded", "_method=PUT&note=DELETE"))).isEqualTo("200");
        assertThat(status(post("application/x-www-form-urlencoded", "note=_method"))).isEqualTo("200");
        assertThat(status(request("GET", "/svc/echo/7", "Content-Type: application/x-www-form-urlencoded\r\n")))
                .isEqualTo("200");
    }

    private static String post(String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return raw("POST /svc/echo/7 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TestGateway.ADMIN_TOKEN
                + "\r\nContent-Type: " + contentType + "\r\nContent-Length: " + bytes.length
                + "\r\nConnection: close\r\n\r\n" + body);
    }

    private static String request(String method, String path, String headers) throws IOException {
        return raw(method + " " + path + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TestGateway.ADMIN_TOKEN
                + "\r\n" + headers + "Content-Length: 0\r\nConnection: close\r\n\r\n");
    }

    private static String status(String answer) {
        return answer.length() >= 12 ? answer.substring(9, 12) : answer;
    }

    private static String raw(String request) throws IOException {
        return RawHttp.send(gateway.gateway().httpPort(), request);
    }
}
