package dev.tracegate.gateway.mysql;

import dev.tracegate.gateway.config.ListenerConfig;
import dev.tracegate.gateway.config.MysqlConnectionConfig;
import dev.tracegate.gateway.engine.EngineServices;
import dev.tracegate.gateway.engine.ProtocolListener;
import dev.tracegate.gateway.engine.SessionSockets;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Accepts MySQL clients, one virtual thread per session with blocking I/O: the protocol is
 * strictly one command, then its answer, so one thread carries both directions.
 */
final class MysqlListener implements ProtocolListener {

    /** What every session of this listener shares. */
    record Context(EngineServices services, boolean allowCleartextOnLoopback, MysqlUpstreamConnector connector,
                   AtomicLong connectionIds, String serverVersion) {
    }

    private final SessionSockets sockets;

    MysqlListener(ListenerConfig config, EngineServices services) throws IOException {
        Context context = new Context(services, config.allowCleartextOnLoopback(), new MysqlUpstreamConnector(),
                new AtomicLong(), ServerVersionProbe.announced(services.connections(MysqlConnectionConfig.class)));
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
    }
}
