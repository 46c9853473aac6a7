package dev.tracegate.gateway.postgres;

import dev.tracegate.gateway.config.PostgresConnectionConfig;
import dev.tracegate.gateway.config.UpstreamTlsMode;
import dev.tracegate.gateway.engine.BlockingConnect;
import dev.tracegate.gateway.engine.RelayBuffers;
import dev.tracegate.gateway.engine.RelayInput;
import dev.tracegate.gateway.tls.UpstreamTlsClient;
import dev.tracegate.wire.postgres.PgFrame;
import dev.tracegate.wire.postgres.PgFrameReader;
import dev.tracegate.wire.postgres.PgFrameWriter;
import dev.tracegate.wire.postgres.backend.Authentication;
import dev.tracegate.wire.postgres.backend.BackendKeyData;
import dev.tracegate.wire.postgres.backend.ErrorResponse;
import dev.tracegate.wire.postgres.backend.ParameterStatus;
import dev.tracegate.wire.postgres.backend.ReadyForQuery;
import dev.tracegate.wire.postgres.frontend.CancelRequest;
import dev.tracegate.wire.postgres.frontend.SslRequest;
import dev.tracegate.wire.postgres.frontend.StartupMessage;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens an upstream PostgreSQL session with the credential the gateway holds: TCP, optional TLS
 * (disable, require, verify-full), start-up, then the login {@link UpstreamAuthentication} allows:
 * SCRAM-SHA-256(-PLUS), and MD5, cleartext or trust only where the connection's upstreamAuth says so.
 */
public final class PostgresUpstreamConnector implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PostgresUpstreamConnector.class);
    private static final int CONNECT_TIMEOUT_MILLIS = 10_000;
    private static final int MAX_STARTUP_RESPONSE_BYTES = 1024 * 1024;

    /** SCRAM keys of earlier logins: PBKDF2 once per password and salt, not once per session. */
    private final ScramKeys scramKeys = new ScramKeys();
    /** Connects so that a relay on an operating-system thread reads a blocking socket. */
    private final BlockingConnect connects = new BlockingConnect();

    /** Opens and authenticates a session; {@code parameters} are the client's start-up parameters to pass on. */
    public UpstreamConnection connect(PostgresConnectionConfig connection, Map<String, String> parameters, int maxMessageBytes)
            throws UpstreamException {
        Socket socket = null;
        try {
            socket = open(connection);
            RelayInput serverBytes = RelayBuffers.input(socket.getInputStream());
            PgFrameReader reader = new PgFrameReader(serverBytes, maxMessageBytes);
            PgFrameWriter writer = new PgFrameWriter(RelayBuffers.output(socket.getOutputStream()));
            Map<String, String> startup = new LinkedHashMap<>();
            startup.put("user", connection.username());
            startup.put("database", connection.database());
            startup.putAll(parameters);
            writer.writeStartup(new StartupMessage(3, 0, startup).encodeBody());
            writer.flush();
            return authenticate(connection, socket, serverBytes, reader, writer);
        } catch (UpstreamException e) {
            closeQuietly(socket);
            throw e;
        } catch (IOException e) {
            closeQuietly(socket);
            throw new UpstreamException("08001", "cannot reach connection " + connection.name() + " upstream at "
                    + connection.host() + ":" + connection.port() + ": " + describe(e), e);
        }
    }

    /** Forwards a cancel with the upstream's real key; failures are only logged, as PostgreSQL does. */
    /** Sends the cancel; returns why it did not reach the server, or nothing when it did. */
    public Optional<String> cancel(CancelKeyRegistry.UpstreamKey key) {
        try (Socket socket = open(key.connection())) {
            PgFrameWriter writer = new PgFrameWriter(socket.getOutputStream());
            writer.writeStartup(new CancelRequest(key.processId(), key.secretKey()).encodeBody());
            writer.flush();
            // The server closes the connection once it has read the request.
            socket.getInputStream().read();
            return Optional.empty();
        } catch (IOException | UpstreamException e) {
            LOG.warn("cancel request to {} failed: {}", key.connection().name(), e.getMessage());
            return Optional.of(String.valueOf(e.getMessage()));
        }
    }

    private Socket open(PostgresConnectionConfig connection) throws IOException, UpstreamException {
        Socket socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.setKeepAlive(true);
        connects.connect(socket, new InetSocketAddress(connection.host(), connection.port()), CONNECT_TIMEOUT_MILLIS);
        if (connection.tls() == UpstreamTlsMode.DISABLE) {
            return socket;
        }
        PgFrameWriter writer = new PgFrameWriter(socket.getOutputStream());
        writer.writeStartup(SslRequest.INSTANCE.encodeBody());
        writer.flush();
        int answer = socket.getInputStream().read();
        if (answer != 'S') {
            socket.close();
            throw new UpstreamException("08001", "connection " + connection.name()
                    + " requires TLS but the upstream server does not offer it", null);
        }
        return startTls(connection, socket);
    }

    private static SSLSocket startTls(PostgresConnectionConfig connection, Socket socket) throws IOException, UpstreamException {
        try {
            return UpstreamTlsClient.start(socket, connection.host(), connection.port(), connection.tls(),
                    connection.caCertificate());
        } catch (GeneralSecurityException e) {
            throw new UpstreamException("08001", "cannot set up TLS to connection " + connection.name() + ": " + e.getMessage(), e);
        } catch (javax.net.ssl.SSLException e) {
            throw new UpstreamException("08001", "TLS to connection " + connection.name() + " failed: " + e.getMessage(), e);
        }
    }

    private UpstreamConnection authenticate(PostgresConnectionConfig connection, Socket socket, RelayInput serverBytes,
                                            PgFrameReader reader,
                                            PgFrameWriter writer) throws IOException, UpstreamException {
        List<ParameterStatus> parameters = new ArrayList<>();
        BackendKeyData key = null;
        UpstreamAuthentication login = UpstreamAuthentication.over(connection, socket, scramKeys);
        int received = 0;
        while (true) {
            PgFrame frame = reader.read();
            if (frame == null) {
                throw new UpstreamException("08006", "connection " + connection.name() + " upstream closed during start-up", null);
            }
            received += frame.wireLength();
            if (received > MAX_STARTUP_RESPONSE_BYTES) {
                throw new UpstreamException("08P01", "connection " + connection.name() + " upstream sent too much during start-up", null);
            }
            switch (frame.type()) {
                case Authentication.TYPE -> login.answer(Authentication.decode(frame.body()), writer);
                case ParameterStatus.TYPE -> parameters.add(ParameterStatus.decode(frame.body()));
                case BackendKeyData.TYPE -> key = BackendKeyData.decode(frame.body());
                case ReadyForQuery.TYPE -> {
                    login.requireCompleted();
                    return new UpstreamConnection(socket, serverBytes, reader, writer, List.copyOf(parameters), key);
                }
                case ErrorResponse.TYPE -> {
                    ErrorResponse error = ErrorResponse.decode(frame.body());
                    // The server's own words may name the upstream role; they go to the gateway log only.
                    LOG.warn("connection {} upstream refused the session: {} {}", connection.name(), error.sqlState(), error.message());
                    throw new UpstreamException("08004", "connection " + connection.name()
                            + " upstream refused the gateway's session (" + error.sqlState() + "); see the gateway log", null);
                }
                default -> {
                    // NoticeResponse and NegotiateProtocolVersion during start-up need no action.
                }
            }
        }
    }

    private static String describe(IOException e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static void closeQuietly(Socket socket) {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // Already failing; the original error is what matters.
            }
        }
    }

    @Override
    public void close() {
        connects.close();
    }
}
