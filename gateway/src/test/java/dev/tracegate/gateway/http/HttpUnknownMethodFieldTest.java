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
 * A POST form whose {@code _method} names a method the gateway does not know ({@code PURGE}) is
 * high risk, as {@code ?_method=PURGE} is: with no rule about methods, the high-risk default
 * blocks it; a policy that allows unknown requests lets it through.
 */
class HttpUnknownMethodFieldTest {

    private static final String MULTIPART_PURGE = "--b7\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhi\r\n"
            + "--b7\r\nContent-Disposition: form-data; name=\"_method\"\r\n\r\nPURGE\r\n--b7--\r\n";

    @TempDir
    static Path secrets;
    private static UpstreamService upstream;
    private static TestGateway highRiskBlocked;
    private static TestGateway unknownAllowed;

    @BeforeAll
    static void start() throws IOException {
        upstream = new UpstreamService();
        ConnectionConfig svc = upstream.bearerConnection(secrets, "Upstream-Secret-e72");
        highRiskBlocked = TestGateway.start(List.of(svc), """
                defaults:
                  action: allow
                  highRisk: block
                """);
        unknownAllowed = TestGateway.start(List.of(svc), """
                defaults:
                  action: allow
                rules:
                  - {name: any-method, connections: [svc], classes: [unknown], action: allow}
                """);
    }

    @AfterAll
    static void stop() {
        highRiskBlocked.close();
        unknownAllowed.close();
        upstream.close();
    }

    @Test
    void aFormNamingAnUnknownMethodIsBlockedAsHighRisk() throws Exception {
        int before = upstream.received.size();
        assertThat(status(post(highRiskBlocked, "application/x-www-form-urlencoded", "name=Ada&_method=PURGE")))
                .isEqualTo("403");
        assertThat(status(post(highRiskBlocked, "application/x-www-form-urlencoded", "_method=foo"))).isEqualTo("403");
        assertThat(status(post(highRiskBlocked, "multipart/form-data; boundary=b7", MULTIPART_PURGE))).isEqualTo("403");
        assertThat(upstream.received.size()).isEqualTo(before);
    }

    @Test
    void ordinaryFormsStillPassUnderTheHighRiskDefault() throws Exception {
        int before = upstream.received.size();
        assertThat(status(post(highRiskBlocked, "application/x-www-form-urlencoded", "name=Ada&note=PURGE")))
                .isEqualTo("200");
        assertThat(status(post(highRiskBlocked, "application/x-www-form-urlencoded", "_method=PATCH"))).isEqualTo("200");
        assertThat(status(post(highRiskBlocked, "multipart/form-data; boundary=b7",
                "--b7\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhi\r\n--b7--\r\n"))).isEqualTo("200");
        assertThat(upstream.received.size()).isEqualTo(before + 3);
    }

    @Test
    void aPolicyThatAllowsUnknownMethodsLetsTheFormThrough() throws Exception {
        int before = upstream.received.size();
        assertThat(status(post(unknownAllowed, "application/x-www-form-urlencoded", "name=Ada&_method=PURGE")))
                .isEqualTo("200");
        assertThat(status(post(unknownAllowed, "multipart/form-data; boundary=b7", MULTIPART_PURGE))).isEqualTo("200");
        assertThat(upstream.received.size()).isEqualTo(before + 2);
    }

    private static String post(TestGateway gateway, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return RawHttp.send(gateway.gateway().httpPort(), "POST /svc/echo/7 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                + TestGateway.ADMIN_TOKEN + "\r\nContent-Type: " + contentType + "\r\nContent-Length: " + bytes.length
                + "\r\nConnection: close\r\n\r\n" + body);
    }

    private static String status(String answer) {
        return answer.length() >= 12 ? answer.substring(9, 12) : answer;
    }
}
