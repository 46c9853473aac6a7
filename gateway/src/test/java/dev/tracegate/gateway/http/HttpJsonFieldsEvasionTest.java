package dev.tracegate.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracegate.gateway.TestGateway;
import dev.tracegate.gateway.config.ConnectionConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * JSON bodies written so that a rule's {@code fields} and the target's parser could read them
 * differently: a field under two spellings of its name (ASP.NET Core and Go bind names without
 * regard to case), a JSON document labelled as a form (whose reader takes the document's text as
 * form fields), a number written with an exponent or a fraction (JavaScript and Python compare
 * {@code 0e0} equal to {@code 0}). Each reached the target past the rule before 2026-12-07.
 */
class HttpJsonFieldsEvasionTest {

    @TempDir
    static Path secrets;
    private static UpstreamService upstream;
    private static TestGateway gateway;

    @BeforeAll
    static void start() throws IOException {
        upstream = new UpstreamService();
        ConnectionConfig svc = upstream.bearerConnection(secrets, "Upstream-Secret-f52");
        gateway = TestGateway.start(List.of(svc), """
                defaults:
                  action: block
                rules:
                  - {name: staging-deploys, connections: [svc], methods: [POST], paths: ["/deploys"],
                     fields: {"$.env": "^staging$"}, action: allow}
                  - {name: jobs-and-scaling, connections: [svc], paths: ["/jobs", "/scale", "/echo/*"],
                     action: allow}
                  - {name: no-prod-jobs, connections: [svc], paths: ["/jobs"], fields: {"$.env": "^prod$"}, action: block}
                  - {name: no-scale-to-zero, connections: [svc], paths: ["/scale"], fields: {"$.replicas": "^0$"},
                     action: block}
                  - {name: no-deletes, connections: [svc], methods: [DELETE], action: block}
                """);
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    @Test
    void anAllowRuleReadsEverySpellingOfAFieldsNameATargetMayBind() throws Exception {
        // ASP.NET Core (JsonSerializerDefaults.Web) and Go's encoding/json bind "ENV" to env, the last one winning:
        // each of these was allowed as staging and reached such a target as prod.
        int before = upstream.received.size();
        for (String body : List.of("{\"env\": \"staging\", \"ENV\": \"prod\"}", "{\"Env\": \"prod\", \"env\": \"staging\"}",
                "{\"env\": \"staging\", \"\\u0045nv\": \"prod\"}")) {
            assertThat(status(post("/svc/deploys", "application/json", body))).as(body).isEqualTo("403");
        }
        assertThat(upstream.received.size()).isEqualTo(before);
        assertThat(status(post("/svc/deploys", "application/json", "{\"env\": \"staging\"}"))).isEqualTo("200");
        assertThat(status(post("/svc/deploys", "application/json", "{\"env\": \"staging\", \"ENV\": \"staging\"}")))
                .isEqualTo("200");
    }

    @Test
    void aJsonBodyLabelledAsAFormIsNotReadAsJsonByTheFieldsRule() throws Exception {
        // Valid JSON whose text, read as a form (PHP, Rails, Spring's @ModelAttribute), holds env=prod.
        String twoFaced = "{\"x\": \"&env=prod&\", \"env\": \"dev\"}";
        int before = upstream.received.size();
        for (String type : List.of("application/x-www-form-urlencoded", "Application/X-WWW-Form-Urlencoded; charset=utf-8",
                "multipart/form-data; boundary=b7", "application/json, application/x-www-form-urlencoded")) {
            assertThat(status(post("/svc/jobs", type, twoFaced))).as(type).isEqualTo("403");
        }
        // Symfony files PHP's HTTP_CONTENT_TYPE (a Content_Type header) under the real one, the later winning.
        assertThat(status(post("/svc/jobs", "application/json\r\nContent_Type: application/x-www-form-urlencoded",
                twoFaced))).isEqualTo("403");
        assertThat(status(post("/svc/deploys", "application/x-www-form-urlencoded",
                "{\"x\": \"&env=prod&\", \"env\": \"staging\"}"))).isEqualTo("403");
        assertThat(upstream.received.size()).isEqualTo(before);
        // As JSON, or as text a service may parse as JSON, it is the document the rule read.
        assertThat(status(post("/svc/jobs", "application/json", twoFaced))).isEqualTo("200");
        assertThat(status(post("/svc/jobs", "text/plain", twoFaced))).isEqualTo("200");
        assertThat(status(post("/svc/jobs", "application/vnd.api+json", twoFaced))).isEqualTo("200");
    }

    @Test
    void aJsonBodyInACharsetThatHidesAsciiIsNotReadAsUtf8ForAFieldOrAMethod() throws Exception {
        // Express's body-parser decodes a JSON body in the charset it names (iconv-lite reads UTF-7):
        // "+AHAAcgBvAGQ-" is "prod" and "+AEQARQBMAEUAVABF-" is "DELETE" (method-override reading
        // req.body._method). Each reached the target past the rule.
        int before = upstream.received.size();
        assertThat(status(post("/svc/jobs", "application/json; charset=utf-7", "{\"env\": \"+AHAAcgBvAGQ-\"}")))
                .isEqualTo("403");
        assertThat(status(post("/svc/jobs", "application/json; charset=UTF-16", "{\"env\": \"dev\"}")))
                .isEqualTo("403");
        assertThat(status(post("/svc/jobs", "application/json\r\nContent_Type: application/json; charset=utf-7",
                "{\"+AGUAbgB2-\": \"prod\"}"))).isEqualTo("403");
        for (String type : List.of("application/json; charset=utf-7", "application/vnd.api+json; charset=\"UTF-7\"")) {
            assertThat(status(post("/svc/echo/7", type, "{\"_method\": \"+AEQARQBMAEUAVABF-\"}"))).as(type)
                    .isEqualTo("403");
        }
        assertThat(upstream.received.size()).isEqualTo(before);
        assertThat(status(post("/svc/jobs", "application/json; charset=utf-8", "{\"env\": \"dev\"}"))).isEqualTo("200");
        assertThat(status(post("/svc/echo/7", "application/json; charset=utf-8", "{\"_method\": \"PATCH\"}")))
                .isEqualTo("200");
    }

    @Test
    void aNumberIsReadByItsValueAndAListOfOneAsItsElement() throws Exception {
        // JavaScript and Python read each as 0 (Jackson binds 0.0 to an int as 0); each reached the target.
        int before = upstream.received.size();
        for (String replicas : List.of("0e0", "0.0", "-0", "0E+5", "0.000", "-0.0e-3")) {
            String body = "{\"replicas\": " + replicas + "}";
            assertThat(status(post("/svc/scale", "application/json", body))).as(body).isEqualTo("403");
        }
        assertThat(status(post("/svc/jobs", "application/json", "{\"env\": \"prod\"}"))).isEqualTo("403");
        // A list of one is its element to JavaScript wherever it becomes a string (`--env ${body.env}`).
        for (String body : List.of("{\"env\": [\"prod\"]}", "{\"env\": [[\"prod\"]]}", "{\"replicas\": [0.0]}")) {
            assertThat(status(post(body.contains("env") ? "/svc/jobs" : "/svc/scale", "application/json", body))).as(body)
                    .isEqualTo("403");
        }
        assertThat(upstream.received.size()).isEqualTo(before);
        assertThat(status(post("/svc/jobs", "application/json", "{\"env\": [\"prod\", \"dev\"]}"))).isEqualTo("200");
        for (String replicas : List.of("1", "1e0", "0.5", "10", "100.0")) {
            String body = "{\"replicas\": " + replicas + "}";
            assertThat(status(post("/svc/scale", "application/json", body))).as(body).isEqualTo("200");
        }
    }

    private static String post(String path, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return status(RawHttp.send(gateway.gateway().httpPort(), "POST " + path + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                + TestGateway.ADMIN_TOKEN + "\r\nContent-Type: " + contentType + "\r\nContent-Length: " + bytes.length
                + "\r\nConnection: close\r\n\r\n" + body));
    }

    private static String status(String answer) {
        return answer.length() >= 12 ? answer.substring(9, 12) : answer;
    }
}
