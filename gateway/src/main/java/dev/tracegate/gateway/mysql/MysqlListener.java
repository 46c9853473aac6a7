package dev.tracegate.gateway.mysql;

import dev.tracegate.gateway.config.ListenerConfig;
import dev.tracegate.gateway.config.MysqlConnectionConfig;
import dev.tracegate.gateway.engine.EngineServices;
import dev.tracegate.gateway.engine.ProtocolListener;
import dev.tracegate.gateway.engine.SessionSockets;
import dev.tracegate.gateway.lineage.CatalogSnapshots;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Accepts MySQL clients, one virtual thread per session with blocking I/O: the protocol is
 * strictly one command, then its answer, so one thread carries both directions.
 */
final class MysqlListener implements ProtocolListener {

    /** What every session of this listener shares. */
    record Context(EngineServices services, boolean allowCleartextOnLoopback, MysqlUpstreamConnector connector,
                   AtomicLong connectionIds, String serverVersion,
                   Function<MysqlConnectionConfig, UpstreamLineage> lineage) {
    }

    private final SessionSockets sockets;
    /** One catalog connection per upstream, shared by its sessions, opened when a masked caller first needs it. */
    private final Map<String, MysqlCatalog> catalogs = new ConcurrentHashMap<>();
    private final Map<String, UpstreamLineage> lineage = new ConcurrentHashMap<>();

    MysqlListener(ListenerConfig config, EngineServices services) throws IOException {
        MysqlUpstreamConnector connector = new MysqlUpstreamConnector();
        Context context = new Context(services, config.allowCleartextOnLoopback(), connector,
                new AtomicLong(), ServerVersionProbe.announced(services.connections(MysqlConnectionConfig.class)),
                connection -> lineage.computeIfAbsent(connection.name(), name -> UpstreamLineage.of(new CatalogSnapshots(
                        new MysqlCatalogReader(catalogs.computeIfAbsent(name, n -> new MysqlCatalog(connection, connector)))))));
        this.sockets = new SessionSockets(config, "mysql", socket -> new MysqlSession(socket, context));
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
        catalogs.values().forEach(MysqlCatalog::close);
    }
}
