package dev.tracegate.gateway.ssh;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tracegate.gateway.config.SshConnectionConfig;
import dev.tracegate.gateway.engine.EngineServices;
import dev.tracegate.gateway.evidence.AuthFailure;
import dev.tracegate.gateway.evidence.EvidenceEvent;
import dev.tracegate.gateway.evidence.SourceAddress;
import dev.tracegate.gateway.identity.AuthenticationException;
import dev.tracegate.gateway.identity.Identity;
import dev.tracegate.gateway.recording.SessionInfo;
import dev.tracegate.gateway.recording.SessionRecorder;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.sshd.server.auth.keyboard.InteractiveChallenge;
import org.apache.sshd.server.auth.keyboard.KeyboardInteractiveAuthenticator;
import org.apache.sshd.server.session.ServerSession;

/**
 * Keyboard-interactive sign-in with a gateway credential (a gateway token, a service-account key,
 * an API key or an OIDC token: whatever the {@code IdentityVerifier} accepts), for the connection
 * the SSH user name names. A refused credential is an {@code auth.failure}; an accepted one opens
 * the evidence session.
 */
final class GatewayTokenChallenge implements KeyboardInteractiveAuthenticator {

    static final String PROMPT = "Tracegate token: ";

    private final EngineServices services;

    GatewayTokenChallenge(EngineServices services) {
        this.services = services;
    }

    @Override
    public InteractiveChallenge generateChallenge(ServerSession session, String username, String lang, String subMethods) {
        InteractiveChallenge challenge = new InteractiveChallenge();
        challenge.setInteractionName("Tracegate");
        challenge.setInteractionInstruction("");
        challenge.addPrompt(PROMPT, false);
        return challenge;
    }

    @Override
    public boolean authenticate(ServerSession session, String username, List<String> responses) {
        Optional<SshConnectionConfig> connection = services.connection(username, SshConnectionConfig.class);
        if (responses.size() != 1 || connection.isEmpty()) {
            return false;
        }
        String remote = address(session.getClientAddress());
        Identity identity;
        try {
            identity = services.admission().authenticate(responses.getFirst().strip(), reason -> new AuthFailure(
                    SourceAddress.parse(host(session.getClientAddress())), SshEngine.PROTOCOL, remote, reason,
                    Map.of("connection", connection.get().name())));
        } catch (AuthenticationException e) {
            return false;
        }
        admitted(session, identity, connection.get(), remote);
        return true;
    }

    /** The caller is known: its evidence session opens, and its channels find it on the SSH session. */
    private void admitted(ServerSession session, Identity identity, SshConnectionConfig connection, String remote) {
        SessionRecorder recorder = new SessionRecorder(services.evidence(), new SessionInfo(UUID.randomUUID().toString(), identity, remote,
                new EvidenceEvent.Resource(connection.name(), SshEngine.PROTOCOL, connection.target()), connection.name(),
                session.getClientVersion()));
        ObjectNode detail = EvidenceEvent.newDetail();
        detail.put("client_version", session.getClientVersion());
        recorder.opened(detail);
        SshCaller previous = session.setAttribute(SshCaller.KEY, new SshCaller(identity, connection, recorder));
        if (previous != null) {
            previous.close("signed in again");
        }
    }

    static String address(SocketAddress address) {
        return address instanceof InetSocketAddress inet
                ? inet.getAddress().getHostAddress() + ":" + inet.getPort() : String.valueOf(address);
    }

    private static String host(SocketAddress address) {
        return address instanceof InetSocketAddress inet ? inet.getAddress().getHostAddress() : null;
    }
}
