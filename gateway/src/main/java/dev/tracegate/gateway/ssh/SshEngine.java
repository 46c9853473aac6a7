package dev.tracegate.gateway.ssh;

import dev.tracegate.gateway.config.ConnectionConfig;
import dev.tracegate.gateway.config.ListenerConfig;
import dev.tracegate.gateway.config.SshConnectionConfig;
import dev.tracegate.gateway.engine.EngineServices;
import dev.tracegate.gateway.engine.ProtocolEngine;
import dev.tracegate.gateway.engine.ProtocolListener;
import java.io.IOException;
import java.util.List;

/**
 * The SSH engine: MINA SSHD speaks SSH on both sides; each exec request, shell and sftp operation
 * is a {@code Command.Ssh} for the Guard. Listens only when an SSH connection is configured.
 */
public final class SshEngine implements ProtocolEngine {

    public static final String PROTOCOL = SshConnectionConfig.PROTOCOL;

    @Override
    public String protocol() {
        return PROTOCOL;
    }

    @Override
    public boolean needed(List<ConnectionConfig> connections) {
        return connections.stream().anyMatch(SshConnectionConfig.class::isInstance);
    }

    @Override
    public ProtocolListener listen(ListenerConfig listener, EngineServices services) throws IOException {
        return new SshGatewayListener(listener, services);
    }
}
