package dev.tracegate.cli;

/** A command cannot do what was asked; the message tells the user what to change. */
public class CliException extends RuntimeException {
    public CliException(String message) {
        super(message);
    }
}
