package dev.tracegate.cli.signin;

import dev.tracegate.cli.CliException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code tracegate logout}: forgets the tokens {@code tracegate login} stored. */
@Command(name = "logout", mixinStandardHelpOptions = true,
        description = "Forget the stored tokens of every sign-in, or of one issuer's. Tokens already handed out "
                + "stay valid until they expire.")
public final class LogoutCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--issuer", description = "forget only this issuer's sign-in")
    String issuer;

    private final CredentialStore store;

    /** Uses the current user's sign-ins; picocli calls this. */
    public LogoutCommand() {
        this(CredentialStore.forCurrentUser());
    }

    LogoutCommand(CredentialStore store) {
        this.store = store;
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (!store.exists()) {
            out.println(notSignedIn());
            out.flush();
            return 0;
        }
        try (CredentialStore.Lock lock = store.lock()) {
            StoredLogins logins;
            try {
                logins = store.read();
            } catch (CliException damaged) {
                if (issuer != null) {
                    throw damaged;
                }
                // Forgetting everything needs nothing from a damaged file.
                Files.deleteIfExists(store.path());
                out.println("Deleted the damaged credentials file " + store.path() + ".");
                out.flush();
                return 0;
            }
            List<String> forgotten = issuer == null
                    ? List.copyOf(logins.byIssuer().keySet())
                    : logins.find(issuer).map(StoredLogin::issuer).stream().toList();
            StoredLogins remaining = logins;
            for (String signedOut : forgotten) {
                remaining = remaining.without(signedOut);
            }
            store.write(remaining);
            if (forgotten.isEmpty()) {
                out.println(notSignedIn());
            } else {
                forgotten.forEach(signedOut -> out.println("Forgot the sign-in with " + signedOut + "."));
            }
            out.flush();
            return 0;
        } catch (CliException | IOException e) {
            return SignInFailure.report(spec, e);
        }
    }

    private String notSignedIn() {
        return issuer == null ? "Not signed in." : "Not signed in to " + issuer + ".";
    }
}
