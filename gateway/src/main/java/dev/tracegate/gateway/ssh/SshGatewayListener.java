package dev.tracegate.gateway.ssh;

import dev.tracegate.gateway.config.ListenerConfig;
import dev.tracegate.gateway.engine.ConnectionAdmission;
import dev.tracegate.gateway.engine.EngineServices;
import dev.tracegate.gateway.engine.ProtocolListener;
import dev.tracegate.gateway.engine.TooManyConnectionsException;
import dev.tracegate.policy.rules.SshRequestFacts;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.sshd.common.AttributeRepository;
import org.apache.sshd.common.channel.RequestHandler;
import org.apache.sshd.common.session.ConnectionService;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;
import org.apache.sshd.common.session.helpers.SessionHelper;
import org.apache.sshd.common.session.helpers.TimeoutIndicator;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;
import org.apache.sshd.server.session.ServerSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SSH listener: MINA SSHD's server with only what the gateway can stand behind. Callers sign
 * in with keyboard-interactive (a gateway credential), a certificate of the gateway's SSH CA or a
 * public key registered to a service account;
 * channels are sessions and {@code direct-tcpip} (local forwarding, decided by policy and opened
 * from the host: {@link ForwardedConnection}); agent forwarding by policy ({@link ForwardedAgent});
 * no X11 forwarding, no remote forwarding;
 * exec, shell and the sftp subsystem are relayed to the host. Limits before and after authentication keep one hostile
 * client to its own session: identification size, authentication attempts and time, packet size,
 * channels per session.
 */
final class SshGatewayListener implements ProtocolListener {

    private static final Logger LOG = LoggerFactory.getLogger(SshGatewayListener.class);
    static final int MAX_CHANNELS_PER_SESSION = 10;

    /** The connection's place within the listener's limits, among those logging in until authenticated. */
    private static final AttributeRepository.AttributeKey<ConnectionAdmission.Ticket> PLACE =
            new AttributeRepository.AttributeKey<>();

    private final SshServer server;
    private final UpstreamHosts hosts;
    private final ConnectionAdmission admission;

    SshGatewayListener(ListenerConfig listener, EngineServices services) throws IOException {
        hosts = new UpstreamHosts();
        admission = new ConnectionAdmission(listener.limits(), services.admission().memory(), SshEngine.PROTOCOL);
        SshRequestGate gate = new SshRequestGate(services);
        SshListenerContext context = new SshListenerContext(services, gate, hosts);
        server = SshServer.setUpDefaultServer();
        server.setSessionFactory(new AdmittingSessionFactory(server));
        server.setHost(listener.address());
        server.setPort(listener.port());
        server.setKeyPairProvider(hostKey(services.dataDir()));
        CallerSignIn signIn = new CallerSignIn(services);
        server.setKeyboardInteractiveAuthenticator(new GatewayTokenChallenge(services.admission(), signIn));
        server.setPasswordAuthenticator(null);
        GatewayCertificates certificates = new GatewayCertificates(SshCertificateAuthority.open(services.dataDir()), signIn,
                services.activeKeys());
        ServiceAccountPublicKeys accountKeys = new ServiceAccountPublicKeys(services.sshPublicKeys(), signIn);
        server.setPublickeyAuthenticator((user, key, session) -> certificates.authenticate(user, key, session)
                || accountKeys.authenticate(user, key, session));
        server.setGSSAuthenticator(null);
        server.setHostBasedAuthenticator(null);
        server.setChannelFactories(List.of(SessionChannel.factory(gate), ForwardedConnection.factory(context, false)));
        hosts.accept(ForwardedConnection.factory(context, true));
        // ssh -R: decided and made of the host before MINA's own handlers (which would listen on the gateway) see it.
        List<RequestHandler<ConnectionService>> global = new java.util.ArrayList<>();
        global.add(new RemoteForwardRequests(context));
        if (server.getGlobalRequestHandlers() != null) {
            global.addAll(server.getGlobalRequestHandlers());
        }
        server.setGlobalRequestHandlers(global);
        server.setForwardingFilter(new SshForwardingPolicy(gate));
        // MINA asks the forwarding filter about agent requests only when an agent factory is set.
        server.setAgentFactory(ForwardedAgent.callerSide());
        server.setShellFactory(channel -> new RelayedChannel(context, SshRequestFacts.shell()));
        server.setCommandFactory((channel, line) -> new RelayedChannel(context, SshRequestFacts.exec(line)));
        server.setSubsystemFactories(List.of(new SftpRelayFactory(context)));
        CoreModuleProperties.MAX_CONCURRENT_CHANNELS.set(server, MAX_CHANNELS_PER_SESSION);
        CoreModuleProperties.MAX_AUTH_REQUESTS.set(server, 6);
        // From connecting to authenticated (banner, key exchange and sign-in together), as for the
        // PostgreSQL and MySQL listeners' start-up deadline.
        CoreModuleProperties.AUTH_TIMEOUT.set(server, Duration.ofSeconds(listener.limits().startupTimeoutSeconds()));
        // limits.idleSessionSeconds, in MINA's terms: the client sent nothing for that long (ssh's
        // ServerAliveInterval counts). Without it MINA's own default would end every session after
        // ten minutes without a message from the client: an unused tunnel, a shell left open.
        CoreModuleProperties.IDLE_TIMEOUT.set(server, Duration.ofSeconds(services.admission().limits().idleSessionSeconds()));
        CoreModuleProperties.MAX_IDENTIFICATION_SIZE.set(server, 8 * 1024);
        CoreModuleProperties.MAX_PACKET_SIZE.set(server, (long) Math.max(32 * 1024, services.maxMessageBytes()));
        server.addSessionListener(new SessionListener() {
            @Override
            public void sessionCreated(Session session) {
                admit(session);
            }

            @Override
            public void sessionEvent(Session session, Event event) {
                if (event == Event.Authenticated && session instanceof ServerSession serverSession) {
                    ConnectionAdmission.Ticket place = session.getAttribute(PLACE);
                    if (place != null) {
                        place.authenticated();
                    }
                    signIn.authenticated(serverSession);
                }
            }

            @Override
            public void sessionClosed(Session session) {
                ConnectionAdmission.Ticket place = session.removeAttribute(PLACE);
                if (place != null) {
                    place.close();
                }
                SshCaller caller = session.getAttribute(SshCaller.KEY);
                if (caller != null) {
                    caller.close(closeReason(session));
                }
            }

            @Override
            public void sessionException(Session session, Throwable t) {
                LOG.debug("ssh session from {} failed: {}", session instanceof ServerSession s ? s.getClientAddress()
                        : "?", t.toString());
            }
        });
        try {
            server.start();
        } catch (IOException | RuntimeException e) {
            hosts.close();
            throw e;
        }
    }

    /** Why a signed-in caller's session ended, as {@code session.close} records it. */
    private static String closeReason(Session session) {
        boolean idle = session instanceof SessionHelper helper
                && helper.getTimeoutStatus().getStatus() == TimeoutIndicator.TimeoutStatus.IdleTimeout;
        return idle ? "idle session timeout (limits.idleSessionSeconds)" : "connection closed";
    }

    /**
     * Gives a new connection its place within the listener's limits, or marks it refused: over a
     * cap, or with no room in the gateway's session memory, it is told why and closed as soon as
     * it can read a message ({@link AdmittingSessionFactory}). A refusal by memory is counted and
     * recorded by {@code SessionMemory}; one by a cap is in the gateway's log at debug level, as
     * for the other listeners.
     */
    private void admit(Session session) {
        if (!(session.getRemoteAddress() instanceof InetSocketAddress remote)) {
            session.close(true);
            return;
        }
        try {
            session.setAttribute(PLACE, admission.admit(remote.getAddress()));
        } catch (TooManyConnectionsException tooMany) {
            LOG.debug("ssh connection from {} refused: {}", remote, tooMany.getMessage());
            session.setAttribute(AdmittingSessionFactory.REFUSAL, tooMany.getMessage());
        }
    }

    /** The gateway's own host key, generated on first start and kept (owner-only) under the data directory. */
    private static SimpleGeneratorHostKeyProvider hostKey(Path dataDir) throws IOException {
        Path dir = Files.createDirectories(dataDir.resolve("ssh"));
        SimpleGeneratorHostKeyProvider provider = new SimpleGeneratorHostKeyProvider(dir.resolve("host_key"));
        provider.setAlgorithm("EC");
        provider.setKeySize(256);
        return provider;
    }

    @Override
    public String protocol() {
        return SshEngine.PROTOCOL;
    }

    @Override
    public int port() {
        return server.getPort();
    }

    @Override
    public void close() {
        try {
            server.stop(true);
        } catch (IOException e) {
            LOG.warn("ssh listener did not stop cleanly: {}", e.toString());
        } finally {
            hosts.close();
        }
    }
}
