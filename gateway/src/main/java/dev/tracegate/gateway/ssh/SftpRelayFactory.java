package dev.tracegate.gateway.ssh;

import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.apache.sshd.server.subsystem.SubsystemFactory;

/** The {@code sftp} subsystem (sftp, and scp since OpenSSH 9.0), relayed with each file operation inspected. */
final class SftpRelayFactory implements SubsystemFactory {

    /** The subsystem's name, the only one the gateway relays. */
    static final String NAME = "sftp";

    private final SshListenerContext context;

    SftpRelayFactory(SshListenerContext context) {
        this.context = context;
    }

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public Command createSubsystem(ChannelSession channel) {
        return new SftpRelay(context);
    }
}
