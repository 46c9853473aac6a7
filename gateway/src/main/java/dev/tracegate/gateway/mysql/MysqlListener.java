package dev.tracegate.gateway.mysql;

import dev.tracegate.gateway.config.ListenerConfig;
import dev.tracegate.gateway.config.MysqlConnectionConfig;
import dev.tracegate.gateway.engine.ConnectionAdmission;
import dev.tracegate.gateway.engine.EngineServices;
import dev.tracegate.gateway.engine.IdleWatch;
import dev.tracegate.gateway.engine.ProtocolListener;
import dev.tracegate.gateway.engine.RelayThreads;
import dev.tracegate.gateway.engine.SessionSockets;
import dev.tracegate.gateway.engine.StartupDeadlines;
import dev.tracegate.gateway.engine.TooManyConnectionsException;
import dev.tracegate.wire.mysql.ErrPacket;
import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accepts MySQL clients, one virtual thread per session with blocking I/O: the protocol is
 * strictly one command, then its answer, so one thread carries both directions.
 */
final class MysqlListener implements ProtocolListener {

    private static final Logger LOG = LoggerFactory.getLogger(MysqlListener.class);

    /** What every session of this listener shares. */
    record Context(EngineServices services, boolean allowCleartextOnLoopback, MysqlUpstreamConnector connector,
                   AtomicLong connectionIds, String serverVersion,
                   Function<MysqlConnectionConfig, UpstreamLineage> lineage, StartupDeadlines deadlines,
                   CallerThreads threads, IdleWatch idleWatch) {
    }

    private final SessionSockets sockets;
    private final ConnectionAdmission admission;
    private final StartupDeadlines deadlines;
    private final IdleWatch idleWatch;
    /** One catalog connection per upstream, shared by its sessions, opened when a masked caller first needs it. */
    private final Map<String, MysqlCatalog> catalogs = new ConcurrentHashMap<>();
    private final Map<String, UpstreamLineage> lineage = new ConcurrentHashMap<>();

    MysqlListener(ListenerConfig config, EngineServices services) throws IOException {
        MysqlUpstreamConnector connector = new MysqlUpstreamConnector();
        this.admission = new ConnectionAdmission(config.limits(), services.admission().memory(), MysqlEngine.PROTOCOL);
        this.deadlines = new StartupDeadlines(Duration.ofSeconds(config.limits().startupTimeoutSeconds()));
        this.idleWatch = new IdleWatch("mysql", Duration.ofSeconds(services.admission().limits().idleSessionSeconds()));
        Context context = new Context(services, config.allowCleartextOnLoopback(), connector,
                new AtomicLong(), ServerVersionProbe.announced(services.connections(MysqlConnectionConfig.class)),
                connection -> lineage.computeIfAbsent(connection.name(), name -> UpstreamLineage.of(
                        catalogs.computeIfAbsent(name, n -> new MysqlCatalog(connection, connector)))),
                deadlines, new CallerThreads(), idleWatch);
        this.sockets = new SessionSockets(config, "mysql", services.admission().threads(),
                (socket, threads) -> session(socket, threads, context));
    }

    /** The session of an accepted connection, or null when it is over the listener's limits (it is told so). */
    private Runnable session(Socket socket, RelayThreads threads, Context context) {
        ConnectionAdmission.Ticket ticket;
        try {
            ticket = admission.admit(socket.getInetAddress());
        } catch (TooManyConnectionsException tooMany) {
            Thread.ofVirtual().name("mysql-refuse-" + socket.getPort()).start(() -> refuse(socket, tooMany));
            return null;
        }
        return () -> new MysqlSession(socket, ticket, threads, context).run();
    }

    /**
     * Tells a client over a limit why, in place of the server greeting and without reading
     * anything it sent (MySQL clients read an ERR packet there as the server's refusal).
     */
    private static void refuse(Socket socket, TooManyConnectionsException tooMany) {
        LOG.debug("mysql connection from {} refused: {}", socket.getInetAddress(), tooMany.getMessage());
        try (socket; PacketChannel channel = new PacketChannel(socket, 1024, false)) {
            channel.sendNow(new ErrPacket(ErrPacket.TOO_MANY_CONNECTIONS, "08004", tooMany.getMessage()).encode());
        } catch (IOException ignored) {
            // The client is already gone.
        }
    }

    @Override
    public String protocol() {
        return MysqlEngine.PROTOCOL;
    }

    @Override
    public int port() {
        return sockets.port();
    }

    @Override
    public void close() {
        sockets.close();
        deadlines.close();
        idleWatch.close();
        catalogs.values().forEach(MysqlCatalog::close);
    }
}
