package dev.tracegate.gateway.ssh;

import dev.tracegate.gateway.engine.Admission;
import dev.tracegate.gateway.evidence.EvidenceLogUnavailableException;
import dev.tracegate.gateway.guard.Ruling;
import dev.tracegate.policy.rules.Action;
import dev.tracegate.policy.rules.SshOperation;
import dev.tracegate.policy.rules.SshRequestFacts;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.util.net.SshdSocketAddress;
import org.apache.sshd.server.forward.ForwardingFilter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MINA's forwarding filter. Agent forwarding ({@code ssh -A}) is decided by policy, as
 * {@code agent-forwarding} (class {@code dangerous_admin}: off unless a rule allows it), and
 * relayed by {@link ForwardedAgent} when allowed. X11 ({@code -X}) is refused whatever the
 * policy says (the gateway does not relay it). Remote forwarding ({@code -R}) is decided by
 * {@link RemoteForwardRequests} before MINA would ask {@link #canListen}, which refuses, should
 * anything reach it. Every decision is recorded. Local forwarding is not decided here but by {@link ForwardedConnection},
 * which MINA's own forwarding never reaches.
 */
final class SshForwardingPolicy implements ForwardingFilter {

    private static final Logger LOG = LoggerFactory.getLogger(SshForwardingPolicy.class);

    private final SshRequestGate gate;

    SshForwardingPolicy(SshRequestGate gate) {
        this.gate = gate;
    }

    /**
     * Asked once per session channel that requests it; MINA then asks the listener's agent factory
     * ({@link ForwardedAgent}) for the session's proxy of the caller's agent. An {@code approve}
     * rule cannot hold the request (it arrives before the command it is for, on MINA's I/O
     * thread), so it is refused, and says why.
     */
    @Override
    public boolean canForwardAgent(Session session, String requestType) {
        SshCaller caller = session.getAttribute(SshCaller.KEY);
        if (caller == null) {
            return false;
        }
        SshRequestFacts facts = SshRequestFacts.forwarding(SshOperation.AGENT_FORWARDING, null);
        Ruling ruling = gate.decide(caller, facts);
        if (ruling.decision().action() == Action.APPROVE) {
            gate.refuse(caller, "forward", facts, "agent forwarding cannot wait for approval: a rule must allow it");
            return false;
        }
        try {
            return gate.admit(caller, caller.nextSequence(), "forward", facts, ruling, LOG::debug) instanceof Admission.Forward;
        } catch (EvidenceLogUnavailableException e) {
            return false;
        }
    }

    @Override
    public boolean canForwardX11(Session session, String requestType) {
        return refuse(session, SshOperation.X11_FORWARDING, null);
    }

    @Override
    public boolean canListen(SshdSocketAddress address, Session session) {
        return refuse(session, SshOperation.PORT_FORWARDING, "remote " + address.getHostName() + ":" + address.getPort());
    }

    @Override
    public boolean canConnect(Type type, SshdSocketAddress address, Session session) {
        return false;
    }

    private boolean refuse(Session session, SshOperation operation, String target) {
        SshCaller caller = session.getAttribute(SshCaller.KEY);
        if (caller != null) {
            gate.refuseUnrelayed(caller, "forward", SshRequestFacts.forwarding(operation, target));
        }
        return false;
    }
}
