package dev.tracegate.gateway.ssh;

import dev.tracegate.gateway.config.SshConnectionConfig;
import dev.tracegate.gateway.engine.CommandGate;
import dev.tracegate.gateway.engine.SessionPlace;
import dev.tracegate.gateway.identity.Identity;
import dev.tracegate.gateway.identity.KeyWatch;
import dev.tracegate.gateway.identity.SessionKey;
import dev.tracegate.gateway.recording.SessionRecorder;
import dev.tracegate.policy.rules.Subject;
import java.io.IOException;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.sshd.agent.local.AgentServerProxy;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.session.ConnectionService;
import org.apache.sshd.common.session.Session;

/**
 * One authenticated SSH session through the gateway: who the caller is, which host, its evidence
 * session, and the one upstream SSH session its channels share (opened with the first channel).
 */
final class SshCaller {

    static final AttributeKey<SshCaller> KEY = new AttributeKey<>();

    private final Identity identity;
    private final SshConnectionConfig connection;
    private final SessionRecorder recorder;
    private final SessionPlace place;
    private final Session session;
    private final AtomicLong sequence = new AtomicLong();
    private final CompletableFuture<String> closed = new CompletableFuture<>();
    private ClientSession upstream;
    /** The caller's agent, proxied, once policy allowed agent forwarding on this session. */
    private volatile AgentServerProxy agent;
    /** Watches the key the caller signed in with while channels run between requests; closed with the session. */
    private volatile KeyWatch keyWatch;
    /** Where the host listens for this caller ({@code ssh -R}), as {@code address:port}. */
    private final Set<String> listening = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** The caller's side of the SSH connection, to open {@code forwarded-tcpip} channels on. */
    private volatile ConnectionService callerConnections;

    /**
     * @param place   the session's place within the limits per caller, freed when it closes
     * @param session the caller's SSH session, which the gateway ends when its sign-in no longer stands
     */
    SshCaller(Identity identity, SshConnectionConfig connection, SessionRecorder recorder, SessionPlace place,
              Session session) {
        this.identity = identity;
        this.connection = connection;
        this.recorder = recorder;
        this.place = place;
        this.session = session;
    }

    Identity identity() {
        return identity;
    }

    SshConnectionConfig connection() {
        return connection;
    }

    SessionRecorder recorder() {
        return recorder;
    }

    Subject subject() {
        return new Subject(connection.name(), SshEngine.PROTOCOL, Set.copyOf(identity.groups()), identity.kind());
    }

    long nextSequence() {
        return sequence.incrementAndGet();
    }

    /** Completes with the reason when the caller's session ends (held requests are then withdrawn). */
    CompletableFuture<String> closed() {
        return closed;
    }

    /** The proxy of the caller's agent, or {@code null} when the session was not allowed agent forwarding. */
    AgentServerProxy agent() {
        return agent;
    }

    void forwardAgent(AgentServerProxy proxy) {
        agent = proxy;
    }

    /**
     * The host listens at {@code addressPort} for this caller; its connections are opened on {@code connections}.
     *
     * @return whether it was not listening there for this caller already
     */
    boolean listeningOnHost(String addressPort, ConnectionService connections) {
        callerConnections = connections;
        return listening.add(addressPort);
    }

    boolean isListeningOnHost(String addressPort) {
        return listening.contains(addressPort);
    }

    /** @return whether the host was listening there for this caller */
    boolean stopListeningOnHost(String addressPort) {
        return listening.remove(addressPort);
    }

    ConnectionService callerConnections() {
        return callerConnections;
    }

    /** The upstream session, logged in with the held credential on first use. */
    synchronized ClientSession upstream(UpstreamHosts hosts) throws IOException {
        if (closed.isDone()) {
            throw new IOException("the session has ended");
        }
        if (upstream == null || upstream.isClosing() || upstream.isClosed()) {
            upstream = hosts.connect(connection);
            upstream.setAttribute(KEY, this); // a host's agent channel finds its caller's agent through it
        }
        return upstream;
    }

    /**
     * Ends the session from the gateway's side (the key it signed in with no longer stands): the
     * evidence session closes with {@code reason} and the caller is disconnected with it, which an
     * OpenSSH client prints.
     */
    void end(String reason) {
        if (!closed.complete(reason)) {
            return;
        }
        // The disconnect goes out first: once the host's side is closed, the caller's channels close
        // and a client such as OpenSSH exits without reading why (a shell or a long command just ended).
        try {
            session.disconnect(SshConstants.SSH2_DISCONNECT_BY_APPLICATION, reason);
        } catch (IOException e) {
            session.close(true);
        }
        release(reason);
    }

    /**
     * Ends the whole session, with whatever runs in it (a shell, a long command, a forward, sftp),
     * once the key the caller signed in with no longer stands: keystrokes and forwarded bytes are
     * not requests, so the check before each request alone would let them run on.
     */
    void endWhenRevoked(SessionKey key) {
        keyWatch = key.watch(lapse -> end(CommandGate.lapsedReason(lapse)));
        if (closed.isDone()) {
            keyWatch.close();
        }
    }

    /** Ends the upstream session and the evidence session, once. */
    void close(String reason) {
        if (closed.complete(reason)) {
            release(reason);
        }
    }

    /** Closes what the session holds (the watch, the upstream session, the agent) and its evidence session. */
    private void release(String reason) {
        KeyWatch watch = keyWatch;
        if (watch != null) {
            watch.close();
        }
        synchronized (this) {
            if (upstream != null) {
                upstream.close(true);
            }
            if (agent != null) {
                try {
                    agent.close();
                } catch (IOException e) {
                    // its channel to the caller ends with the caller's session anyway
                }
            }
        }
        recorder.closed(reason);
        place.close();
    }
}
