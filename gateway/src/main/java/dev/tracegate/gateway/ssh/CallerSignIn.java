package dev.tracegate.gateway.ssh;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tracegate.gateway.config.SshConnectionConfig;
import dev.tracegate.gateway.engine.EngineServices;
import dev.tracegate.gateway.engine.LimitReachedException;
import dev.tracegate.gateway.engine.SessionPlace;
import dev.tracegate.gateway.engine.SignedInCaller;
import dev.tracegate.gateway.evidence.AuthFailure;
import dev.tracegate.gateway.evidence.EvidenceEvent;
import dev.tracegate.gateway.evidence.SourceAddress;
import dev.tracegate.gateway.identity.CredentialRef;
import dev.tracegate.gateway.identity.Identity;
import dev.tracegate.gateway.identity.SignIn;
import dev.tracegate.gateway.recording.SessionInfo;
import dev.tracegate.gateway.recording.SessionRecorder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.server.session.ServerSession;

/**
 * How a caller becomes known on an SSH session, whichever method proved it: the method's
 * authenticator names the identity ({@link #proved}); once MINA says the session is
 * authenticated, the evidence session opens ({@link #authenticated}). MINA may ask an
 * authenticator more than once per attempt (publickey asks before and after the signature), so
 * nothing is recorded until the end.
 */
final class CallerSignIn {

    private static final AttributeKey<Proved> PROVED = new AttributeKey<>();
    private static final String HOW = "how";

    /**
     * @param keyFingerprint the SHA-256 fingerprint of the key that signed in (a certificate's key, a
     *                       service account's registered key), or null
     * @param keyId          the service-account key id of a registered key, or null
     */
    private record Proved(SignedInCaller caller, SshConnectionConfig connection, String method, String keyFingerprint,
                          String keyId) {
    }

    private final EngineServices services;

    CallerSignIn(EngineServices services) {
        this.services = services;
    }

    /** The SSH connection the user name names, if any. */
    Optional<SshConnectionConfig> connection(String username) {
        return services.connection(username, SshConnectionConfig.class);
    }

    void proved(ServerSession session, SignedInCaller caller, SshConnectionConfig connection, String method) {
        proved(session, caller, connection, method, null, null);
    }

    void proved(ServerSession session, SignedInCaller caller, SshConnectionConfig connection, String method,
                String keyFingerprint, String keyId) {
        session.setAttribute(PROVED, new Proved(caller, connection, method, keyFingerprint, keyId));
    }

    /** The caller a service account's SSH key signed in, keeping the key to check before each command. */
    SignedInCaller caller(SignIn signIn) {
        return services.admission().signedIn(signIn);
    }

    /**
     * The caller a certificate stands for, keeping the key its sign-in began with (null for none), the
     * console session it was signed through (null for none) and the certificate's end, which the
     * sign-in's bounds.
     */
    SignedInCaller caller(Identity identity, CredentialRef key, CredentialRef console, Instant validBefore) {
        return services.admission().signedIn(identity, key, console, validBefore);
    }

    /** A refused credential, as an {@code auth.failure} like on every listener. */
    void refused(ServerSession session, String connection, String reason) {
        services.evidence().authFailures().refused(failure(session, connection, reason));
    }

    AuthFailure failure(ServerSession session, String connection, String reason) {
        return new AuthFailure(SourceAddress.parse(host(session.getClientAddress())), SshEngine.PROTOCOL,
                address(session.getClientAddress()), reason, Map.of("connection", connection));
    }

    /** The caller is known: its evidence session opens, and its channels find it on the SSH session. */
    void authenticated(ServerSession session) {
        Proved proved = session.removeAttribute(PROVED);
        if (proved == null || session.getAttribute(SshCaller.KEY) != null) {
            return;
        }
        SshConnectionConfig connection = proved.connection();
        Identity identity = proved.caller().identity();
        EvidenceEvent.Resource resource = new EvidenceEvent.Resource(connection.name(), SshEngine.PROTOCOL, connection.target());
        SessionPlace place;
        try {
            place = services.admission().admit(identity, SourceAddress.parse(host(session.getClientAddress())), resource);
        } catch (LimitReachedException e) {
            disconnect(session, "too many sessions: " + e.getMessage());
            return;
        }
        SessionRecorder recorder = new SessionRecorder(services.evidence(), new SessionInfo(UUID.randomUUID().toString(),
                identity, address(session.getClientAddress()), resource, connection.name(),
                session.getClientVersion(), null, proved.caller().key()));
        ObjectNode detail = EvidenceEvent.newDetail();
        detail.put("client_version", session.getClientVersion());
        detail.put(HOW, proved.method());
        if (proved.keyFingerprint() != null) {
            detail.put("key_fingerprint", proved.keyFingerprint());
        }
        if (proved.keyId() != null) {
            detail.put("key_id", proved.keyId());
        }
        recorder.opened(detail);
        SshCaller caller = new SshCaller(identity, connection, recorder, place, session);
        session.setAttribute(SshCaller.KEY, caller);
        caller.endWhenRevoked(proved.caller().key());
    }

    /** Ends the SSH session, telling the client why in the disconnect message it prints. */
    private static void disconnect(ServerSession session, String why) {
        try {
            session.disconnect(SshConstants.SSH2_DISCONNECT_TOO_MANY_CONNECTIONS, why);
        } catch (IOException e) {
            session.close(true);
        }
    }

    private static String address(SocketAddress address) {
        return address instanceof InetSocketAddress inet
                ? inet.getAddress().getHostAddress() + ":" + inet.getPort() : String.valueOf(address);
    }

    private static String host(SocketAddress address) {
        return address instanceof InetSocketAddress inet ? inet.getAddress().getHostAddress() : null;
    }
}
