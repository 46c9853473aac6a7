package dev.tracegate.gateway.ssh;

import dev.tracegate.gateway.engine.Admission;
import dev.tracegate.gateway.evidence.EvidenceLogUnavailableException;
import dev.tracegate.gateway.guard.Ruling;
import dev.tracegate.gateway.recording.ResultRecord;
import dev.tracegate.policy.rules.Action;
import dev.tracegate.policy.rules.SshOperation;
import dev.tracegate.policy.rules.SshRequestFacts;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.session.ConnectionService;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.helpers.AbstractConnectionServiceRequestHandler;
import org.apache.sshd.common.util.buffer.Buffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Remote forwarding ({@code ssh -R}): the caller's {@code tcpip-forward} request, decided by policy
 * as {@code port-forwarding remote ADDRESS:PORT} (class {@code dangerous_admin}: off unless a rule
 * allows it; an {@code approve} rule is refused, since ssh does not wait), then made of the host,
 * so the port listens <b>on the host</b>, as without the gateway. Connections the host accepts on
 * it come back as {@code forwarded-tcpip} channels, relayed to the caller by
 * {@link ForwardedConnection}. {@code cancel-tcpip-forward} is passed on for a port the caller
 * holds. Replaces MINA's own handlers, which would listen on the gateway.
 */
final class RemoteForwardRequests extends AbstractConnectionServiceRequestHandler {

    static final String FORWARD = "tcpip-forward";
    static final String CANCEL = "cancel-tcpip-forward";
    private static final Duration HOST_ANSWER = Duration.ofSeconds(15);
    private static final Logger LOG = LoggerFactory.getLogger(RemoteForwardRequests.class);

    private final SshListenerContext context;

    RemoteForwardRequests(SshListenerContext context) {
        this.context = context;
    }

    @Override
    public Result process(ConnectionService service, String request, boolean wantReply, Buffer buffer) throws Exception {
        if (!FORWARD.equals(request) && !CANCEL.equals(request)) {
            return Result.Unsupported;
        }
        Session session = service.getSession();
        SshCaller caller = session.getAttribute(SshCaller.KEY);
        String address = buffer.getString();
        long port = buffer.getUInt();
        if (caller == null) {
            return Result.ReplyFailure;
        }
        String target = address + ":" + port;
        if (CANCEL.equals(request)) {
            return cancel(caller, address, port) ? Result.ReplySuccess : Result.ReplyFailure;
        }
        SshRequestFacts facts = SshRequestFacts.forwarding(SshOperation.PORT_FORWARDING, "remote " + target);
        if (!ForwardedConnection.isHostAndPort(address, port, true)) {
            context.gate().refuse(caller, "forward", facts, "not a host name and port");
            return Result.ReplyFailure;
        }
        Ruling ruling = context.gate().decide(caller, facts);
        if (ruling.decision().action() == Action.APPROVE) {
            context.gate().refuse(caller, "forward", facts, "remote forwarding cannot wait for approval: a rule must allow it");
            return Result.ReplyFailure;
        }
        long seq = caller.nextSequence();
        try {
            if (!(context.gate().admit(caller, seq, "forward", facts, ruling, LOG::debug) instanceof Admission.Forward)) {
                return Result.ReplyFailure;
            }
        } catch (EvidenceLogUnavailableException e) {
            return Result.ReplyFailure;
        }
        // Known before the host listens, so a connection the host accepts at once is not taken for one nobody asked for.
        boolean added = port != 0 && caller.listeningOnHost(target, service);
        Long bound = listenOnHost(caller, address, port);
        if (bound == null) {
            if (added) {
                caller.stopListeningOnHost(target);
            }
            caller.recorder().result(new ResultRecord(seq, "error", List.of("not listening"), 0, 0, null,
                    "the host refused to listen on " + target));
            return Result.ReplyFailure;
        }
        caller.listeningOnHost(address + ":" + bound, service);
        caller.recorder().result(new ResultRecord(seq, "ok", List.of("listening on the host at " + address + ":" + bound),
                0, 0, null, null));
        if (wantReply) {
            Buffer reply = session.createBuffer(SshConstants.SSH_MSG_REQUEST_SUCCESS, 8);
            if (port == 0) {
                reply.putUInt(bound);
            }
            session.writePacket(reply);
        }
        return Result.Replied;
    }

    /** The port the host listens on, or {@code null} when it would not. */
    private Long listenOnHost(SshCaller caller, String address, long port) {
        try {
            ClientSession upstream = caller.upstream(context.hosts());
            Buffer reply = upstream.request(FORWARD, hostRequest(upstream, FORWARD, address, port), HOST_ANSWER);
            if (reply == null) {
                return null;
            }
            return port == 0 ? reply.getUInt() : port;
        } catch (IOException | RuntimeException e) {
            LOG.debug("remote forwarding {}:{} failed: {}", address, port, e.toString());
            return null;
        }
    }

    private boolean cancel(SshCaller caller, String address, long port) {
        if (!caller.stopListeningOnHost(address + ":" + port)) {
            return false;
        }
        try {
            ClientSession upstream = caller.upstream(context.hosts());
            return upstream.request(CANCEL, hostRequest(upstream, CANCEL, address, port), HOST_ANSWER) != null;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static Buffer hostRequest(ClientSession upstream, String request, String address, long port) {
        Buffer buffer = upstream.createBuffer(SshConstants.SSH_MSG_GLOBAL_REQUEST, 64);
        buffer.putString(request);
        buffer.putBoolean(true);
        buffer.putString(address);
        buffer.putUInt(port);
        return buffer;
    }
}
