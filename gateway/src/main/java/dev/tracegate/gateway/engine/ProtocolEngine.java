package dev.tracegate.gateway.engine;

import dev.tracegate.gateway.config.ConnectionConfig;
import dev.tracegate.gateway.config.ListenerConfig;
import java.io.IOException;
import java.util.List;

/**
 * One protocol the gateway speaks: a wire codec plus a thin engine over the shared seam
 * ({@link EngineServices}: session admission, the Guard, the command gate, write-ahead
 * recording). {@code Gateway.start} starts every engine that is needed, on its configured listener.
 */
public interface ProtocolEngine {

    /** The protocol's name, as connections and listeners name it. */
    String protocol();

    /** Whether a listener is needed for these connections. */
    boolean needed(List<ConnectionConfig> connections);

    /** Starts listening. */
    ProtocolListener listen(ListenerConfig listener, EngineServices services) throws IOException;
}
