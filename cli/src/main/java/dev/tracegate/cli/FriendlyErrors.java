package dev.tracegate.cli;

import dev.tracegate.gateway.config.ConfigException;
import picocli.CommandLine;

/**
 * Prints a failed command's reason as one line, without a stack trace, for the errors a user can
 * act on; anything unexpected keeps its stack trace for the bug report.
 */
final class FriendlyErrors implements CommandLine.IExecutionExceptionHandler {

    @Override
    public int handleExecutionException(Exception e, CommandLine commandLine, CommandLine.ParseResult parseResult) {
        if (e instanceof ConfigException || e instanceof CliException || e instanceof java.io.IOException
                || e instanceof dev.tracegate.gateway.store.StoreException) {
            commandLine.getErr().println("tracegate: " + e.getMessage());
            return 2;
        }
        e.printStackTrace(commandLine.getErr());
        return 1;
    }
}
