package dev.tracegate.cli.signin;

import dev.tracegate.cli.CliException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code tracegate login}: sign in with an identity provider and keep the tokens for {@code tracegate token}. */
@Command(name = "login", mixinStandardHelpOptions = true,
        description = {"Sign in with your identity provider (in a browser, or with a code on another device) "
                + "and keep the tokens for tracegate token.",
                "Register tracegate with your provider as a native/public client with the redirect URI "
                + "http://127.0.0.1/callback (any port)."})
public final class LoginCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--issuer", required = true, description = "the provider's issuer URL, exactly as in its tokens' iss")
    String issuer;

    @Option(names = "--client-id", required = true, description = "the client registered for tracegate")
    String clientId;

    @Option(names = "--client-secret-file", description = "file holding the client's secret (only for confidential clients)")
    Path clientSecretFile;

    @Option(names = "--scope", defaultValue = "openid profile email offline_access",
            description = "scopes to ask for (default: ${DEFAULT-VALUE}); offline_access gets a refresh token")
    String scope;

    @Option(names = "--audience", description = "sent as the audience parameter (Auth0 and others)")
    String audience;

    @Option(names = "--auth-param", paramLabel = "NAME=VALUE",
            description = "an extra parameter for the browser sign-in's address, e.g. access_type=offline for Google (repeatable)")
    Map<String, String> authParams = new LinkedHashMap<>();

    @Option(names = "--device", description = "sign in on another device with a code (RFC 8628), e.g. over SSH")
    boolean device;

    @Option(names = "--no-browser", description = "only print the sign-in address; do not start a browser")
    boolean noBrowser;

    @Option(names = "--port", defaultValue = "0",
            description = "port on 127.0.0.1 the browser returns to (default: any free port)")
    int port;

    @Option(names = "--timeout", defaultValue = "300", description = "seconds to wait for the sign-in (default: ${DEFAULT-VALUE})")
    int timeoutSeconds;

    private final CredentialStore store;
    private final DeviceAuthorizationFlow.Pause pause;
    private final Clock clock;

    /** Signs in for the current user; picocli calls this. */
    public LoginCommand() {
        this(CredentialStore.forCurrentUser(), Thread::sleep, Clock.systemUTC());
    }

    LoginCommand(CredentialStore store, DeviceAuthorizationFlow.Pause pause, Clock clock) {
        this.store = store;
        this.pause = pause;
        this.clock = clock;
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try {
            if (timeoutSeconds <= 0) {
                throw new CliException("--timeout must be positive");
            }
            SignInRequest request = new SignInRequest(scope, audience, authParams);
            ProviderClient provider = new ProviderClient(clock);
            ProviderMetadata metadata = provider.discover(issuer);
            ClientRegistration client = ClientRegistration.choose(clientId, clientSecretFile, metadata);
            Duration timeout = Duration.ofSeconds(timeoutSeconds);
            TokenSet tokens = device
                    ? new DeviceAuthorizationFlow(provider, out, pause, clock).signIn(metadata, client, request, timeout)
                    : new AuthorizationCodeFlow(provider, out, noBrowser ? null : new BrowserLauncher())
                            .signIn(metadata, client, request, port, timeout);
            StoredLogin login = new StoredLogin(metadata.issuer(), metadata.tokenEndpoint(), client, request, tokens,
                    clock.instant());
            try (CredentialStore.Lock lock = store.lock()) {
                store.write(store.read().signedIn(login));
            }
            String person = UnverifiedJwt.person(tokens.idToken() != null ? tokens.idToken() : tokens.accessToken());
            out.println("Signed in to " + metadata.issuer() + (person == null ? "" : " as " + person)
                    + "; tokens are kept in " + store.path());
            if (tokens.refreshToken() == null) {
                out.println("The provider sent no refresh token, so you will sign in again when the token expires "
                        + "(the offline_access scope asks for one).");
            }
            out.flush();
            return 0;
        } catch (CliException | IOException e) {
            return SignInFailure.report(spec, e);
        }
    }
}
