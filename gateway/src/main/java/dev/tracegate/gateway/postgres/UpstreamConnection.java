package dev.tracegate.gateway.postgres;

import dev.tracegate.gateway.engine.RelayInput;
import dev.tracegate.wire.postgres.PgFrameReader;
import dev.tracegate.wire.postgres.PgFrameWriter;
import dev.tracegate.wire.postgres.backend.BackendKeyData;
import dev.tracegate.wire.postgres.backend.ParameterStatus;
import java.io.IOException;
import java.net.Socket;
import java.util.List;

/**
 * An authenticated upstream session, ready for queries.
 *
 * @param socket     the (possibly TLS) socket
 * @param serverBytes the buffer {@code reader} reads from, which tells whether more of the server's
 *                   messages are at hand
 * @param reader     frames from the server
 * @param writer     frames to the server
 * @param parameters the server's ParameterStatus messages from start-up, passed on to the client
 * @param key        the server's real backend key, kept from the client
 */
public record UpstreamConnection(Socket socket, RelayInput serverBytes, PgFrameReader reader, PgFrameWriter writer,
                                 List<ParameterStatus> parameters, BackendKeyData key) implements AutoCloseable {

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // Closing a socket that is already broken has nothing left to report.
        }
    }
}
