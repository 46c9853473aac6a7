package dev.tracegate.gateway.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracegate.gateway.Gateway;
import dev.tracegate.gateway.config.ConsoleConfig;
import dev.tracegate.gateway.config.EvidenceConfig;
import dev.tracegate.gateway.config.GatewayConfig;
import dev.tracegate.gateway.config.IdentitiesConfig;
import dev.tracegate.gateway.config.ListenerConfig;
import dev.tracegate.gateway.config.ListenersConfig;
import dev.tracegate.gateway.config.OidcIssuerConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Console single sign-on against a real OpenID provider (mock-oauth2-server), driven by hand so
 * each step can be tampered with: a code delivered to another browser (login CSRF), a replayed
 * callback, and a provider's refusal.
 */
class OidcSignInAttacksTest {

    private static final String CLIENT = "tracegate-console";
    private static final int CLAIMS_MAX_AGE_SECONDS = 600;
    private static final HttpClient HTTP = HttpClient.newHttpClient(); // follows no redirects

    @TempDir
    Path dir;
    private MockOAuth2Server provider;
    private Gateway gateway;

    @BeforeEach
    void start() throws Exception {
        provider = new MockOAuth2Server();
        provider.start();
        String issuer = provider.issuerUrl("corp").toString();
        gateway = Gateway.start(new GatewayConfig(dir.resolve("data").toString(),
                new ListenersConfig(new ListenerConfig("127.0.0.1", 0, false), new ListenerConfig("127.0.0.1", 0, false)),
                null, null, new EvidenceConfig("tracegate.test/console-oidc", null, 0, null, false, 0, null),
                new IdentitiesConfig(List.of(), List.of(new OidcIssuerConfig(issuer, List.of(CLIENT, "other-client"), null,
                        "groups", null, null, "human", 0, null, false, CLAIMS_MAX_AGE_SECONDS, null)), null),
                List.of(), 0, null, null, null, new ConsoleConfig(issuer, CLIENT, null, false, 0)));
    }

    @AfterEach
    void stop() {
        gateway.close();
        provider.shutdown();
    }

    @Test
    void theRightBrowserSignsInOnceAndOnlyThere() throws Exception {
        SignIn started = start("dana");
        HttpResponse<String> elsewhere = get(started.callback(), null);
        assertThat(elsewhere.statusCode()).as("the code arrives in a browser that did not start the sign-in").isEqualTo(400);
        assertThat(elsewhere.body()).contains("not started in this browser");
        assertThat(elsewhere.headers().allValues("Set-Cookie"))
                .noneMatch(c -> c.startsWith(ConsoleCookies.SESSION + "=") && !c.contains("Max-Age=0"));

        SignIn again = start("dana");
        HttpResponse<String> done = get(again.callback(), again.stateCookie());
        assertThat(done.statusCode()).isEqualTo(303);
        assertThat(done.headers().firstValue("Location")).contains("/console/approvals");
        String session = done.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith(ConsoleCookies.SESSION + "="))
                .findFirst().orElseThrow().split(";")[0];
        HttpResponse<String> me = get(base() + "/api/me", session);
        assertThat(me.body()).contains("\"subject\":\"dana\"").contains("\"groups\":[\"dba\"]");

        HttpResponse<String> replayed = get(again.callback(), again.stateCookie());
        assertThat(replayed.statusCode()).as("a callback works once").isEqualTo(400);
        assertThat(replayed.body()).contains("unknown or took longer");
    }

    /**
     * The console acts on the groups of a sign-in no longer than any listener does: a session signed
     * in at the provider ends {@code claimsMaxAgeSeconds} after the ID token was issued, not after the
     * console's eight hours, so a person removed from a group is asked to sign in again by then.
     * Before, the session kept the groups for eight hours.
     */
    @Test
    void anInteractiveSessionEndsWhenItsGroupsStopCounting() throws Exception {
        SignIn started = start("dana");
        HttpResponse<String> done = get(started.callback(), started.stateCookie());
        assertThat(done.statusCode()).isEqualTo(303);
        String session = done.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith(ConsoleCookies.SESSION + "="))
                .findFirst().orElseThrow().split(";")[0];

        HttpResponse<String> me = get(base() + "/api/me", session);

        java.time.Instant ends = java.time.Instant.parse(new com.fasterxml.jackson.databind.ObjectMapper().readTree(me.body())
                .path("session_expires_at").asText());
        assertThat(ends).isBefore(java.time.Instant.now().plusSeconds(CLAIMS_MAX_AGE_SECONDS + 5));
    }

    @Test
    void aRefusalAtTheProviderEndsTheSignInWithItsReason() throws Exception {
        SignIn refused = startWithoutCallback(); // never redeemed: the provider's answer below is a refusal
        HttpResponse<String> denied = get(base() + "/console/callback?error=access_denied&error_description=user%20cancelled&state="
                + refused.state(), refused.stateCookie());
        assertThat(denied.statusCode()).isEqualTo(400);
        assertThat(denied.body()).contains("refused the sign-in: access_denied (user cancelled)");

        assertThat(denied.headers().allValues("Set-Cookie")).noneMatch(c -> c.startsWith(ConsoleCookies.SESSION + "="));
    }

    // --- helpers -------------------------------------------------------------------------------

    /** One sign-in: where the provider sent the browser back, and the sign-in cookie the gateway set. */
    private record SignIn(String callback, String stateCookie, String state) {
    }

    private SignIn start(String subject) throws Exception {
        provider.enqueueCallback(new DefaultOAuth2TokenCallback("corp", subject, "JWT", List.of(CLIENT),
                Map.of("groups", List.of("dba")), 3600));
        return startWithoutCallback();
    }

    private SignIn startWithoutCallback() throws Exception {
        HttpResponse<String> begin = get(base() + "/console/signin/oidc?next=%2Fconsole%2Fapprovals", null);
        assertThat(begin.statusCode()).isEqualTo(302);
        String authorize = begin.headers().firstValue("Location").orElseThrow();
        assertThat(authorize).contains("code_challenge_method=S256").contains("nonce=").contains("state=");
        String stateCookie = begin.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
        HttpResponse<String> atProvider = get(authorize, null);
        assertThat(atProvider.statusCode()).isEqualTo(302);
        String callback = atProvider.headers().firstValue("Location").orElseThrow();
        return new SignIn(callback, stateCookie, stateCookie.substring(stateCookie.indexOf('=') + 1));
    }

    private String base() {
        return "http://127.0.0.1:" + gateway.apiPort();
    }

    private static HttpResponse<String> get(String url, String cookie) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url));
        if (cookie != null) {
            request.header("Cookie", cookie);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
