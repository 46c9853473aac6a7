package dev.tracegate.cli.signin;

import dev.tracegate.cli.CliException;
import java.io.PrintWriter;
import picocli.CommandLine.Model.CommandSpec;

/**
 * How the sign-in commands end when they cannot do their job: one line on stderr, exit status 1,
 * so {@code PGPASSWORD=$(tracegate token)} leaves nothing misleading on stdout.
 */
final class SignInFailure {

    static final int EXIT_STATUS = 1;

    private SignInFailure() {
    }

    static int report(CommandSpec spec, Exception failure) {
        PrintWriter err = spec.commandLine().getErr();
        // A CliException's message is written for the user; anything else needs its type to make sense.
        err.println("tracegate: " + (failure instanceof CliException ? failure.getMessage() : failure.toString()));
        err.flush();
        return EXIT_STATUS;
    }
}
