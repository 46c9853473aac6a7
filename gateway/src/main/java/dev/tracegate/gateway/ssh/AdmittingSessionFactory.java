package dev.tracegate.gateway.ssh;

import org.apache.sshd.common.AttributeRepository;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.io.IoSession;
import org.apache.sshd.server.ServerFactoryManager;
import org.apache.sshd.server.session.ServerSessionImpl;
import org.apache.sshd.server.session.SessionFactory;

/**
 * Creates the SSH listener's sessions, and tells a connection the listener refused when it was
 * created ({@link #REFUSAL}: a connection cap, the gateway's session memory) why, in SSH's own
 * form: right after the gateway's identification line, before any key exchange, an
 * SSH_MSG_DISCONNECT with reason SSH_DISCONNECT_TOO_MANY_CONNECTIONS (RFC 4253, 12) and the
 * refusal's text, which OpenSSH shows as {@code Received disconnect from ...:12: too many
 * connections: ...}. The connection closes once the message is written; it never gets to the key
 * exchange or sign-in, and holds no place within the limits meanwhile.
 */
final class AdmittingSessionFactory extends SessionFactory {

    /** Why the listener refused the connection, set while the session is created. */
    static final AttributeRepository.AttributeKey<String> REFUSAL = new AttributeRepository.AttributeKey<>();

    AdmittingSessionFactory(ServerFactoryManager server) {
        super(server);
    }

    @Override
    protected ServerSessionImpl doCreateSession(IoSession ioSession) throws Exception {
        return new ServerSessionImpl(getServer(), ioSession) {
            @Override
            public void start() throws Exception {
                super.start(); // the identification line: a client reads no packet before it
                String refusal = getAttribute(REFUSAL);
                if (refusal != null) {
                    disconnect(SshConstants.SSH2_DISCONNECT_TOO_MANY_CONNECTIONS, refusal);
                }
            }
        };
    }
}
