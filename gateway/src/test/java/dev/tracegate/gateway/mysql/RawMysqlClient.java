package dev.tracegate.gateway.mysql;

import dev.tracegate.gateway.postgres.RawPgClient;
import dev.tracegate.wire.mysql.Capabilities;
import dev.tracegate.wire.mysql.HandshakeResponse41;
import dev.tracegate.wire.mysql.HandshakeV10;
import dev.tracegate.wire.mysql.MysqlPacket;
import dev.tracegate.wire.mysql.MysqlPacketReader;
import dev.tracegate.wire.mysql.MysqlPacketWriter;
import dev.tracegate.wire.mysql.SslRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;

/** A MySQL client built from the codec, for sending what real clients never send. */
final class RawMysqlClient implements AutoCloseable {

    static final long CAPABILITIES = Capabilities.CLIENT_MYSQL | Capabilities.CLIENT_PROTOCOL_41
            | Capabilities.CLIENT_SECURE_CONNECTION | Capabilities.CLIENT_PLUGIN_AUTH
            | Capabilities.CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA | Capabilities.CLIENT_CONNECT_WITH_DB
            | Capabilities.CLIENT_DEPRECATE_EOF | Capabilities.CLIENT_MULTI_RESULTS | Capabilities.CLIENT_MULTI_STATEMENTS
            | Capabilities.CLIENT_TRANSACTIONS;

    private Socket socket;
    private InputStream in;
    private OutputStream out;
    final HandshakeV10 greeting;

    RawMysqlClient(int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(30_000);
        in = socket.getInputStream();
        out = socket.getOutputStream();
        greeting = HandshakeV10.decode(read().payload());
    }

    /** TLS, then the full response with the token as a clear-text password; returns the gateway's answer. */
    MysqlPacket login(String token, String database) throws Exception {
        return loginWithPlugin("mysql_clear_password", (token + "\0").getBytes(StandardCharsets.UTF_8), database);
    }

    /** TLS, then the full response naming {@code plugin} with its first data; returns the gateway's answer. */
    MysqlPacket loginWithPlugin(String plugin, byte[] data, String database) throws Exception {
        return loginWithPlugin(plugin, data, database, 45);
    }

    /** As {@link #loginWithPlugin(String, byte[], String)}, in the character set (collation id) {@code characterSet}. */
    MysqlPacket loginWithPlugin(String plugin, byte[] data, String database, int characterSet) throws Exception {
        send(1, new SslRequest(CAPABILITIES | Capabilities.CLIENT_SSL, 1 << 24, 45).encode());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {new RawPgClient.TrustAll()}, new SecureRandom());
        SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(socket, "127.0.0.1", socket.getPort(), true);
        tls.startHandshake();
        socket = tls;
        in = tls.getInputStream();
        out = tls.getOutputStream();
        send(2, new HandshakeResponse41(CAPABILITIES | Capabilities.CLIENT_SSL, 1 << 24, characterSet, "raw", data, database,
                plugin, Map.of()).encode());
        return read();
    }

    void send(int sequence, byte[] payload) throws IOException {
        new MysqlPacketWriter(out).write(sequence, payload);
        out.flush();
    }

    void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** The next packet, or null when the gateway closed the connection. */
    MysqlPacket read() throws IOException {
        return new MysqlPacketReader(in, 64 << 20).read();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
