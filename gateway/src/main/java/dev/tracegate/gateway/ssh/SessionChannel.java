package dev.tracegate.gateway.ssh;

import dev.tracegate.policy.rules.SshRequestFacts;
import java.io.IOException;
import org.apache.sshd.common.channel.Channel;
import org.apache.sshd.common.channel.ChannelFactory;
import org.apache.sshd.common.channel.RequestHandler;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.server.channel.ChannelSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MINA's session channel (shell, exec, sftp), except that the caller's input arriving after the
 * command has stopped reading it (its input closed: a command that ended, an sftp relay that
 * refused a packet) is dropped. MINA throws it from the pipe, and an exception while a message is
 * handled ends the whole SSH session: every other channel and forward of the caller with it.
 * Its {@code env} requests are kept aside for the seam ({@link RequestedEnvironment}) instead of
 * MINA's environment, where a variable named {@code TERM} or {@code SSH_AUTH_SOCK} would pass for
 * what the PTY request or agent forwarding set. A subsystem other than sftp is refused and recorded.
 */
final class SessionChannel extends ChannelSession {

    private static final Logger LOG = LoggerFactory.getLogger(SessionChannel.class);

    /** Makes the {@code session} channels of the gateway's listener, whose refusals go through {@code gate}. */
    static ChannelFactory factory(SshRequestGate gate) {
        return new ChannelFactory() {
            @Override
            public String getName() {
                return "session";
            }

            @Override
            public Channel createChannel(Session session) {
                return new SessionChannel(gate);
            }
        };
    }

    private final SshRequestGate gate;
    private final RequestedEnvironment requestedEnvironment = new RequestedEnvironment();

    private SessionChannel(SshRequestGate gate) {
        this.gate = gate;
    }

    /** The variables the caller asked for on {@code channel} (none on a channel that is not the gateway's). */
    static RequestedEnvironment requestedEnvironment(ChannelSession channel) {
        return channel instanceof SessionChannel ours ? ours.requestedEnvironment : new RequestedEnvironment();
    }

    @Override
    protected RequestHandler.Result handleEnvParsed(String name, String value) {
        return requestedEnvironment.add(name, value) ? RequestHandler.Result.ReplySuccess : RequestHandler.Result.ReplyFailure;
    }

    /**
     * A subsystem other than sftp is refused, as MINA refuses a name it has no factory for, and
     * recorded: the request ({@code subsystem NAME}, with the rule that would have decided it), its
     * refusal and why, and the environment variables asked for with it, refused with it. MINA
     * refused them without a trace.
     */
    @Override
    protected RequestHandler.Result handleSubsystemParsed(String request, String subsystem) throws IOException {
        if (SftpRelayFactory.NAME.equals(subsystem)) {
            return super.handleSubsystemParsed(request, subsystem);
        }
        SshCaller caller = getSession().getAttribute(SshCaller.KEY);
        if (caller != null) {
            String reason = "the gateway relays no subsystem but " + SftpRelayFactory.NAME;
            for (SshRequestFacts variable : requestedEnvironment.start()) {
                gate.refuse(caller, "env", variable, "refused with the subsystem it was asked for: " + reason);
            }
            gate.refuse(caller, "subsystem", SshRequestFacts.subsystem(subsystem), reason);
        }
        return RequestHandler.Result.ReplyFailure;
    }

    @Override
    protected void doWriteData(byte[] data, int off, long len) throws IOException {
        try {
            super.doWriteData(data, off, len);
        } catch (IOException inputClosed) {
            LOG.debug("dropped {} bytes of input the command no longer reads: {}", len, inputClosed.toString());
        }
    }
}
