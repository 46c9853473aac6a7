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
                  - {name: no-live-runs, connections: [svc], headers: {x-dry-run: "^false$"}, action: block}
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
                "/svc/admin;v=1/x", "/svc/%41dmin/x", "/svc/admin/x.json", "/svc/admin::$INDEX_ALLOCATION/x",
                "/svc/%3b/admin/x", "/svc/%20/admin/x")) {
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
    void anEncodedQuestionMarkOrHashCannotEndTheBlockedPathEarlyForTheTarget() throws Exception {
        // A target that decodes the path and parses it again (Apache's mod_rewrite feeding a proxy,
        // CVE-2024-38474; a proxy built as base + decoded path) reads these as /admin. Each reached the target.
        for (String path : List.of("/svc/admin%3f/x", "/svc/admin%3F", "/svc/admin%23/x", "/svc/ADMIN%3fx=1/y",
                "/svc/admin%3b%3f/x", "/svc/admin.%23")) {
            int before = upstream.received.size();
            assertThat(status(request("GET", path, ""))).as(path).isEqualTo("403");
            assertThat(upstream.received.size()).as(path).isEqualTo(before);
        }
        assertThat(status(request("GET", "/svc/echo/a%3fb", ""))).isEqualTo("200");
        assertThat(status(request("GET", "/svc/administrator%3f/x", ""))).isEqualTo("200");
    }

    @Test
    void aMethodOverrideHeaderCannotCarryABlockedMethodPastTheRule() throws Exception {
        // PHP, WEBrick, Thin and some WSGI servers read X_HTTP_Method_Override as X-HTTP-Method-Override:
        // both are HTTP_X_HTTP_METHOD_OVERRIDE to them. Each of the underscored ones reached the target.
        for (String header : List.of("X-HTTP-Method-Override", "X-HTTP-Method", "X-Method-Override",
                "X_HTTP_Method_Override", "x-http_method-override", "X_HTTP_METHOD", "X_Method_Override")) {
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
                "/svc/echo/7?a=1;_method=DELETE", "/svc/echo/7?_method%00=DELETE", "/svc/echo/7?_method%00x=DELETE",
                // A list to PHP and to Express's qs, whose first element method-override takes: each reached the target.
                "/svc/echo/7?_method[]=DELETE", "/svc/echo/7?_method%5B%5D=DELETE", "/svc/echo/7?_method[0]=DELETE",
                // The query of a target that decodes the path and parses it again (CVE-2024-38474).
                "/svc/echo/7%3F_method=DELETE", "/svc/echo/7%3fa=1%26_method=delete")) {
            assertThat(status(request("POST", target, ""))).as(target).isEqualTo("403");
        }
        for (String form : List.of("_method=DELETE", "name=Ada&_method=delete", "%5Fmethod=DEL%45TE",
                "_method=PATCH&_method=DELETE", "_method%00=DELETE", "_method[]=DELETE", "_method%5B0%5D=delete")) {
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

    @Test
    void aMultipartFormCannotNameABlockedMethodPastTheRule() throws Exception {
        // Rails, Laravel, Symfony, Spring and ASP.NET Core read a multipart form's _method like a
        // form's. Each of these reached the target.
        int before = upstream.received.size();
        for (String part : List.of("Content-Disposition: form-data; name=\"_method\"",
                "content-disposition: Form-Data; NAME=\"_METHOD\"", "Content-Disposition: form-data; name=_method",
                "Content-Disposition: form-data; name*=UTF-8''%5Fmethod",
                "Content-Disposition: form-data; name=\"_me\\thod\"",
                "Content-Type: text/plain\r\nContent-Disposition: form-data; name=\".method\"",
                "Content-Disposition: form-data; name=\"_method\"; filename=\"m.txt\"",
                "Content-Disposition: form-data; name=\"_method[]\"")) {
            String form = "--b7\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhi\r\n--b7\r\n" + part
                    + "\r\n\r\ndelete\r\n--b7--\r\n";
            assertThat(status(post("multipart/form-data; boundary=b7", form))).as(part).isEqualTo("403");
        }
        for (String type : List.of("Multipart/Form-Data; boundary=\"b7\"", "multipart/form-data; charset=utf-8; boundary=b7")) {
            String form = "--b7\nContent-Disposition: form-data; name=\"_method\"\n\nDELETE\n--b7--\n";
            assertThat(status(post(type, form))).as(type).isEqualTo("403");
        }
        // What the gateway cannot read the way a target might is refused: no boundary, a
        // compressed form, two content types.
        assertThat(status(post("multipart/form-data", "--b7\r\nContent-Disposition: form-data; name=\"_method\"\r\n\r\n"
                + "DELETE\r\n--b7--\r\n"))).isEqualTo("403");
        assertThat(status(raw("POST /svc/echo/7 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TestGateway.ADMIN_TOKEN
                + "\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Encoding: gzip\r\n"
                + "Content-Length: 4\r\nConnection: close\r\n\r\nabcd"))).isEqualTo("403");
        assertThat(status(raw("POST /svc/echo/7 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TestGateway.ADMIN_TOKEN
                + "\r\nContent-Type: text/plain\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                + "Content-Length: 14\r\nConnection: close\r\n\r\n_method=DELETE"))).isEqualTo("403");
        assertThat(upstream.received.size()).isEqualTo(before);

        // A servlet container decodes a form in the charset it names: "_method=DELETE" written in
        // EBCDIC around an ASCII "=" is a DELETE to Spring's HiddenHttpMethodFilter on Tomcat.
        java.nio.charset.Charset ebcdic = java.nio.charset.Charset.forName("IBM037");
        String latin1 = new String("_method".getBytes(ebcdic), java.nio.charset.StandardCharsets.ISO_8859_1) + "="
                + new String("DELETE".getBytes(ebcdic), java.nio.charset.StandardCharsets.ISO_8859_1);
        assertThat(status(raw("POST /svc/echo/7 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TestGateway.ADMIN_TOKEN
                + "\r\nContent-Type: application/x-www-form-urlencoded; charset=IBM037\r\nContent-Length: "
                + latin1.length() + "\r\nConnection: close\r\n\r\n" + latin1))).isEqualTo("403");
        assertThat(status(post("multipart/form-data; boundary=b7", "--b7\r\nContent-Disposition: form-data; name=\"_method\""
                + "\r\nContent-Type: text/plain; charset=utf-16le\r\n\r\nD\u0000E\u0000L\u0000E\u0000T\u0000E\u0000\r\n--b7--\r\n")))
                .isEqualTo("403");
        assertThat(upstream.received.size()).isEqualTo(before);

        // Bodies that name no blocked method go on as before.
        assertThat(status(post("multipart/form-data; boundary=b7", "--b7\r\nContent-Disposition: form-data; name=\"note\""
                + "\r\n\r\n_method=DELETE\r\n--b7\r\nContent-Disposition: form-data; name=\"_method\"\r\n\r\nPUT\r\n"
                + "--b7\r\nContent-Disposition: form-data; name=\"payment_method\"; filename=\"_method\"\r\n\r\n"
                + "DELETE\r\n--b7--\r\n"))).isEqualTo("200");
        assertThat(upstream.received.size()).isEqualTo(before + 1);
    }

    @Test
    void aJsonBodyCannotNameABlockedMethodPastTheRule() throws Exception {
        // Laravel takes a POST whose JSON body's top level holds _method for that method. Each of
        // these reached the target as a POST, small, large (which streams) or chunked.
        String pad = "x".repeat(100 * 1024);
        int before = upstream.received.size();
        for (String body : List.of("{\"_method\":\"DELETE\"}", "{\"note\": \"hi\", \"_method\" : \"delete\"}",
                "{\"\\u005fmethod\":\"DEL\\u0045TE\"}", "{\"a\":{\"b\":[1,{\"c\":\"}\"}]},\"_METHOD\":\"DELETE\"}",
                "{\"_method\":\"PATCH\",\"_method\":\"DELETE\"}", "{\"_method\":[\"DELETE\"]}",
                "{\"_method\": [ \"delete\" ], \"pad\":\"" + pad + "\"}",
                "{\"pad\":\"" + pad + "\",\"_method\":\"DELETE\"}")) {
            assertThat(status(post("application/json", body))).as(body.substring(0, Math.min(body.length(), 60)))
                    .isEqualTo("403");
            assertThat(status(post("application/vnd.api+json; charset=utf-8", body))).isEqualTo("403");
            // PHP reads Content_Type as HTTP_CONTENT_TYPE, which Symfony may take over the real one.
            assertThat(status(post("text/plain\r\nContent_Type: application/json", body))).isEqualTo("403");
        }
        // Compressed: Apache's DEFLATE input filter inflates it before PHP, and so Laravel, reads it.
        byte[] gzipped = gzip("{\"_method\":\"DELETE\"}");
        for (String coding : List.of("gzip", "br", "GZIP, identity")) {
            String answer = raw("POST /svc/echo/7 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TestGateway.ADMIN_TOKEN
                    + "\r\nContent-Type: application/json\r\nContent-Encoding: " + coding + "\r\nContent-Length: "
                    + gzipped.length + "\r\nConnection: close\r\n\r\n" + new String(gzipped,
                    java.nio.charset.StandardCharsets.ISO_8859_1));
            assertThat(status(answer)).as(coding).isEqualTo("403");
        }
        String chunked = "{\"pad\":\"" + pad + "\",\"_method\":\"DELETE\"}";
        String answer = raw("POST /svc/echo/7 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TestGateway.ADMIN_TOKEN
                + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                + Integer.toHexString(chunked.length()) + "\r\n" + chunked + "\r\n0\r\n\r\n");
        assertThat(status(answer)).isEqualTo("403");
        assertThat(upstream.received.size()).as("the target never got a whole body").isEqualTo(before);

        // JSON that names no blocked method, at the top level, goes through whole, large ones too.
        for (String body : List.of("{\"_method\":\"PATCH\"}", "{\"a\":{\"_method\":\"DELETE\"}}",
                "{\"note\":\"_method: DELETE\"}", "[{\"_method\":\"DELETE\"}]", "{\"pad\":\"" + pad + "\"}")) {
            assertThat(status(post("application/json", body))).as(body.substring(0, Math.min(body.length(), 60)))
                    .isEqualTo("200");
            assertThat(upstream.received.getLast().text()).isEqualTo(body);
        }
    }

    @Test
    void aHeaderSentTwiceIsJudgedAsEachTargetReadsIt() throws Exception {
        // Joined, "true, false" missed ^false$ and reached the target, where Go's Header.Get reads the
        // first line, a "last one wins" framework the last, and a list reader each element.
        for (String headers : List.of("X-Dry-Run: true\r\nX-Dry-Run: false\r\n", "X-Dry-Run: false\r\nX-Dry-Run: true\r\n",
                "x-dry-run: true\r\nX_Dry_Run: false\r\n", "X-Dry-Run: true, false\r\n", "X-Dry-Run: true,false\r\n")) {
            int before = upstream.received.size();
            assertThat(status(request("POST", "/svc/echo/7", headers))).as(headers).isEqualTo("403");
            assertThat(upstream.received.size()).as(headers).isEqualTo(before);
        }
        // An obsolete folded line, or a space before the colon, is refused by the listener: no reading of it goes.
        for (String headers : List.of("X-Dry-Run:\r\n false\r\n", "X-Dry-Run: \r\n\tfalse\r\n", "X-Dry-Run : false\r\n",
                "X-HTTP-Method-Override:\r\n DELETE\r\n")) {
            int before = upstream.received.size();
            assertThat(status(request("POST", "/svc/echo/7", headers))).as(headers).isEqualTo("400");
            assertThat(upstream.received.size()).as(headers).isEqualTo(before);
        }
        assertThat(status(request("POST", "/svc/echo/7", "X-Dry-Run: true\r\nX-Dry-Run: falsely\r\n"))).isEqualTo("200");
    }

    private static byte[] gzip(String text) throws IOException {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream gzip = new java.util.zip.GZIPOutputStream(bytes)) {
            gzip.write(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        return bytes.toByteArray();
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
