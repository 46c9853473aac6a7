package dev.tracegate.policy.rules;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * What an SSH client asks of a host, as rules name it ({@code operations: [exec, write]}).
 * File operations come from sftp and scp alike.
 */
public enum SshOperation {
    /** A command line: an {@code exec} request, or a line typed in a shell. */
    EXEC,
    /** Opening an interactive shell. */
    SHELL,
    /** Reading a file or listing a directory. */
    READ,
    /** Writing a file, creating a directory or link, changing attributes. */
    WRITE,
    /** Removing a file or directory. */
    DELETE,
    /** Renaming or moving a file. */
    RENAME,
    /** Forwarding the client's SSH agent to the host. */
    AGENT_FORWARDING,
    /** Forwarding TCP connections through the host (either direction). */
    PORT_FORWARDING,
    /** Forwarding X11 connections. */
    X11_FORWARDING,
    /**
     * Setting an environment variable for a channel (an SSH {@code env} request: {@code SendEnv},
     * {@code SetEnv}); the gateway never passes it on to the host.
     */
    ENV;

    /** How rules and the evidence write it: {@code exec}, {@code port-forwarding}. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static Optional<SshOperation> fromConfigName(String name) {
        return Arrays.stream(values()).filter(o -> o.configName().equals(name.trim().toLowerCase(Locale.ROOT))).findFirst();
    }

    public boolean forwarding() {
        return this == AGENT_FORWARDING || this == PORT_FORWARDING || this == X11_FORWARDING;
    }
}
