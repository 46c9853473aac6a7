package dev.tracegate.gateway.ssh;

import dev.tracegate.gateway.engine.Admission;
import dev.tracegate.gateway.evidence.EvidenceLogUnavailableException;
import dev.tracegate.gateway.recording.ResultRecord;
import dev.tracegate.policy.rules.SshOperation;
import dev.tracegate.policy.rules.SshRequestFacts;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.sshd.client.channel.ChannelDirectTcpip;
import org.apache.sshd.client.future.DefaultOpenFuture;
import org.apache.sshd.client.future.OpenFuture;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.channel.Channel;
import org.apache.sshd.common.channel.ChannelFactory;
import org.apache.sshd.common.channel.ChannelOutputStream;
import org.apache.sshd.common.channel.ChannelPipedInputStream;
import org.apache.sshd.common.channel.ChannelPipedOutputStream;
import org.apache.sshd.common.channel.exception.SshChannelOpenException;
import org.apache.sshd.common.session.ConnectionService;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.net.SshdSocketAddress;
import org.apache.sshd.server.channel.AbstractServerChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@code direct-tcpip} channel ({@code ssh -L}): a TCP connection the caller asks to open from
 * the host to {@code host:port}. It is decided as {@code port-forwarding host:port} (a
 * {@code command} event, write-ahead; off unless a rule allows it), then opened as a
 * {@code direct-tcpip} channel of the upstream session, so the connection starts on the host, as
 * it would without the gateway, and the host's own {@code AllowTcpForwarding} still applies.
 * Bytes are relayed both ways and counted; the result records how many, not what (the bytes are
 * another protocol, often encrypted). A refusal answers the channel open with
 * "administratively prohibited", which ssh prints.
 */
final class ForwardedConnection extends AbstractServerChannel {

    static final String TYPE = "direct-tcpip";
    /** A connection the host accepted on a port a caller's {@code ssh -R} has it listen on. */
    static final String FROM_HOST_TYPE = "forwarded-tcpip";
    /** A host name or address as a rule's {@code command} pattern can be written against: nothing else is opened. */
    private static final java.util.regex.Pattern HOST = java.util.regex.Pattern.compile("[A-Za-z0-9._:-]{1,253}");
    private static final Logger LOG = LoggerFactory.getLogger(ForwardedConnection.class);

    private final SshListenerContext context;
    private final boolean fromHost;
    private ChannelPipedInputStream fromCaller;
    private OutputStream intoPipe;
    private volatile ChannelDirectTcpip upstream;

    /**
     * @param fromHost {@code false}: a caller's {@code direct-tcpip} channel ({@code -L}), opened
     *                 on to the host; {@code true}: the host's {@code forwarded-tcpip} channel for a
     *                 port a caller's {@code -R} listens on, opened on to the caller
     */
    ForwardedConnection(SshListenerContext context, boolean fromHost) {
        super("", List.of(), null);
        this.context = context;
        this.fromHost = fromHost;
    }

    /** Makes the channels a caller opens ({@code direct-tcpip}) or, with {@code fromHost}, the host opens ({@code forwarded-tcpip}). */
    static ChannelFactory factory(SshListenerContext context, boolean fromHost) {
        return new ChannelFactory() {
            @Override
            public String getName() {
                return fromHost ? FROM_HOST_TYPE : TYPE;
            }

            @Override
            public Channel createChannel(Session session) {
                return new ForwardedConnection(context, fromHost);
            }
        };
    }

    /** Whether a forwarding target is a host name or address and a port a rule's pattern can be written against. */
    static boolean isHostAndPort(String host, long port, boolean anyPort) {
        return HOST.matcher(host).matches() && port >= (anyPort ? 0 : 1) && port <= 65_535;
    }

    @Override
    protected OpenFuture doInit(Buffer buffer) {
        String host = buffer.getString();
        int port = buffer.getInt();
        String originator = buffer.getString();
        int originatorPort = buffer.getInt();
        DefaultOpenFuture opened = new DefaultOpenFuture(this, this);
        fromCaller = new ChannelPipedInputStream(this, getLocalWindow());
        intoPipe = new ChannelPipedOutputStream(fromCaller);
        SshCaller caller = getSession().getAttribute(SshCaller.KEY);
        Thread.ofVirtual().name("ssh-forward-" + getChannelId()).start(() ->
                open(caller, opened, new SshdSocketAddress(host, port), new SshdSocketAddress(originator, originatorPort)));
        return opened;
    }

    private void open(SshCaller caller, DefaultOpenFuture opened, SshdSocketAddress target, SshdSocketAddress originator) {
        String where = target.getHostName() + ":" + target.getPort();
        SshRequestFacts facts = SshRequestFacts.forwarding(SshOperation.PORT_FORWARDING, (fromHost ? "remote " : "") + where);
        if (caller == null) {
            fail(opened, SshConstants.SSH_OPEN_ADMINISTRATIVELY_PROHIBITED, "tracegate: no caller");
            return;
        }
        if (!isHostAndPort(target.getHostName(), target.getPort(), false)) {
            // Fail closed: a target with spaces, line breaks or odd characters could read differently to a
            // rule's pattern than to the host's resolver.
            context.gate().refuse(caller, "forward", facts, "not a host name and port");
            fail(opened, SshConstants.SSH_OPEN_ADMINISTRATIVELY_PROHIBITED, "tracegate: not a host name and port");
            return;
        }
        if (fromHost && !caller.isListeningOnHost(where)) {
            context.gate().refuse(caller, "forward", facts, "the caller asked for no remote forwarding there");
            fail(opened, SshConstants.SSH_OPEN_ADMINISTRATIVELY_PROHIBITED, "tracegate: no remote forwarding there");
            return;
        }
        long seq = caller.nextSequence();
        try {
            Admission admission = context.gate().admit(caller, seq, "forward", facts, notice -> LOG.debug("{}", notice));
            if (admission instanceof Admission.Refused refused) {
                fail(opened, SshConstants.SSH_OPEN_ADMINISTRATIVELY_PROHIBITED, "tracegate: " + SshRequestGate.refusal(refused));
                return;
            }
            ChannelDirectTcpip channel = fromHost ? toCaller(caller, originator, target)
                    : toHost(caller, context.hosts(), originator, target);
            upstream = channel;
            channel.open().verify(Duration.ofSeconds(15));
            // The confirmation goes out on this signal (MINA's connection service listens for it).
            signalChannelOpenSuccess();
            opened.setOpened();
            relay(caller, seq, channel);
        } catch (EvidenceLogUnavailableException e) {
            fail(opened, SshConstants.SSH_OPEN_ADMINISTRATIVELY_PROHIBITED, "tracegate: the evidence log cannot record the request");
        } catch (IOException | RuntimeException e) {
            LOG.debug("forwarding to {} failed", target, e);
            caller.recorder().result(new ResultRecord(seq, "error", List.of("not connected"), 0, 0, null,
                    "the host did not open the connection: " + e.getMessage()));
            fail(opened, SshConstants.SSH_OPEN_CONNECT_FAILED, "tracegate: the host did not open the connection to " + target);
        }
    }

    /** The caller's end of a connection the host accepted, as a {@code forwarded-tcpip} channel (same fields as {@code direct-tcpip}). */
    private static ChannelDirectTcpip toCaller(SshCaller caller, SshdSocketAddress originator, SshdSocketAddress target)
            throws IOException {
        ConnectionService connections = caller.callerConnections();
        if (connections == null) {
            throw new IOException("the caller's session has no remote forwarding");
        }
        return TcpipChannel.register(connections, FROM_HOST_TYPE, originator, target);
    }

    /** The host's end of a connection the caller asked for ({@code -L}). */
    private static ChannelDirectTcpip toHost(SshCaller caller, UpstreamHosts hosts, SshdSocketAddress originator,
            SshdSocketAddress target) throws IOException {
        return TcpipChannel.register(caller.upstream(hosts).getService(ConnectionService.class), TYPE, originator, target);
    }

    /**
     * Fails the channel open with {@code reason} (ssh prints "open failed: administratively
     * prohibited"); MINA sends its own generic text rather than {@code message}, which stays in
     * the evidence and the debug log.
     */
    private void fail(DefaultOpenFuture opened, int reason, String message) {
        SshChannelOpenException refusal = new SshChannelOpenException(getChannelId(), reason, message);
        signalChannelOpenFailure(refusal);
        try {
            opened.setException(refusal);
        } finally {
            close(true);
        }
    }

    /** Both directions until either side ends, then one {@code command.result} with the byte counts. */
    private void relay(SshCaller caller, long seq, ChannelDirectTcpip channel) {
        long started = System.nanoTime();
        AtomicLong sent = new AtomicLong();
        AtomicLong received = new AtomicLong();
        OutputStream toCaller = new ChannelOutputStream(this, getRemoteWindow(), LOG, SshConstants.SSH_MSG_CHANNEL_DATA, true);
        Thread up = Thread.ofVirtual().start(() -> pump(fromCaller, channel.getInvertedIn(), sent));
        pump(channel.getInvertedOut(), toCaller, received);
        try {
            up.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // This channel's peer is the caller for -L and the host for -R: the tags name the host's side either way.
        long toHost = fromHost ? received.get() : sent.get();
        long fromHostBytes = fromHost ? sent.get() : received.get();
        caller.recorder().result(new ResultRecord(seq, "ok", List.of("bytes to host " + toHost,
                "bytes from host " + fromHostBytes), 0, (System.nanoTime() - started) / 1000, null, null));
        channel.close(false);
        close(false);
    }

    /** Copies until end of stream, then closes {@code to} (an EOF for the other side). */
    private static void pump(InputStream from, OutputStream to, AtomicLong count) {
        byte[] buffer = new byte[32 * 1024];
        try (to) {
            for (int n; (n = from.read(buffer)) >= 0; ) {
                to.write(buffer, 0, n);
                to.flush();
                count.addAndGet(n);
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("forwarded connection ended: {}", e.toString());
        }
        LOG.debug("relayed {} bytes from {} to {}", count.get(), from, to);
    }

    @Override
    protected void doWriteData(byte[] data, int off, long len) throws IOException {
        try {
            intoPipe.write(data, off, (int) len);
        } catch (IOException pipeEnded) {
            if (!isClosing()) {
                throw pipeEnded;
            }
            // The relay ended and this channel is closing; bytes the peer sent before it saw our close are dropped.
            // Thrown at MINA they would end the whole SSH session: all the caller's channels for -L, or for -R
            // the host's session with every port the caller has it listen on.
            LOG.debug("dropped {} bytes that arrived on a closing forwarded connection", len);
        }
    }

    @Override
    protected void doWriteExtendedData(byte[] data, int off, long len) throws IOException {
        throw new IOException("a forwarded connection has no extended data");
    }

    @Override
    public void handleEof() throws IOException {
        super.handleEof();
        intoPipe.close();
    }

    @Override
    protected void preClose() {
        ChannelDirectTcpip relayed = upstream;
        if (relayed != null) {
            relayed.close(false);
        }
        if (fromCaller != null) {
            fromCaller.eof();
        }
        super.preClose();
    }
}
