package dev.tracegate.gateway.mcp;

import dev.tracegate.gateway.postgres.PostgresEngine;
import dev.tracegate.wire.postgres.PgFrame;
import dev.tracegate.wire.postgres.PgFrameReader;
import dev.tracegate.wire.postgres.PgFrameWriter;
import dev.tracegate.wire.postgres.backend.CommandComplete;
import dev.tracegate.wire.postgres.backend.DataRow;
import dev.tracegate.wire.postgres.backend.ErrorResponse;
import dev.tracegate.wire.postgres.backend.NoticeResponse;
import dev.tracegate.wire.postgres.backend.RowDescription;
import dev.tracegate.wire.postgres.frontend.Bind;
import dev.tracegate.wire.postgres.frontend.Describe;
import dev.tracegate.wire.postgres.frontend.Execute;
import dev.tracegate.wire.postgres.frontend.Parse;
import dev.tracegate.wire.postgres.frontend.PasswordMessage;
import dev.tracegate.wire.postgres.frontend.SslRequest;
import dev.tracegate.wire.postgres.frontend.StartupMessage;
import dev.tracegate.wire.postgres.frontend.Sync;
import dev.tracegate.wire.postgres.frontend.Terminate;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A client of the gateway's own PostgreSQL listener, for the {@code query} tool. The tool's SQL
 * takes the path a psql statement takes (admission, the Guard, write-ahead recording, the
 * command gate, approvals, masking while rows stream), because it is one: this class only speaks
 * the protocol, signed in with a one-time delegated credential over TLS pinned to the gateway's
 * own certificate. One statement, extended protocol, text results.
 */
final class PostgresToolClient implements AutoCloseable {

    private static final int MAX_FRAME_BYTES = 64 * 1024 * 1024;
    private static final int SIGN_IN_MILLIS = 15_000;

    private final Socket socket;
    private final InputStream in;
    private final PgFrameWriter out;
    private final PgFrameReader reader;

    private PostgresToolClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
        this.out = new PgFrameWriter(new BufferedOutputStream(socket.getOutputStream(), 64 * 1024));
        this.reader = new PgFrameReader(in, MAX_FRAME_BYTES);
    }

    /**
     * Signs in to connection {@code connection} of the listener at {@code listener}.
     *
     * @throws ToolFailure when the listener refuses the session (its message says why)
     */
    static PostgresToolClient open(InetSocketAddress listener, SSLContext tls, String connection, String credential,
                                   String applicationName) throws IOException, ToolFailure {
        Socket plain = new Socket();
        plain.connect(listener, SIGN_IN_MILLIS);
        // Start-up is bounded; once signed in the session may wait as long as its statement's approval does.
        plain.setSoTimeout(SIGN_IN_MILLIS);
        try {
            PgFrameWriter startup = new PgFrameWriter(plain.getOutputStream());
            startup.writeStartup(SslRequest.INSTANCE.encodeBody());
            startup.flush();
            if (plain.getInputStream().read() != 'S') {
                throw new IOException("the PostgreSQL listener refused TLS");
            }
            SSLSocket secure = (SSLSocket) tls.getSocketFactory().createSocket(plain,
                    listener.getHostString(), listener.getPort(), true);
            secure.startHandshake();
            PostgresToolClient client = new PostgresToolClient(secure);
            client.signIn(connection, credential, applicationName);
            secure.setSoTimeout(0);
            return client;
        } catch (IOException | ToolFailure | RuntimeException e) {
            plain.close();
            throw e;
        }
    }

    private void signIn(String connection, String credential, String applicationName) throws IOException, ToolFailure {
        out.writeStartup(StartupMessage.of(Map.of("user", "mcp", "database", connection,
                "application_name", applicationName)).encodeBody());
        out.flush();
        while (true) {
            PgFrame frame = next();
            switch (frame.type()) {
                case 'R' -> {
                    if (frame.body().length >= 4 && frame.body()[3] == 3) {
                        out.write(PasswordMessage.cleartext(credential));
                        out.flush();
                    }
                }
                case 'E' -> throw ToolFailure.of(ErrorResponse.decode(frame.body()));
                case 'Z' -> {
                    return;
                }
                default -> {
                    // ParameterStatus, BackendKeyData, NegotiateProtocolVersion: nothing the tool needs.
                }
            }
        }
    }

    /**
     * Runs one statement and collects at most {@code maxRows} rows and {@code maxBytes} bytes of
     * cell text. {@code onHeld} hears, at once, of an approval the statement waits for; this call
     * returns only when the statement has ended (run, refused, or the approvers said no).
     */
    QueryResult run(String sql, List<String> parameters, int maxRows, int maxBytes, Consumer<String> onHeld)
            throws IOException {
        byte[][] values = new byte[parameters.size()][];
        for (int i = 0; i < values.length; i++) {
            values[i] = parameters.get(i) == null ? null : parameters.get(i).getBytes(StandardCharsets.UTF_8);
        }
        out.write(new Parse("", sql, new int[0]));
        out.write(new Bind("", "", new short[0], values, new short[0]));
        out.write(Describe.portal(""));
        out.write(new Execute("", maxRows));
        out.write(Sync.INSTANCE);
        out.flush();
        QueryResult.Builder result = new QueryResult.Builder(maxBytes);
        while (true) {
            PgFrame frame = next();
            switch (frame.type()) {
                case 'T' -> result.columns(RowDescription.decode(frame.body()));
                case 'D' -> result.row(DataRow.decode(frame.body()));
                case 'C' -> result.complete(CommandComplete.decode(frame.body()).tag());
                case 's' -> result.suspended();
                case 'E' -> result.failed(ErrorResponse.decode(frame.body()));
                case 'N' -> PostgresEngine.heldApproval(NoticeResponse.decode(frame.body()).message()).ifPresent(onHeld);
                case 'Z' -> {
                    return result.build();
                }
                default -> {
                    // ParseComplete, BindComplete, NoData, EmptyQueryResponse, ParameterStatus, notifications.
                }
            }
        }
    }

    private PgFrame next() throws IOException {
        PgFrame frame = reader.read();
        if (frame == null) {
            throw new IOException("the PostgreSQL listener closed the session");
        }
        return frame;
    }

    /** Ends the session politely; closing the socket ends it anyway (and withdraws what it waits for). */
    @Override
    public void close() {
        try {
            out.write(Terminate.INSTANCE);
            out.flush();
        } catch (IOException ignored) {
            // Closing below ends the session all the same.
        }
        try {
            socket.close();
        } catch (IOException ignored) {
            // Nothing left to do.
        }
    }

    /** A result's columns as the listener described them (their names), for callers that need only those. */
    static List<String> names(RowDescription description) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < description.columnCount(); i++) {
            names.add(description.field(i).name());
        }
        return names;
    }
}
