package dev.tracegate.gateway.ssh;

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
 * what the PTY request or agent forwarding set.
 */
final class SessionChannel extends ChannelSession {

    /** Makes the {@code session} channels of the gateway's listener. */
    static final ChannelFactory FACTORY = new ChannelFactory() {
        @Override
        public String getName() {
            return "session";
        }

        @Override
        public Channel createChannel(Session session) {
            return new SessionChannel();
        }
    };

    private static final Logger LOG = LoggerFactory.getLogger(SessionChannel.class);

    private final RequestedEnvironment requestedEnvironment = new RequestedEnvironment();

    /** The variables the caller asked for on {@code channel} (none on a channel that is not the gateway's). */
    static RequestedEnvironment requestedEnvironment(ChannelSession channel) {
        return channel instanceof SessionChannel ours ? ours.requestedEnvironment : new RequestedEnvironment();
    }

    @Override
    protected RequestHandler.Result handleEnvParsed(String name, String value) {
        return requestedEnvironment.add(name, value) ? RequestHandler.Result.ReplySuccess : RequestHandler.Result.ReplyFailure;
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
