package dev.tracegate.gateway.engine;

import dev.tracegate.gateway.config.ListenerConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listening socket of a protocol whose sessions run on blocking I/O: each accepted
 * connection gets a virtual thread, so a session waiting (for its server, or for approvers)
 * costs almost nothing. Closing stops accepting, closes every open session's socket and waits
 * briefly for each to record its end.
 */
public final class SessionSockets implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SessionSockets.class);

    private final ServerSocket server;
    private final String name;
    private final Function<Socket, Runnable> sessions;
    private final Map<Socket, Thread> clients = new ConcurrentHashMap<>();
    private final Thread acceptor;

    /**
     * @param name     names the threads ({@code pg}, {@code mysql})
     * @param sessions the session of an accepted connection, or {@code null} when it was turned away already
     */
    public SessionSockets(ListenerConfig config, String name, Function<Socket, Runnable> sessions) throws IOException {
        this.name = name;
        this.sessions = sessions;
        this.server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(InetAddress.getByName(config.address()), config.port()), 512);
        this.acceptor = Thread.ofPlatform().name(name + "-accept-" + port()).daemon(true).start(this::acceptLoop);
    }

    public int port() {
        return server.getLocalPort();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                Runnable session = sessions.apply(socket);
                if (session == null) {
                    continue;
                }
                Thread thread = Thread.ofVirtual().name(name + "-client-" + socket.getPort()).unstarted(() -> {
                    try {
                        session.run();
                    } finally {
                        clients.remove(socket);
                    }
                });
                clients.put(socket, thread);
                thread.start();
            } catch (IOException e) {
                if (!server.isClosed()) {
                    LOG.warn("accept failed on port {}: {}", port(), e.getMessage());
                }
            }
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException ignored) {
            // Closing is best effort.
        }
        clients.keySet().forEach(client -> {
            try {
                client.close();
            } catch (IOException ignored) {
                // Closing is best effort.
            }
        });
        try {
            acceptor.join(2_000);
            long deadline = System.nanoTime() + 5_000_000_000L;
            for (Thread session : clients.values()) {
                session.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
