package dev.tracegate.gateway.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A target over a plain socket, for behaviour no well-behaved server has: each connection the
 * gateway opens is served by {@code connection} on a thread of its own, reading and writing bytes
 * as the test writes them.
 */
final class RawHttpTarget implements AutoCloseable {

    /** What the target does with one connection, until it ends. */
    interface Connection {
        void serve(InputStream in, OutputStream out) throws IOException;
    }

    private final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());

    RawHttpTarget(Connection connection) throws IOException {
        Thread.ofVirtual().start(() -> accept(connection));
    }

    String url() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    private void accept(Connection connection) {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                Thread.ofVirtual().start(() -> {
                    try (socket) {
                        connection.serve(socket.getInputStream(), socket.getOutputStream());
                    } catch (IOException gone) {
                        // the gateway closed the connection
                    }
                });
            } catch (IOException closed) {
                return;
            }
        }
    }

    /** A request's head up to its blank line (CRLF or bare LF), or null at the connection's end. */
    static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            head.write(b);
            String text = head.toString(StandardCharsets.ISO_8859_1);
            if (text.endsWith("\r\n\r\n") || text.endsWith("\n\n")) {
                return text;
            }
        }
        return null;
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
