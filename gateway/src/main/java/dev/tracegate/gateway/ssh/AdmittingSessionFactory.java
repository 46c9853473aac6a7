package dev.tracegate.gateway.ssh;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.common.AttributeRepository;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.io.IoSession;
import org.apache.sshd.common.util.Readable;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.server.ServerFactoryManager;
import org.apache.sshd.server.session.ServerSessionImpl;
import org.apache.sshd.server.session.SessionFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the SSH listener's sessions, and tells a connection the listener refused when it was
 * created ({@link #REFUSAL}: a connection cap, the gateway's session memory) why, in SSH's own
 * form: right after the gateway's identification line, before any key exchange, an
 * SSH_MSG_DISCONNECT with reason SSH_DISCONNECT_TOO_MANY_CONNECTIONS (RFC 4253, 12) and the
 * refusal's text, which OpenSSH shows as {@code Received disconnect from ...:12: too many
 * connections: ...}. It never gets to the key exchange or sign-in, and holds no place within the
 * limits meanwhile.
 *
 * <p>The connection is not closed at once: a client writes its own identification and key
 * exchange init before it reads the gateway's, and a socket closed under those writes makes it
 * fail on a broken pipe or a reset before it reads why. So the gateway only ends its side (FIN),
 * ignores whatever the client sends, and closes when the client does or after {@link #LINGER_SECONDS}.
 */
final class AdmittingSessionFactory extends SessionFactory {

    /** Why the listener refused the connection, set while the session is created. */
    static final AttributeRepository.AttributeKey<String> REFUSAL = new AttributeRepository.AttributeKey<>();
    /** How long a refused client has to read the message and go. */
    static final int LINGER_SECONDS = 5;

    private static final Logger LOG = LoggerFactory.getLogger(AdmittingSessionFactory.class);

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
                    tell(this, refusal);
                }
            }

            @Override
            public void messageReceived(Readable buffer) throws Exception {
                if (getAttribute(REFUSAL) == null) {
                    super.messageReceived(buffer);
                }
            }
        };
    }

    private static void tell(ServerSessionImpl session, String refusal) throws IOException {
        Buffer disconnect = session.createBuffer(SshConstants.SSH_MSG_DISCONNECT, refusal.length() + 32);
        disconnect.putInt(SshConstants.SSH2_DISCONNECT_TOO_MANY_CONNECTIONS);
        disconnect.putString(refusal);
        disconnect.putString(""); // language tag
        IoSession io = session.getIoSession();
        session.writePacket(disconnect).addListener(written -> {
            try {
                io.shutdownOutputStream();
            } catch (IOException e) {
                LOG.debug("refused ssh connection already gone: {}", e.toString());
            }
        });
        CompletableFuture.delayedExecutor(LINGER_SECONDS, TimeUnit.SECONDS).execute(() -> session.close(true));
    }
}
