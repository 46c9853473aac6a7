package dev.tracegate.cli.signin;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tracegate token}: what {@code PGPASSWORD=$(tracegate token)} receives. */
class TokenCommandTest {

    private static SignInProvider provider;

    @TempDir
    Path home;

    private CredentialStore store;
    private String issuer;

    @BeforeAll
    static void startProvider() {
        provider = new SignInProvider();
    }

    @AfterAll
    static void stopProvider() {
        provider.close();
    }

    @BeforeEach
    void useTemporaryConfigDirectory() {
        store = new CredentialStore(home.resolve("config/tracegate/credentials.json"));
        issuer = provider.issuer(SignInProvider.PUBLIC);
    }

    @AfterEach
    void resetProvider() {
        provider.publicIssuer.reset();
    }

    @Test
    void printsTheStoredAccessTokenAndNothingElse() throws Exception {
        Browser.signIn(store, issuer);

        CommandRun token = CommandRun.finish(token());

        assertThat(token.exitStatus()).isZero();
        assertThat(token.out()).isEqualTo(stored().tokens().accessToken() + System.lineSeparator());
        assertThat(token.err()).isEmpty();
    }

    @Test
    void refreshesATokenAboutToExpireAndKeepsTheNewOne() throws Exception {
        provider.publicIssuer.lifetimeSeconds.set(30);
        Browser.signIn(store, issuer);
        TokenSet before = stored().tokens();

        CommandRun token = CommandRun.finish(token());

        assertThat(token.exitStatus()).as(token.err()).isZero();
        String printed = token.out().strip();
        assertThat(printed).isNotEqualTo(before.accessToken());
        assertThat(UnverifiedJwt.claims(printed).path("sub").asText()).isEqualTo(SignInProvider.SUBJECT);
        assertThat(stored().tokens().accessToken()).isEqualTo(printed);
        assertThat(stored().tokens().refreshToken()).isNotNull();
    }

    /**
     * A token the provider lets live longer than an hour (Entra ID: up to 90 minutes) is refreshed
     * once it is an hour old, when the gateway stops acting on its groups, not only near its expiry.
     * Before, the command printed it until its expiry and the gateway refused it for the last half hour.
     */
    @Test
    void refreshesATokenTheGatewayNoLongerActsOnThoughItHasNotExpired() throws Exception {
        provider.publicIssuer.lifetimeSeconds.set(5400);
        Browser.signIn(store, issuer);
        TokenSet before = stored().tokens();
        Clock anHourLater = Clock.offset(Clock.systemUTC(), Duration.ofMinutes(59).plusSeconds(30));

        CommandRun token = CommandRun.finish(new TokenCommand(store, Map.of(), anHourLater));

        assertThat(token.exitStatus()).as(token.err()).isZero();
        assertThat(token.out().strip()).isNotEqualTo(before.accessToken());
        assertThat(stored().tokens().accessToken()).isEqualTo(token.out().strip());
    }

    @Test
    void aRefusedRefreshAsksToSignInAgain() throws Exception {
        provider.publicIssuer.lifetimeSeconds.set(30);
        Browser.signIn(store, issuer);
        provider.publicIssuer.refuseRefresh.set(true);

        CommandRun token = CommandRun.finish(token());

        assertThat(token.exitStatus()).isEqualTo(1);
        assertThat(token.out()).isEmpty();
        assertThat(token.err()).contains("could not be renewed (the token endpoint refused the request: invalid_grant "
                + "(refresh token expired)); run tracegate login --issuer " + issuer + " --client-id " + Browser.CLIENT_ID + " again");
    }

    @Test
    void anExpiredTokenWithoutRefreshTokenAsksToSignInAgain() throws Exception {
        StoredLogin login = new StoredLogin(issuer, URI.create(issuer + "/token"),
                new ClientRegistration(Browser.CLIENT_ID, null, ClientRegistration.AuthMethod.NONE),
                new SignInRequest("openid", null), new TokenSet("expired-token", null, null, Instant.now().minusSeconds(5)),
                Instant.now().minusSeconds(3600));
        store.write(StoredLogins.empty().signedIn(login));

        CommandRun token = CommandRun.finish(token());

        assertThat(token.exitStatus()).isEqualTo(1);
        assertThat(token.out()).isEmpty();
        assertThat(token.err()).contains("the access token from " + issuer + " has expired and there is no refresh token");
    }

    @Test
    void withoutASignInSaysHowToGetOne() {
        CommandRun token = CommandRun.finish(token());

        assertThat(token.exitStatus()).isEqualTo(1);
        assertThat(token.out()).isEmpty();
        assertThat(token.err()).contains("not signed in; run tracegate login --issuer URL --client-id ID first");
    }

    @Test
    void usesTheMostRecentSignInUnlessAnIssuerIsNamed() throws Exception {
        String confidential = provider.issuer(SignInProvider.CONFIDENTIAL);
        Browser.signIn(store, issuer);
        Browser.signIn(store, confidential, "--client-secret-file",
                Files.writeString(home.resolve("secret"), SignInProvider.CLIENT_SECRET).toString());

        assertThat(issuerOf(CommandRun.finish(token()))).isEqualTo(confidential);
        assertThat(issuerOf(CommandRun.finish(token(), "--issuer", issuer))).isEqualTo(issuer);
    }

    @Test
    void printsTheIdTokenWhenAsked() throws Exception {
        Browser.signIn(store, issuer);

        CommandRun token = CommandRun.finish(token(), "--id-token");

        assertThat(token.exitStatus()).isZero();
        assertThat(token.out().strip()).isEqualTo(stored().tokens().idToken()).isNotEqualTo(stored().tokens().accessToken());
    }

    @Test
    void asksTheGatewayForAGatewayTokenWithTheSignInsToken() throws Exception {
        Browser.signIn(store, issuer);
        try (FakeGateway gateway = new FakeGateway(200, "{\"token\":\"gw.token\",\"expires_at\":\"2030-01-01T00:00:00Z\"}")) {
            CommandRun token = CommandRun.finish(token(), "--gateway", "--server", gateway.address(), "--minutes", "5",
                    "--issuer", issuer);

            assertThat(token.exitStatus()).as(token.err()).isZero();
            assertThat(token.out()).isEqualTo("gw.token" + System.lineSeparator());
            assertThat(gateway.requests).containsExactly("POST /api/tokens?minutes=5 Bearer " + stored().tokens().accessToken());
        }
    }

    @Test
    void aConfiguredGatewayTokenIsUsedWhenNoIssuerIsNamed() throws Exception {
        Browser.signIn(store, issuer);
        try (FakeGateway gateway = new FakeGateway(200, "{\"token\":\"gw.token\",\"expires_at\":\"2030-01-01T00:00:00Z\"}")) {
            TokenCommand command = new TokenCommand(store,
                    Map.of("TRACEGATE_SERVER", gateway.address(), "TRACEGATE_TOKEN", "configured-key"), Clock.systemUTC());

            CommandRun token = CommandRun.finish(command, "--gateway");

            assertThat(token.exitStatus()).as(token.err()).isZero();
            assertThat(gateway.requests).containsExactly("POST /api/tokens?minutes=15 Bearer configured-key");
        }
    }

    @Test
    void aGatewayRefusalIsReportedOnStderr() throws Exception {
        Browser.signIn(store, issuer);
        try (FakeGateway gateway = new FakeGateway(401, "{\"error\":\"token refused: audience not accepted\"}")) {
            CommandRun token = CommandRun.finish(token(), "--gateway", "--server", gateway.address());

            assertThat(token.exitStatus()).isEqualTo(1);
            assertThat(token.out()).isEmpty();
            assertThat(token.err()).contains("issued no token: token refused: audience not accepted");
        }
    }

    @Test
    void sendsNoTokenToAGatewayOverPlainHttp() throws Exception {
        Browser.signIn(store, issuer);

        CommandRun token = CommandRun.finish(token(), "--gateway", "--server", "http://tracegate.example.com:8080");

        assertThat(token.exitStatus()).isEqualTo(1);
        assertThat(token.err()).contains("the gateway API address must be an https address");
    }

    private TokenCommand token() {
        return new TokenCommand(store, Map.of(), Clock.systemUTC());
    }

    private StoredLogin stored() throws Exception {
        return store.read().find(issuer).orElseThrow();
    }

    private static String issuerOf(CommandRun token) {
        assertThat(token.exitStatus()).as(token.err()).isZero();
        return UnverifiedJwt.claims(token.out().strip()).path("iss").asText();
    }

    /** The gateway's {@code POST /api/tokens}, answering one fixed way and remembering who asked. */
    private static final class FakeGateway implements AutoCloseable {
        final List<String> requests = new CopyOnWriteArrayList<>();
        private final HttpServer server;

        FakeGateway(int status, String body) throws Exception {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
            server.createContext("/api/tokens", exchange -> {
                requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " "
                        + exchange.getRequestHeaders().getFirst("Authorization"));
                byte[] answer = body.getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(status, answer.length);
                exchange.getResponseBody().write(answer);
                exchange.close();
            });
            server.start();
        }

        String address() {
            return "http://127.0.0.1:" + server.getAddress().getPort();
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}
