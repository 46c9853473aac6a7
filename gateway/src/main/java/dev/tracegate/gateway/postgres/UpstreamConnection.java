package dev.tracegate.gateway.postgres;

import dev.tracegate.gateway.engine.RelayInput;
import dev.tracegate.wire.postgres.PgFrameReader;
import dev.tracegate.wire.postgres.PgFrameWriter;
import dev.tracegate.wire.postgres.backend.BackendKeyData;
import dev.tracegate.wire.postgres.backend.ParameterStatus;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An authenticated upstream session, ready for queries.
 *
 * @param socket     the (possibly TLS) socket
 * @param serverBytes the buffer {@code reader} reads from, which tells whether more of the server's
 *                   messages are at hand
 * @param reader     frames from the server
 * @param writer     frames to the server
 * @param parameters the server's ParameterStatus messages from start-up, passed on to the client
 *                   (for a pooled backend: as they stand after its reset)
 * @param key        the server's real backend key, kept from the client
 */
public record UpstreamConnection(Socket socket, RelayInput serverBytes, PgFrameReader reader, PgFrameWriter writer,
                                 List<ParameterStatus> parameters, BackendKeyData key) implements AutoCloseable {

    /** How long an idle backend is listened to before it is handed out: long enough to read what is already there. */
    private static final int QUIET_CHECK_MILLIS = 1;

    /** The same session with the settings the server reported since start-up applied, in start-up order. */
    UpstreamConnection withReported(Map<String, String> reported) {
        Map<String, String> current = new LinkedHashMap<>();
        parameters.forEach(status -> current.put(status.name(), status.value()));
        current.putAll(reported);
        List<ParameterStatus> statuses = current.entrySet().stream()
                .map(setting -> new ParameterStatus(setting.getKey(), setting.getValue())).toList();
        return new UpstreamConnection(socket, serverBytes, reader, writer, statuses, key);
    }

    /**
     * Whether an idle backend is still as it was left: the server has sent nothing since (a server
     * that ends an idle backend, by pg_terminate_backend or a shutdown, sends a FATAL error and
     * closes), and the connection is open. Whatever arrived is dropped with the backend.
     */
    boolean quietSinceRelease() {
        if (serverBytes.hasBufferedBytes() || socket.isClosed()) {
            return false;
        }
        try {
            socket.setSoTimeout(QUIET_CHECK_MILLIS);
            socket.getInputStream().read();
            return false;
        } catch (SocketTimeoutException quiet) {
            try {
                socket.setSoTimeout(0);
                return true;
            } catch (IOException e) {
                return false;
            }
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // Closing a socket that is already broken has nothing left to report.
        }
    }
}
