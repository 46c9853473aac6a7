package dev.tracegate.gateway.postgres;

import dev.tracegate.wire.postgres.PgFrame;
import dev.tracegate.wire.postgres.PgFrameReader;
import dev.tracegate.wire.postgres.PgFrameWriter;
import dev.tracegate.wire.postgres.backend.ErrorResponse;
import dev.tracegate.wire.postgres.backend.ReadyForQuery;
import dev.tracegate.wire.postgres.frontend.PasswordMessage;
import dev.tracegate.wire.postgres.frontend.SslRequest;
import dev.tracegate.wire.postgres.frontend.StartupMessage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/** A hand-driven protocol client for the attacks and corner cases real drivers never send. */
public final class RawPgClient implements AutoCloseable {

    private Socket socket;
    private InputStream in;
    private OutputStream out;

    RawPgClient(int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(15_000);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    /** SSLRequest, then TLS with any certificate accepted. */
    RawPgClient tls() throws Exception {
        new PgFrameWriter(out).writeStartup(SslRequest.INSTANCE.encodeBody());
        out.flush();
        int answer = in.read();
        if (answer != 'S') {
            throw new IOException("gateway refused TLS: " + answer);
        }
        return upgrade(null);
    }

    /** TLS first, as PostgreSQL 17's sslnegotiation=direct does. */
    RawPgClient directTls() throws Exception {
        return upgrade(new String[] {"postgresql"});
    }

    /** TLS first with no ALPN at all: not a PostgreSQL 17 client (an HTTPS client sent to the port). */
    RawPgClient directTlsWithoutAlpn() throws Exception {
        return upgrade(null);
    }

    private RawPgClient upgrade(String[] alpn) throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {new TrustAll()}, null);
        SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(socket, "127.0.0.1", socket.getPort(), true);
        if (alpn != null) {
            SSLParameters params = tls.getSSLParameters();
            params.setApplicationProtocols(alpn);
            tls.setSSLParameters(params);
        }
        tls.startHandshake();
        socket = tls;
        in = tls.getInputStream();
        out = tls.getOutputStream();
        return this;
    }

    /** A session through the gateway over TLS, signed in with {@code token}, after its first ReadyForQuery. */
    static RawPgClient signedIn(int port, String user, String token, String connection) throws Exception {
        return signedIn(port, user, token, connection, Map.of());
    }

    /** As {@link #signedIn(int, String, String, String)}, with more start-up parameters. */
    static RawPgClient signedIn(int port, String user, String token, String connection, Map<String, String> parameters)
            throws Exception {
        RawPgClient client = new RawPgClient(port).tls();
        Map<String, String> startup = new java.util.LinkedHashMap<>(parameters);
        startup.put("user", user);
        startup.put("database", connection);
        client.startup(3, 0, startup);
        client.read();
        client.password(token);
        for (PgFrame frame = client.read(); frame.type() != ReadyForQuery.TYPE; frame = client.read()) {
            if (frame.type() == ErrorResponse.TYPE) {
                throw new IOException("sign-in refused: " + ErrorResponse.decode(frame.body()).message());
            }
        }
        return client;
    }

    /**
     * Sends {@code frames} in one write, as a pipelining client does, and reads until {@code readyForQuery}
     * ReadyForQuery messages arrived or the gateway closed the connection.
     */
    List<PgFrame> exchange(List<PgFrame> frames, int readyForQuery) throws IOException {
        sendBatch(frames);
        return readUntil(ReadyForQuery.TYPE, readyForQuery);
    }

    /** Sends {@code frames} in one write. */
    void sendBatch(List<PgFrame> frames) throws IOException {
        ByteArrayOutputStream batch = new ByteArrayOutputStream();
        for (PgFrame frame : frames) {
            batch.write(frame.toWireBytes());
        }
        sendRaw(batch.toByteArray());
    }

    /** Reads until {@code count} messages of {@code type} arrived (returned with everything before) or the stream ended. */
    List<PgFrame> readUntil(byte type, int count) throws IOException {
        List<PgFrame> received = new ArrayList<>();
        int seen = 0;
        while (seen < count) {
            PgFrame frame;
            try {
                frame = read();
            } catch (java.io.EOFException e) {
                frame = null;
            }
            if (frame == null) {
                break;
            }
            received.add(frame);
            if (frame.type() == type) {
                seen++;
            }
        }
        return received;
    }

    void startup(int major, int minor, Map<String, String> parameters) throws IOException {
        new PgFrameWriter(out).writeStartup(new StartupMessage(major, minor, parameters).encodeBody());
        out.flush();
    }

    void password(String password) throws IOException {
        send(PasswordMessage.cleartext(password).encode());
    }

    void send(PgFrame frame) throws IOException {
        new PgFrameWriter(out).write(frame);
        out.flush();
    }

    void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** How long a read waits before it fails with a SocketTimeoutException. */
    void readTimeout(int millis) throws IOException {
        socket.setSoTimeout(millis);
    }

    /** One raw byte (the answers to SSLRequest and GSSENCRequest are single bytes). */
    int readByte() throws IOException {
        return in.read();
    }

    /** The next frame, or null when the gateway closed the connection. */
    PgFrame read() throws IOException {
        try {
            return new PgFrameReader(in, 64 * 1024 * 1024).read();
        } catch (java.net.SocketException e) {
            return null;
        }
    }

    /** Reads until an ErrorResponse (returned) or the end of the stream (null). */
    ErrorResponse readUntilError() throws IOException {
        for (PgFrame frame = read(); frame != null; frame = read()) {
            if (frame.type() == ErrorResponse.TYPE) {
                return ErrorResponse.decode(frame.body());
            }
        }
        return null;
    }

    /** True when the gateway has closed the connection (reads reach the end of the stream). */
    boolean closedByPeer() throws IOException {
        try {
            while (true) {
                if (read() == null) {
                    return true;
                }
            }
        } catch (java.io.EOFException | java.net.SocketException e) {
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    /** Accepts any server certificate: the tests check what happens inside TLS, not who is on the other end. */
    public static final class TrustAll implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
