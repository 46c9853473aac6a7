package dev.tracegate.cli.signin;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The user's browser, played by the JDK's HTTP client. */
final class Browser {

    static final String CLIENT_ID = "tracegate-cli";

    private static final HttpClient FOLLOWING = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NORMAL).connectTimeout(Duration.ofSeconds(5)).build();
    private static final HttpClient NOT_FOLLOWING = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();

    private Browser() {
    }

    /** Opens {@code address}, following redirects, and returns the page it ends on. */
    static HttpResponse<String> open(URI address) throws IOException, InterruptedException {
        return FOLLOWING.send(HttpRequest.newBuilder(address).timeout(Duration.ofSeconds(20)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Where the provider's authorization endpoint sends the browser (its redirect, not followed). */
    static URI redirectFrom(URI address) throws IOException, InterruptedException {
        HttpResponse<Void> response = NOT_FOLLOWING.send(HttpRequest.newBuilder(address).timeout(Duration.ofSeconds(20)).GET().build(),
                HttpResponse.BodyHandlers.discarding());
        assertThat(response.statusCode()).isEqualTo(302);
        return URI.create(response.headers().firstValue("Location").orElseThrow());
    }

    /** A complete browser sign-in with {@code tracegate login}; returns what it printed. */
    static CommandRun signIn(CredentialStore store, String issuer, String... options) throws Exception {
        List<String> args = new ArrayList<>(List.of("--issuer", issuer, "--client-id", CLIENT_ID, "--no-browser"));
        args.addAll(List.of(options));
        CommandRun login = CommandRun.start(new LoginCommand(store, duration -> { }, Clock.systemUTC()), args.toArray(String[]::new));
        HttpResponse<String> page = open(login.printedAddress());
        assertThat(login.exitStatus()).as(login.err()).isZero();
        assertThat(page.body()).contains(LoopbackRedirect.SIGNED_IN);
        return login;
    }
}
