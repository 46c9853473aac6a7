package dev.tracegate.gateway.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The upstream connect of a session on an operating-system thread: untimed, so that its socket stays
 * blocking, yet it still gives up after the limit with a timeout a user can read, and a refused
 * connect is reported as refused. A server whose accept queue is full drops new SYNs, so a connect to
 * it waits: the limit must end that wait.
 */
class BlockingConnectTest {

    @Test
    void aConnectThatHangsEndsAtTheLimitWithATimeout() throws Exception {
        try (BlockingConnect connects = new BlockingConnect();
             ServerSocket full = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            List<Socket> queued = fillAcceptQueue(full);
            try {
                AtomicReference<Throwable> thrown = new AtomicReference<>();
                long started = System.nanoTime();
                Thread platform = Thread.ofPlatform().start(() -> {
                    try (Socket socket = new Socket()) {
                        connects.connect(socket, full.getLocalSocketAddress(), 300);
                    } catch (IOException e) {
                        thrown.set(e);
                    }
                });
                platform.join(30_000);
                assertThat(platform.isAlive()).as("the connect ended").isFalse();
                assertThat(thrown.get()).isInstanceOf(SocketTimeoutException.class)
                        .hasMessage("connect timed out after 300 ms");
                assertThat((System.nanoTime() - started) / 1_000_000).as("it waited for the limit").isGreaterThanOrEqualTo(300);
            } finally {
                for (Socket socket : queued) {
                    socket.close();
                }
            }
        }
    }

    @Test
    void aRefusedConnectIsReportedAsRefused() throws Exception {
        int closedPort;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = probe.getLocalPort();
        }
        try (BlockingConnect connects = new BlockingConnect(); Socket socket = new Socket()) {
            assertThatThrownBy(() -> connects.connect(socket,
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), closedPort), 5_000))
                    .isInstanceOf(ConnectException.class);
        }
    }

    @Test
    void aConnectWithinTheLimitLeavesAnOpenSocket() throws Exception {
        try (BlockingConnect connects = new BlockingConnect();
             ServerSocket server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
             Socket socket = new Socket()) {
            connects.connect(socket, server.getLocalSocketAddress(), 5_000);
            Thread.sleep(50);
            assertThat(socket.isConnected()).isTrue();
            assertThat(socket.isClosed()).as("the limit's timer was cancelled").isFalse();
        }
    }

    /** Connections the server never accepts, until a new one is no longer answered at once. */
    private static List<Socket> fillAcceptQueue(ServerSocket server) throws IOException {
        List<Socket> queued = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            Socket socket = new Socket();
            try {
                socket.connect(server.getLocalSocketAddress(), 200);
                queued.add(socket);
            } catch (SocketTimeoutException full) {
                socket.close();
                return queued;
            }
        }
        return queued;
    }
}
