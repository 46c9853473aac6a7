package dev.tracegate.gateway.approval;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracegate.gateway.TestGateway;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

/**
 * What a signed-in browser sends to a test gateway's console, over plain HTTP from loopback: the
 * token sign-in form, then API calls with the session cookie, its CSRF token and the console's
 * own origin, and sign-out.
 */
public final class ConsoleBrowser {

    private final HttpClient http = HttpClient.newHttpClient();
    private final String origin;
    private final String cookie;
    private final String csrf;

    private ConsoleBrowser(String origin, String cookie, String csrf) {
        this.origin = origin;
        this.cookie = cookie;
        this.csrf = csrf;
    }

    /** Signs in by pasting {@code token} into the console's form. */
    public static ConsoleBrowser signIn(TestGateway gateway, String token) throws Exception {
        String origin = "http://127.0.0.1:" + gateway.gateway().apiPort();
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> signedIn = http.send(HttpRequest.newBuilder(URI.create(origin + "/console/signin/token"))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Origin", origin)
                .POST(HttpRequest.BodyPublishers.ofString("token=" + URLEncoder.encode(token, StandardCharsets.UTF_8)
                        + "&next=%2Fconsole%2Fapprovals")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(signedIn.statusCode()).as(signedIn.body()).isEqualTo(303);
        String cookie = signedIn.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
        HttpResponse<String> me = http.send(HttpRequest.newBuilder(URI.create(origin + "/api/me")).header("Cookie", cookie)
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(me.statusCode()).isEqualTo(200);
        return new ConsoleBrowser(origin, cookie, GatewayApi.read(me.body()).path("csrf_token").asText());
    }

    /** A state-changing request as the console's pages send it. */
    public HttpResponse<String> post(String path, String json) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(origin + path)).header("Cookie", cookie)
                .header("X-Tracegate-Csrf", csrf).header("Origin", origin).header("Content-Type", "application/json")
                .POST(json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** A gateway token issued through this console session ({@code POST /api/tokens}), for an hour. */
    public String issueToken() throws Exception {
        HttpResponse<String> issued = post("/api/tokens?minutes=60", null);
        assertThat(issued.statusCode()).as(issued.body()).isEqualTo(200);
        return GatewayApi.read(issued.body()).path("token").asText();
    }

    public void signOut() throws Exception {
        assertThat(post("/console/signout", null).statusCode()).isEqualTo(204);
    }
}
