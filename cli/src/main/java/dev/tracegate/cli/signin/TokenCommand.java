package dev.tracegate.cli.signin;

import dev.tracegate.cli.CliException;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code tracegate token}: prints a current token and nothing else, for
 * {@code PGPASSWORD=$(tracegate token) psql ...}. Diagnostics go to stderr.
 */
@Command(name = "token", mixinStandardHelpOptions = true,
        description = {"Print a current access token of your sign-in (refreshed when it is about to expire), "
                + "or with --gateway a short-lived gateway token.",
                "Example: PGPASSWORD=$(tracegate token) psql \"host=tracegate.acme.com sslmode=require user=me dbname=shop\""})
public final class TokenCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--issuer", description = "the sign-in to use (default: the most recent tracegate login)")
    String issuer;

    @Option(names = "--id-token", description = "the ID token instead of the access token (Google's access tokens are opaque)")
    boolean idToken;

    @Option(names = "--gateway",
            description = "ask the gateway for a short-lived gateway token, authenticated with $TRACEGATE_TOKEN or the sign-in's token")
    boolean gateway;

    @Option(names = "--server", description = "with --gateway: the gateway API URL (default: $TRACEGATE_SERVER)")
    String server;

    @Option(names = "--minutes", defaultValue = "15", description = "with --gateway: how long the token lives (default: ${DEFAULT-VALUE})")
    int minutes;

    /** A token shorter than asked by less than this (the gateway rounds to seconds) is not worth a word. */
    private static final Duration SHORTER_NOTICE = Duration.ofMinutes(1);

    private final GatewayCaller caller;

    /** Uses the current user's sign-ins; picocli calls this. */
    public TokenCommand() {
        this(CredentialStore.forCurrentUser(), System.getenv(), Clock.systemUTC());
    }

    TokenCommand(CredentialStore store, Map<String, String> environment, Clock clock) {
        this.caller = new GatewayCaller(store, environment, clock);
    }

    @Override
    public Integer call() {
        try {
            String token = gateway ? gatewayToken() : signedInToken(TokenRenewal.MARGIN);
            PrintWriter out = spec.commandLine().getOut();
            out.println(token);
            out.flush();
            return 0;
        } catch (CliException | IOException e) {
            return SignInFailure.report(spec, e);
        }
    }

    private String signedInToken(Duration margin) throws IOException {
        return caller.signedIn(issuer, idToken ? TokenKind.ID_TOKEN : TokenKind.ACCESS_TOKEN, margin);
    }

    private String gatewayToken() throws IOException {
        if (minutes <= 0) {
            throw new CliException("--minutes must be positive");
        }
        URI uri = caller.server(server);
        // The gateway token ends when the sign-in's token does: refresh one that would end sooner than asked.
        Duration wanted = Duration.ofMinutes(minutes);
        String bearer = caller.bearer(issuer, idToken ? TokenKind.ID_TOKEN : TokenKind.ACCESS_TOKEN, wanted.compareTo(TokenRenewal.MARGIN) > 0 ? wanted : TokenRenewal.MARGIN);
        GatewayTokenClient.Issued issued = new GatewayTokenClient().issue(uri, bearer, minutes);
        if (issued.expiresAt() != null && issued.expiresAt().isBefore(caller.clock().instant().plus(wanted).minus(SHORTER_NOTICE))) {
            PrintWriter err = spec.commandLine().getErr();
            err.println("tracegate: the gateway token ends at " + issued.expiresAt() + ", sooner than the " + minutes
                    + " minutes asked: no token outlives the sign-in it comes from"
                    + (issued.signInEndsAt() == null ? "" : " (which ends at " + issued.signInEndsAt() + ")")
                    + "; sign in again for a longer one");
            err.flush();
        }
        return issued.token();
    }

    /** The gateway's API address; the bearer token must not cross the network in clear, so https unless on loopback. */
    static URI gatewayAddress(String base) {
        URI uri;
        try {
            uri = URI.create(base);
        } catch (IllegalArgumentException e) {
            throw new CliException("not a gateway API address: " + base);
        }
        if (uri.getScheme() == null || uri.getHost() == null) {
            throw new CliException("not a gateway API address: " + base + " (expected e.g. https://tracegate.acme.com:8443)");
        }
        return ProviderMetadata.requireSecure(uri, "the gateway API address");
    }
}
