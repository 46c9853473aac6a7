package dev.tracegate.gateway.engine;

import dev.tracegate.gateway.config.ListenerConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listening socket of a protocol whose sessions run on blocking I/O: each accepted
 * connection's session runs on a thread of its own from its first byte, an operating-system
 * thread while {@link SessionThreads} has a place, a virtual one otherwise (a session waiting, for
 * its server or for approvers, then costs almost nothing). Closing stops accepting, closes every open session's socket and waits
 * briefly for each to record its end.
 */
public final class SessionSockets implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SessionSockets.class);

    private final ServerSocket server;
    private final String name;
    private final SessionThreads threads;
    private final BiFunction<Socket, RelayThreads, Runnable> sessions;
    private final Map<Socket, Relay> clients = new ConcurrentHashMap<>();
    private final Thread acceptor;

    /**
     * @param name     names the threads ({@code pg}, {@code mysql})
     * @param threads  where accepted connections' sessions run
     * @param sessions the session of an accepted connection on the threads it was given, or {@code null} when it
     *                 was turned away already
     */
    public SessionSockets(ListenerConfig config, String name, SessionThreads threads,
                          BiFunction<Socket, RelayThreads, Runnable> sessions) throws IOException {
        this.name = name;
        this.threads = threads;
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
                RelayThreads place = threads.forConnection();
                Runnable session = sessions.apply(socket, place);
                if (session == null) {
                    place.close();
                    continue;
                }
                Relay running = new Relay(() -> {
                    try {
                        session.run();
                    } finally {
                        place.close();
                        clients.remove(socket);
                    }
                });
                clients.put(socket, running);
                place.start(name + "-client-" + socket.getPort(), running);
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
            for (Relay session : clients.values()) {
                session.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
