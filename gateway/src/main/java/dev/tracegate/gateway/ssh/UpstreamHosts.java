package dev.tracegate.gateway.ssh;

import dev.tracegate.gateway.config.ConfigException;
import dev.tracegate.gateway.config.SshConnectionConfig;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.AttributeRepository;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.channel.ChannelFactory;
import org.apache.sshd.common.config.keys.AuthorizedKeyEntry;
import org.apache.sshd.common.config.keys.FilePasswordProvider;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.apache.sshd.core.CoreModuleProperties;

/**
 * The gateway as an SSH client of the configured hosts: it logs in with the connection's held
 * key or password and accepts only the pinned host key, so a host that answers with another key
 * (a man in the middle, a rebuilt machine nobody re-pinned) is refused before any credential is sent.
 */
final class UpstreamHosts implements AutoCloseable {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(15);
    /** The host key a session's connection pins, handed to the verifier with the connect itself. */
    private static final AttributeRepository.AttributeKey<PublicKey> PINNED_HOST_KEY = new AttributeRepository.AttributeKey<>();

    private final SshClient client;

    UpstreamHosts() {
        client = SshClient.setUpDefaultClient();
        // Nothing from the gateway's own ~/.ssh: each connection's pinned key and held credential only.
        // Set before the session exists: the key exchange starts as soon as the socket connects, so
        // a verifier set on the session afterwards can come too late (and the host is then refused).
        client.setServerKeyVerifier(UpstreamHosts::isPinnedHostKey);
        // An upstream session lives as long as its caller's (SshCaller closes it): MINA's default of
        // ten minutes without a message from the host would cut a command that runs silently longer.
        CoreModuleProperties.IDLE_TIMEOUT.set(client, Duration.ZERO);
        client.setKeyIdentityProvider(session -> List.of());
        // A host's agent channel is answered by its caller's agent, when policy allowed it (ForwardedAgent).
        client.setAgentFactory(ForwardedAgent.hostSide());
        ForwardedAgent.hostSide().getChannelForwardingFactories(client).forEach(this::accept);
        client.start();
    }

    /** Channels of type {@code factory.getName()} the hosts open are made by {@code factory} (in place of MINA's own). */
    void accept(ChannelFactory factory) {
        List<ChannelFactory> channels = new ArrayList<>();
        for (ChannelFactory existing : client.getChannelFactories()) {
            if (!existing.getName().equals(factory.getName())) {
                channels.add(existing);
            }
        }
        channels.add(factory);
        client.setChannelFactories(channels);
    }

    /** A logged-in session to the connection's host, or an exception that says why not (never with the credential). */
    ClientSession connect(SshConnectionConfig connection) throws IOException {
        PublicKey pinned = pinned(connection);
        ClientSession session = client.connect(connection.username(), connection.host(), connection.port(),
                AttributeRepository.ofKeyValuePair(PINNED_HOST_KEY, pinned), null).verify(CONNECT_TIMEOUT).getSession();
        try {
            if (connection.privateKey() != null) {
                for (KeyPair key : heldKeys(connection)) {
                    session.addPublicKeyIdentity(key);
                }
            }
            if (connection.password() != null) {
                session.addPasswordIdentity(connection.password().resolve());
            }
            session.auth().verify(CONNECT_TIMEOUT);
            return session;
        } catch (IOException | RuntimeException e) {
            session.close(true);
            throw e;
        }
    }

    private static Iterable<KeyPair> heldKeys(SshConnectionConfig connection) throws IOException {
        byte[] text = connection.privateKey().resolve().getBytes(StandardCharsets.UTF_8);
        try {
            return SecurityUtils.loadKeyPairIdentities(null, NamedResource.ofName("connection " + connection.name()),
                    new ByteArrayInputStream(text), FilePasswordProvider.EMPTY);
        } catch (GeneralSecurityException e) {
            throw new IOException("connection " + connection.name() + ": the held private key cannot be read");
        }
    }

    static PublicKey pinned(SshConnectionConfig connection) {
        try {
            return AuthorizedKeyEntry.parseAuthorizedKeyEntry(connection.hostKey().strip())
                    .resolvePublicKey(null, PublicKeyEntryResolver.FAILING);
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw new ConfigException("connection " + connection.name() + ": hostKey is not an SSH public key line");
        }
    }

    /** Accepts exactly the key pinned for the connection this session was opened for; nothing without one. */
    private static boolean isPinnedHostKey(ClientSession session, SocketAddress remote, PublicKey serverKey) {
        AttributeRepository context = session.getConnectionContext();
        PublicKey pinned = context == null ? null : context.getAttribute(PINNED_HOST_KEY);
        return pinned != null && KeyUtils.compareKeys(pinned, serverKey);
    }

    @Override
    public void close() {
        client.stop();
    }
}
