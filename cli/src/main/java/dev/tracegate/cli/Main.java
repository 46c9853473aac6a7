package dev.tracegate.cli;

import dev.tracegate.cli.demo.DemoCommand;
import dev.tracegate.cli.signin.LoginCommand;
import dev.tracegate.cli.signin.LogoutCommand;
import dev.tracegate.cli.signin.SshCommand;
import dev.tracegate.cli.signin.TokenCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code tracegate} command. */
@Command(name = "tracegate", mixinStandardHelpOptions = true, version = "tracegate 0.1.0",
        description = "Identity-aware access gateway that turns every session into verifiable evidence.",
        subcommands = {ServeCommand.class, DemoCommand.class, SessionsCommand.class, TracesCommand.class, PolicyCommand.class,
                EvidenceCommand.class, KeysCommand.class, ApprovalsCommand.class,
                LoginCommand.class, TokenCommand.class, LogoutCommand.class, ServiceAccountsCommand.class, SshCommand.class})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        String format = System.getenv("TRACEGATE_LOG_FORMAT");
        if (format != null && !format.equals("text") && !format.equals("json")) {
            // Checked before anything logs: an unknown name would silently leave the gateway without logs.
            System.err.println("tracegate: TRACEGATE_LOG_FORMAT must be text or json, not \"" + format + "\"");
            System.exit(2);
        }
        int status;
        try {
            status = run(args);
        } catch (Error fatal) {
            // Past picocli's handler (a class missing from the install, out of memory at start): the
            // process must still end, or threads already started would keep a half-started gateway alive.
            System.err.println("tracegate: " + fatal);
            fatal.printStackTrace();
            status = 70;
        }
        System.exit(status);
    }

    /** Runs the command line and returns its exit code (tests call this directly). */
    public static int run(String... args) {
        return new CommandLine(new Main())
                .setExecutionExceptionHandler(new FriendlyErrors())
                .execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
