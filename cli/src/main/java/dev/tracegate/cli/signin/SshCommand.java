package dev.tracegate.cli.signin;

import picocli.CommandLine.Command;

/** {@code tracegate ssh ...}: signing in to the gateway's SSH listener. */
@Command(name = "ssh", mixinStandardHelpOptions = true, subcommands = SshLoginCommand.class,
        description = "SSH through the gateway: short-lived certificates for ssh, scp and sftp (docs/ssh.md).")
public final class SshCommand {
}
