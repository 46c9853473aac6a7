package dev.tracegate.cli.signin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tracegate login} against a real OpenID provider, with the test playing the browser. */
class LoginCommandTest {

    private static SignInProvider provider;

    @TempDir
    Path home;

    private CredentialStore store;

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
    }

    @AfterEach
    void resetProvider() {
        provider.publicIssuer.reset();
        provider.confidentialIssuer.reset();
    }

    @Test
    void browserSignInKeepsTokensOnlyTheUserCanRead() throws Exception {
        String issuer = provider.issuer(SignInProvider.PUBLIC);
        CommandRun login = CommandRun.start(login(), "--issuer", issuer, "--client-id", Browser.CLIENT_ID, "--no-browser",
                "--audience", "api://tracegate", "--auth-param", "access_type=offline");

        URI address = login.printedAddress();
        Map<String, String> request = query(address);
        assertThat(request).containsEntry("response_type", "code").containsEntry("client_id", Browser.CLIENT_ID)
                .containsEntry("code_challenge_method", "S256").containsEntry("scope", "openid profile email offline_access")
                .containsEntry("audience", "api://tracegate").containsEntry("access_type", "offline");
        assertThat(request.get("redirect_uri")).matches("http://127\\.0\\.0\\.1:\\d+/callback");
        assertThat(request.get("code_challenge")).hasSize(43);
        assertThat(login.out()).contains("Waiting up to 5 minutes for the browser to return to " + request.get("redirect_uri"));

        HttpResponse<String> page = Browser.open(address);

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("You are signed in to Tracegate; you can close this tab.");
        assertThat(login.exitStatus()).as(login.err()).isZero();
        assertThat(login.out()).contains("Signed in to " + issuer + " as Alice Example; tokens are kept in " + store.path());
        assertThat(Files.getPosixFilePermissions(store.path())).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.getPosixFilePermissions(store.path().getParent())).isEqualTo(PosixFilePermissions.fromString("rwx------"));
        JsonNode file = new ObjectMapper().readTree(store.path().toFile());
        assertThat(file.path("current").asText()).isEqualTo(issuer);
        assertThat(file.path("logins").path(issuer).path("refresh_token").asText()).isNotEmpty();

        CommandRun token = CommandRun.finish(new TokenCommand(store, Map.of(), Clock.systemUTC()));
        assertThat(token.exitStatus()).as(token.err()).isZero();
        JsonNode claims = UnverifiedJwt.claims(token.out().strip());
        assertThat(claims.path("iss").asText()).isEqualTo(issuer);
        assertThat(claims.path("sub").asText()).isEqualTo(SignInProvider.SUBJECT);
    }

    @Test
    void aReturnWithAnotherStateIsRefused() throws Exception {
        CommandRun login = CommandRun.start(login(), "--issuer", provider.issuer(SignInProvider.PUBLIC),
                "--client-id", Browser.CLIENT_ID, "--no-browser");
        URI back = Browser.redirectFrom(login.printedAddress());
        URI forged = URI.create(back.toString().replaceAll("state=[^&]*", "state=forged"));

        HttpResponse<String> page = Browser.open(forged);

        assertThat(page.statusCode()).isEqualTo(400);
        assertThat(page.body()).contains("Sign-in to Tracegate failed");
        assertThat(login.exitStatus()).isEqualTo(1);
        assertThat(login.err()).contains("tracegate: the browser came back with a state that this sign-in did not send");
        assertThat(store.path()).doesNotExist();
    }

    @Test
    void aRefusalAtTheProviderIsReported() throws Exception {
        CommandRun login = CommandRun.start(login(), "--issuer", provider.issuer(SignInProvider.PUBLIC),
                "--client-id", Browser.CLIENT_ID, "--no-browser");
        Map<String, String> request = query(login.printedAddress());

        Browser.open(URI.create(request.get("redirect_uri") + "?error=access_denied&error_description=User+said+no&state="
                + request.get("state")));

        assertThat(login.exitStatus()).isEqualTo(1);
        assertThat(login.err()).contains("the identity provider refused the sign-in: access_denied (User said no)");
        assertThat(store.path()).doesNotExist();
    }

    @Test
    void aConfidentialClientSignsInWithItsSecretWhichIsNotCopied() throws Exception {
        Path secret = Files.writeString(home.resolve("client-secret"), SignInProvider.CLIENT_SECRET + "\n");

        Browser.signIn(store, provider.issuer(SignInProvider.CONFIDENTIAL), "--client-secret-file", secret.toString());

        assertThat(Files.readString(store.path())).contains(secret.toString()).doesNotContain(SignInProvider.CLIENT_SECRET);
    }

    @Test
    void aWrongClientSecretIsReportedClearly() throws Exception {
        Path secret = Files.writeString(home.resolve("client-secret"), "wrong");
        CommandRun login = CommandRun.start(login(), "--issuer", provider.issuer(SignInProvider.CONFIDENTIAL),
                "--client-id", Browser.CLIENT_ID, "--client-secret-file", secret.toString(), "--no-browser");

        HttpResponse<String> page = Browser.open(login.printedAddress());

        assertThat(page.statusCode()).isEqualTo(400);
        assertThat(page.body()).contains("invalid_client");
        assertThat(login.exitStatus()).isEqualTo(1);
        assertThat(login.err()).contains("tracegate: the token endpoint refused the request: invalid_client "
                + "(client authentication failed); check --client-id and --client-secret-file");
        assertThat(store.path()).doesNotExist();
    }

    @Test
    void givesUpWhenNoBrowserComesBack() {
        CommandRun login = CommandRun.finish(login(), "--issuer", provider.issuer(SignInProvider.PUBLIC),
                "--client-id", Browser.CLIENT_ID, "--no-browser", "--timeout", "1");

        assertThat(login.exitStatus()).isEqualTo(1);
        assertThat(login.err()).contains("tracegate: no sign-in arrived within 1 second; run tracegate login again");
    }

    @Test
    void anExtraParameterCannotReplaceTheSignInsOwn() {
        CommandRun login = CommandRun.finish(login(), "--issuer", provider.issuer(SignInProvider.PUBLIC),
                "--client-id", Browser.CLIENT_ID, "--auth-param", "redirect_uri=https://attacker.example/");

        assertThat(login.exitStatus()).isEqualTo(1);
        assertThat(login.err()).contains("--auth-param cannot set redirect_uri");
    }

    @Test
    void refusesAProviderReachedOverPlainHttp() {
        CommandRun login = CommandRun.finish(login(), "--issuer", "http://login.example.com", "--client-id", Browser.CLIENT_ID);

        assertThat(login.exitStatus()).isEqualTo(1);
        assertThat(login.err()).contains("--issuer must be an https address");
    }

    @Test
    void deviceSignInNeedsAProviderThatOffersIt() {
        String issuer = provider.issuer(SignInProvider.PUBLIC);
        CommandRun login = CommandRun.finish(login(), "--issuer", issuer, "--client-id", Browser.CLIENT_ID, "--device");

        assertThat(login.exitStatus()).isEqualTo(1);
        assertThat(login.err()).contains(issuer + " does not offer device sign-in");
    }

    private LoginCommand login() {
        return new LoginCommand(store, duration -> { }, Clock.systemUTC());
    }

    private static Map<String, String> query(URI address) {
        return Arrays.stream(address.getRawQuery().split("&"))
                .map(pair -> pair.split("=", 2))
                .collect(Collectors.toMap(pair -> pair[0], pair -> URLDecoder.decode(pair[1], StandardCharsets.UTF_8)));
    }
}
