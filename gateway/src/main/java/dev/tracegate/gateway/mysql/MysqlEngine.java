package dev.tracegate.gateway.mysql;

import dev.tracegate.gateway.config.ConnectionConfig;
import dev.tracegate.gateway.config.ListenerConfig;
import dev.tracegate.gateway.config.MysqlConnectionConfig;
import dev.tracegate.gateway.engine.EngineServices;
import dev.tracegate.gateway.engine.ProtocolEngine;
import dev.tracegate.gateway.engine.ProtocolListener;
import java.io.IOException;
import java.util.List;

/**
 * The MySQL and MariaDB engine: the {@code wire.mysql} codec on both sides, each command a
 * {@code Command.Sql} in the MySQL dialect for the Guard. Listens only when a MySQL connection is
 * configured.
 */
public final class MysqlEngine implements ProtocolEngine {

    public static final String PROTOCOL = MysqlConnectionConfig.PROTOCOL;

    @Override
    public String protocol() {
        return PROTOCOL;
    }

    @Override
    public boolean needed(List<ConnectionConfig> connections) {
        return connections.stream().anyMatch(MysqlConnectionConfig.class::isInstance);
    }

    @Override
    public ProtocolListener listen(ListenerConfig listener, EngineServices services) throws IOException {
        return new MysqlListener(listener, services);
    }
}
