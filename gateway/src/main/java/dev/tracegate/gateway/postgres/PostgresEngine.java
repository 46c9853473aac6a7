package dev.tracegate.gateway.postgres;

import dev.tracegate.gateway.config.ConnectionConfig;
import dev.tracegate.gateway.config.PostgresConnectionConfig;
import dev.tracegate.gateway.config.ListenerConfig;
import dev.tracegate.gateway.engine.EngineServices;
import dev.tracegate.gateway.engine.ProtocolEngine;
import dev.tracegate.gateway.engine.ProtocolListener;
import java.io.IOException;
import java.util.List;

/**
 * PostgreSQL's engine: the wire protocol (the {@code wire} module's codecs), start-up and
 * authentication ({@link PostgresSession}), the relays that pair each response with its command
 * and mask rows, and the lineage check for masked callers, over the shared seam.
 */
public final class PostgresEngine implements ProtocolEngine {

    public static final String PROTOCOL = PostgresConnectionConfig.PROTOCOL;

    @Override
    public String protocol() {
        return PROTOCOL;
    }

    /** The PostgreSQL listener always runs: it is the gateway's first protocol and the demo's. */
    @Override
    public boolean needed(List<ConnectionConfig> connections) {
        return true;
    }

    /**
     * The approval a held statement waits for, read from the NoticeResponse the listener sends at
     * once: how a client of the listener inside the gateway (an MCP tool call) learns it.
     */
    public static java.util.Optional<String> heldApproval(String noticeMessage) {
        return CommandHold.heldApproval(noticeMessage);
    }

    @Override
    public ProtocolListener listen(ListenerConfig listener, EngineServices services) throws IOException {
        return new PostgresListener(listener, services);
    }
}
