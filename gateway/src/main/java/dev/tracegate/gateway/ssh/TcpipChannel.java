package dev.tracegate.gateway.ssh;

import java.io.IOException;
import org.apache.sshd.client.channel.ChannelDirectTcpip;
import org.apache.sshd.common.channel.ChannelPipedInputStream;
import org.apache.sshd.common.session.ConnectionService;
import org.apache.sshd.common.util.net.SshdSocketAddress;

/**
 * The gateway's own end of a relayed TCP connection: a {@code direct-tcpip} channel it opens to the
 * host ({@code ssh -L}) or a {@code forwarded-tcpip} channel it opens to the caller
 * ({@code ssh -R}). Unlike MINA's {@link ChannelDirectTcpip}, the peer's EOF ends the channel's
 * input stream at once: OpenSSH half-closes (sends EOF, then waits for ours before it closes the
 * channel), so a relay that waited for the close would wait for ever.
 */
final class TcpipChannel extends ChannelDirectTcpip {

    private final String type;

    private TcpipChannel(String type, SshdSocketAddress originator, SshdSocketAddress target) {
        super(originator, target);
        this.type = type;
    }

    /** A channel of {@code type} on {@code connections}, not yet opened. */
    static TcpipChannel register(ConnectionService connections, String type, SshdSocketAddress originator,
            SshdSocketAddress target) throws IOException {
        TcpipChannel channel = new TcpipChannel(type, originator, target);
        connections.registerChannel(channel);
        return channel;
    }

    @Override
    public String getChannelType() {
        return type;
    }

    /** Bytes that arrive once the relay has closed this channel are dropped, as {@link ForwardedConnection} drops them. */
    @Override
    protected void doWriteData(byte[] data, int off, long len) throws IOException {
        try {
            super.doWriteData(data, off, len);
        } catch (IOException pipeEnded) {
            if (!isClosing()) {
                throw pipeEnded;
            }
        }
    }

    @Override
    public void handleEof() throws IOException {
        super.handleEof();
        if (getInvertedOut() instanceof ChannelPipedInputStream fromPeer) {
            fromPeer.eof();
        }
    }
}
