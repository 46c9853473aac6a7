package dev.tracegate.gateway.ssh;

import dev.tracegate.policy.rules.SshOperation;
import dev.tracegate.policy.rules.SshRequestFacts;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.util.net.SshdSocketAddress;
import org.apache.sshd.server.forward.ForwardingFilter;

/**
 * MINA's forwarding filter: agent forwarding ({@code ssh -A}), X11 ({@code -X}) and remote
 * forwarding ({@code -R}) are refused whatever the policy says (the gateway does not relay them),
 * and each refusal is recorded ({@link SshRequestGate#refuseUnrelayed}). Local forwarding is not
 * decided here but by {@link ForwardedConnection}, which MINA's own forwarding never reaches.
 */
final class UnrelayedForwarding implements ForwardingFilter {

    private final SshRequestGate gate;

    UnrelayedForwarding(SshRequestGate gate) {
        this.gate = gate;
    }

    @Override
    public boolean canForwardAgent(Session session, String requestType) {
        return refuse(session, SshOperation.AGENT_FORWARDING, null);
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
