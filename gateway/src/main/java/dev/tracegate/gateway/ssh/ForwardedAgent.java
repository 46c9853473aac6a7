package dev.tracegate.gateway.ssh;

import java.io.IOException;
import java.util.List;
import org.apache.sshd.agent.SshAgent;
import org.apache.sshd.agent.SshAgentFactory;
import org.apache.sshd.agent.SshAgentServer;
import org.apache.sshd.agent.local.AgentImpl;
import org.apache.sshd.agent.local.AgentServerProxy;
import org.apache.sshd.agent.local.ChannelAgentForwardingFactory;
import org.apache.sshd.common.FactoryManager;
import org.apache.sshd.common.channel.ChannelFactory;
import org.apache.sshd.common.session.ConnectionService;
import org.apache.sshd.common.session.Session;

/**
 * Agent forwarding through the gateway, once {@link SshForwardingPolicy} allowed it for a
 * caller's session. On the caller's side (the listener's agent factory) the session gets a proxy
 * of the caller's agent, which reaches it over an {@code auth-agent@openssh.com} channel the
 * gateway opens to the caller's ssh; an exec or shell asked with {@code -A} asks the host for
 * agent forwarding in turn. On the host's side (the gateway's SSH client's agent factory) each
 * {@code auth-agent@openssh.com} channel the host opens is answered by that proxy: the host's
 * {@code ssh-add -l} or onward {@code ssh} talks to the caller's agent, and the gateway never
 * holds a key. A host that opens an agent channel for a session whose caller was not allowed one
 * is refused.
 */
final class ForwardedAgent {

    private ForwardedAgent() {
    }

    /** The listener's agent factory: a proxy of the caller's agent per session that policy allowed one. */
    static SshAgentFactory callerSide() {
        return new SshAgentFactory() {
            @Override
            public List<ChannelFactory> getChannelForwardingFactories(FactoryManager manager) {
                return List.of(); // callers never open agent channels to the gateway
            }

            @Override
            public SshAgent createClient(Session session, FactoryManager manager) throws IOException {
                throw new IOException("the gateway has no agent of its own");
            }

            @Override
            public SshAgentServer createServer(ConnectionService service) throws IOException {
                SshCaller caller = service.getSession().getAttribute(SshCaller.KEY);
                if (caller == null) {
                    throw new IOException("agent forwarding before sign-in");
                }
                AgentServerProxy proxy = new AgentServerProxy(service);
                caller.forwardAgent(proxy);
                return proxy;
            }
        };
    }

    /** The gateway's SSH client's agent factory: a host's agent channel is answered by its caller's agent. */
    static SshAgentFactory hostSide() {
        return new SshAgentFactory() {
            @Override
            public List<ChannelFactory> getChannelForwardingFactories(FactoryManager manager) {
                return List.of(ChannelAgentForwardingFactory.OPENSSH);
            }

            @Override
            public SshAgent createClient(Session session, FactoryManager manager) throws IOException {
                if (!session.isAuthenticated()) {
                    // MINA's public key sign-in asks the agent for keys too: the gateway signs in to
                    // the host with the held credential only, never with a caller's keys.
                    return new AgentImpl();
                }
                SshCaller caller = session.getAttribute(SshCaller.KEY);
                AgentServerProxy agent = caller == null ? null : caller.agent();
                if (agent == null) {
                    throw new IOException("the caller's session was not allowed agent forwarding");
                }
                return agent.createClient();
            }

            @Override
            public SshAgentServer createServer(ConnectionService service) throws IOException {
                throw new IOException("hosts do not ask the gateway to forward an agent");
            }
        };
    }
}
