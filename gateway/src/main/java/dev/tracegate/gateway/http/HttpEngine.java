package dev.tracegate.gateway.http;

import dev.tracegate.gateway.config.ConnectionConfig;
import dev.tracegate.gateway.config.HttpConnectionConfig;
import dev.tracegate.gateway.config.ListenerConfig;
import dev.tracegate.gateway.engine.EngineServices;
import dev.tracegate.gateway.engine.ProtocolEngine;
import dev.tracegate.gateway.engine.ProtocolListener;
import java.io.IOException;
import java.util.List;

/**
 * The HTTP gateway's engine: Jetty parses HTTP; each request is a {@link ProxiedRequest} over the
 * shared seam. Listens only when an HTTP connection is configured.
 */
public final class HttpEngine implements ProtocolEngine {

    public static final String PROTOCOL = HttpConnectionConfig.PROTOCOL;

    @Override
    public String protocol() {
        return PROTOCOL;
    }

    @Override
    public boolean needed(List<ConnectionConfig> connections) {
        return connections.stream().anyMatch(HttpConnectionConfig.class::isInstance);
    }

    @Override
    public ProtocolListener listen(ListenerConfig listener, EngineServices services) throws IOException {
        return new HttpGatewayListener(listener, services);
    }
}
