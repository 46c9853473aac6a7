package dev.tracegate.cli.signin;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/** One command run as the user would see it: exit status, stdout and stderr. */
final class CommandRun {

    private static final Pattern ADDRESS = Pattern.compile("(?m)^  (https?://\\S+)$");

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private final CompletableFuture<Integer> exit;

    private CommandRun(Object command, String... args) {
        CommandLine commandLine = new CommandLine(command)
                .setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true));
        exit = CompletableFuture.supplyAsync(() -> commandLine.execute(args), task -> Thread.ofPlatform().daemon().start(task));
    }

    /** Starts {@code command}; it runs on its own thread, like a user's terminal. */
    static CommandRun start(Object command, String... args) {
        return new CommandRun(command, args);
    }

    /** Runs {@code command} to its end. */
    static CommandRun finish(Object command, String... args) {
        CommandRun run = new CommandRun(command, args);
        run.exitStatus();
        return run;
    }

    /** The sign-in address the command printed for the user to open. */
    URI printedAddress() throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
        while (Instant.now().isBefore(deadline)) {
            Matcher address = ADDRESS.matcher(out.toString());
            if (address.find()) {
                return URI.create(address.group(1));
            }
            assertThat(exit).as("the command ended without printing an address: %s%s", out, err).isNotDone();
            Thread.sleep(20);
        }
        throw new AssertionError("no address printed within 10 s: " + out + err);
    }

    int exitStatus() {
        try {
            return exit.get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("the command did not end within 30 s: " + out + err, e);
        }
    }

    String out() {
        return out.toString();
    }

    String err() {
        return err.toString();
    }
}
