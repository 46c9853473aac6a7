package dev.tracegate.gateway.siem;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;

/**
 * A syslog receiver over TLS, as rsyslog or a SIEM's collector runs one: it accepts connections and
 * reads octet-counted frames ({@code LENGTH SP MESSAGE}, RFC 6587), keeping each message. A peer the
 * tests start, not a stand-in for gateway code.
 */
final class SyslogTlsReceiver implements AutoCloseable {

    private final SSLServerSocket server;
    private final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
    private final List<Socket> connections = new CopyOnWriteArrayList<>();

    private SyslogTlsReceiver(SSLServerSocket server) {
        this.server = server;
        Thread.ofVirtual().start(this::accept);
    }

    /** Listens on {@code port} of 127.0.0.1 (0: any free port). */
    static SyslogTlsReceiver start(SSLContext tls, int port) throws IOException {
        SSLServerSocket server = (SSLServerSocket) tls.getServerSocketFactory().createServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        return new SyslogTlsReceiver(server);
    }

    int port() {
        return server.getLocalPort();
    }

    BlockingQueue<String> messages() {
        return messages;
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                connections.add(socket);
                Thread.ofVirtual().start(() -> read(socket));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void read(Socket socket) {
        try (InputStream in = new BufferedInputStream(socket.getInputStream())) {
            while (true) {
                int length = 0;
                int c = in.read();
                if (c < 0) {
                    return;
                }
                while (c != ' ') {
                    if (c < '0' || c > '9') {
                        throw new IOException("not an octet count: " + (char) c);
                    }
                    length = length * 10 + (c - '0');
                    c = in.read();
                }
                messages.add(new String(in.readNBytes(length), StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            messages.add("RECEIVER ERROR " + e.getMessage());
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket socket : connections) {
            socket.close();
        }
    }
}
