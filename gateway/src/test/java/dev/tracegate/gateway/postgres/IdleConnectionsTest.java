package dev.tracegate.gateway.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.tracegate.gateway.TestGateway;
import dev.tracegate.gateway.config.ConnectionLimits;
import dev.tracegate.gateway.config.ListenerConfig;
import dev.tracegate.wire.postgres.PgFrame;
import dev.tracegate.wire.postgres.PgFrameReader;
import dev.tracegate.wire.postgres.backend.ErrorResponse;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A thousand idle, unauthenticated connections (bench/idle-connections takes it to ten thousand):
 * under the PostgreSQL listener's default caps (256 unauthenticated, 32 of them per address) the
 * gateway holds at most its caps of them and refuses the rest at once with {@code 53300}, an open
 * session carries on, a client from another address is served, platform threads stay bounded
 * (each connection is a virtual thread), and once the flood is gone everyone is served again.
 */
class IdleConnectionsTest {

    private static final int FLOOD = 1_000;
    private static final int MAX_UNAUTHENTICATED = 256;
    private static final int PER_SOURCE = 32;
    /** A long start-up deadline: the held connections stay held while they are counted. */
    private static TestGateway gateway;

    private enum Fate { HELD, REFUSED, OTHER }

    @BeforeAll
    static void start() {
        gateway = TestGateway.start(new ListenerConfig("127.0.0.1", 0, true, new ConnectionLimits(60, 0, 0, 0)));
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    @Test
    void aThousandIdleConnectionsFromOneAddressHoldOnlyItsShareWhileOthersAreServed() throws Exception {
        int threadsBefore = ManagementFactory.getThreadMXBean().getThreadCount();
        List<Socket> flood = new ArrayList<>();
        try (Connection open = gateway.connect("app")) {
            for (int i = 0; i < FLOOD; i++) {
                flood.add(connectFrom(InetAddress.getByName("127.0.0.2")));
            }
            List<Fate> fates = fates(flood);
            assertThat(fates.stream().filter(f -> f == Fate.HELD).count()).isEqualTo(PER_SOURCE);
            assertThat(fates.stream().filter(f -> f == Fate.REFUSED).count()).isEqualTo(FLOOD - PER_SOURCE);
            assertThat(selectOne(open)).as("an open session carries on").isEqualTo(1);
            try (Connection fresh = gateway.connect("app")) {
                assertThat(selectOne(fresh)).as("a client from another address is served").isEqualTo(1);
            }
            assertThat(ManagementFactory.getThreadMXBean().getThreadCount() - threadsBefore)
                    .as("platform threads while the flood is held").isLessThan(64);
        } finally {
            closeAll(flood);
        }
    }

    @Test
    void aThousandIdleConnectionsFromManyAddressesAreCappedAndRefusedAtOnce() throws Exception {
        List<Socket> flood = new ArrayList<>();
        try (Connection open = gateway.connect("app")) {
            for (int i = 0; i < FLOOD; i++) {
                flood.add(connectFrom(InetAddress.getByName("127.0.1." + (10 + i % 40))));
            }
            List<Fate> fates = fates(flood);
            assertThat(fates).doesNotContain(Fate.OTHER);
            assertThat(fates.stream().filter(f -> f == Fate.HELD).count()).isEqualTo(MAX_UNAUTHENTICATED);
            assertThat(selectOne(open)).as("an open session carries on").isEqualTo(1);
            // With every unauthenticated place taken, a newcomer is refused at once instead of waiting. The refusal
            // (FATAL 53300) comes before the TLS handshake, so pgjdbc, which asked for TLS, reads it as a rejected
            // connection (08004, "The server does not support SSL"); a raw client reads 53300 (fates above).
            assertThatThrownBy(() -> gateway.connect("app").close()).isInstanceOfSatisfying(SQLException.class,
                    e -> assertThat(e.getSQLState()).isEqualTo("08004"));
        } finally {
            closeAll(flood);
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            try (Connection fresh = gateway.connect("app")) {
                assertThat(selectOne(fresh)).as("served again once the flood is gone").isEqualTo(1);
            }
        });
    }

    /** What became of each connection: refused with 53300 at once, or held (nothing within a few seconds). */
    private static List<Fate> fates(List<Socket> sockets) throws Exception {
        try (ExecutorService readers = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Fate>> fates = new ArrayList<>();
            for (Socket socket : sockets) {
                fates.add(readers.submit(() -> fate(socket)));
            }
            List<Fate> result = new ArrayList<>();
            for (Future<Fate> fate : fates) {
                result.add(fate.get());
            }
            return result;
        }
    }

    private static Fate fate(Socket socket) throws IOException {
        socket.setSoTimeout(5_000);
        try {
            PgFrame frame = new PgFrameReader(socket.getInputStream(), 1 << 16).read();
            return frame != null && frame.type() == ErrorResponse.TYPE
                    && ErrorResponse.decode(frame.body()).sqlState().equals("53300") ? Fate.REFUSED : Fate.OTHER;
        } catch (SocketTimeoutException e) {
            return Fate.HELD;
        }
    }

    private static Socket connectFrom(InetAddress source) throws IOException {
        Socket socket = new Socket();
        socket.bind(new InetSocketAddress(source, 0));
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), gateway.port()));
        return socket;
    }

    private static int selectOne(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery("SELECT 1")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static void closeAll(List<Socket> sockets) {
        for (Socket socket : sockets) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // Closing is all that is left to do.
            }
        }
    }
}
