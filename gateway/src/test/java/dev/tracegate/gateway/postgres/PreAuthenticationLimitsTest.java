package dev.tracegate.gateway.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tracegate.gateway.TestGateway;
import dev.tracegate.gateway.config.ConfigLoader;
import dev.tracegate.gateway.config.CallerLimits;
import dev.tracegate.gateway.config.ConnectionLimits;
import dev.tracegate.gateway.config.ListenerConfig;
import dev.tracegate.gateway.evidence.AuthFailureRecorder;
import dev.tracegate.wire.postgres.PgFrame;
import dev.tracegate.wire.postgres.backend.ErrorResponse;
import dev.tracegate.wire.postgres.frontend.SslRequest;
import dev.tracegate.wire.postgres.frontend.StartupMessage;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an unauthenticated client can hold: raw sockets that stall, trickle, claim huge messages,
 * crowd in from one address or fail to log in a thousand times, while a legitimate client keeps
 * being served.
 */
class PreAuthenticationLimitsTest {

    private static final InetAddress OTHER_SOURCE = loopback("127.0.0.2");
    private static final int PER_SOURCE = 4;

    /** A one-second start-up deadline; cleartext from loopback so a raw client can read the gateway's errors. */
    private static TestGateway quick;
    /** A long deadline, so held connections stay held while the per-source cap is tested. */
    private static TestGateway patient;

    @BeforeAll
    static void start() {
        quick = TestGateway.start(new ListenerConfig("127.0.0.1", 0, true, new ConnectionLimits(1, 0, 0, 0)),
                new CallerLimits(0, 0, 0, 0, 0, 1_000_000, 0, 0));
        // The thousand failed logins run here: a 1 s deadline on each of them fails on a loaded machine.
        patient = TestGateway.start(new ListenerConfig("127.0.0.1", 0, true,
                new ConnectionLimits(120, 0, 0, PER_SOURCE)), new CallerLimits(0, 0, 0, 0, 0, 1_000_000, 0, 0));
    }

    @AfterAll
    static void stop() {
        quick.close();
        patient.close();
    }

    @Test
    void aClientThatSendsNothingIsToldAndClosedWhenTheDeadlinePasses() throws Exception {
        try (RawPgClient client = new RawPgClient(quick.port())) {
            ErrorResponse error = client.readUntilError();
            assertThat(error).isNotNull();
            assertThat(error.sqlState()).isEqualTo("57014");
            assertThat(error.message()).contains("within 1 s");
            assertThat(client.closedByPeer()).isTrue();
        }
        assertServes(quick);
    }

    @Test
    void aClientThatTricklesItsStartUpPacketIsClosedAtTheDeadline() throws Exception {
        byte[] startup = startupBytes();
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), quick.port())) {
            socket.setSoTimeout(30_000);
            // One byte every 200 ms: each read the gateway makes completes quickly, the whole never does.
            try {
                for (byte b : startup) {
                    socket.getOutputStream().write(b);
                    socket.getOutputStream().flush();
                    Thread.sleep(200);
                }
            } catch (SocketException closedWhileWriting) {
                // The gateway hung up on us: what this test expects.
            }
            assertThat(endsWithoutReady(socket.getInputStream())).isTrue();
        }
        assertServes(quick);
    }

    @Test
    void aClientThatStallsInTheTlsHandshakeIsClosedAtTheDeadline() throws Exception {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), quick.port())) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(lengthPrefixed(SslRequest.INSTANCE.encodeBody()));
            assertThat(socket.getInputStream().read()).isEqualTo('S');
            // Never send a ClientHello.
            assertThat(endsWithoutReady(socket.getInputStream())).isTrue();
        }
        assertServes(quick);
    }

    @Test
    void aClientThatNeverSendsItsTokenIsToldAndClosedAtTheDeadline() throws Exception {
        try (RawPgClient client = new RawPgClient(quick.port())) {
            client.startup(3, 0, Map.of("user", "alice", "database", "app"));
            assertThat(client.read().type()).isEqualTo((byte) 'R');
            ErrorResponse error = client.readUntilError();
            assertThat(error).isNotNull();
            assertThat(error.sqlState()).isEqualTo("57014");
        }
    }

    @Test
    void anOversizedPasswordMessageIsRefusedBeforeItIsRead() throws Exception {
        try (RawPgClient client = new RawPgClient(quick.port())) {
            client.startup(3, 0, Map.of("user", "alice", "database", "app"));
            assertThat(client.read().type()).isEqualTo((byte) 'R');
            // 'p' claiming 64 MiB, followed by only 1 KiB: the answer must not wait for the rest.
            byte[] claim = {'p', 0x04, 0x00, 0x00, 0x04};
            client.sendRaw(claim);
            client.sendRaw(new byte[1024]);
            ErrorResponse error = client.readUntilError();
            assertThat(error).isNotNull();
            assertThat(error.sqlState()).isEqualTo("08P01");
            assertThat(error.message()).contains(Integer.toString(PostgresSession.MAX_PASSWORD_MESSAGE_BYTES));
            assertThat(client.closedByPeer()).isTrue();
        }
        assertServes(quick);
    }

    @Test
    void oneSourceCannotHoldMoreThanItsShareWhileOtherSourcesAreServed() throws Exception {
        List<Socket> held = new ArrayList<>();
        try {
            for (int i = 0; i < PER_SOURCE; i++) {
                held.add(connectFrom(OTHER_SOURCE, patient.port()));
            }
            try (Socket extra = connectFrom(OTHER_SOURCE, patient.port())) {
                ErrorResponse refused = firstError(extra.getInputStream());
                assertThat(refused.sqlState()).isEqualTo("53300");
                assertThat(refused.message()).contains("127.0.0.2");
            }
            assertServes(patient);
        } finally {
            for (Socket socket : held) {
                socket.close();
            }
        }
        // Once the held connections are gone, the source is welcome again.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            Properties props = new Properties();
            props.setProperty("localSocketAddress", OTHER_SOURCE.getHostAddress());
            try (Connection c = patient.connect("app", props)) {
                assertThat(c.isValid(5)).isTrue();
            }
        });
    }

    @Test
    void aThousandFailedLoginsLeaveABoundedNumberOfEventsWhoseCountsAddUpToAThousand() throws Exception {
        patient.gateway().evidence().authFailures().flush().get(30, TimeUnit.SECONDS);
        long before = patient.gateway().evidence().size();
        String longName = "n".repeat(4_500);
        for (int i = 0; i < 1000; i++) {
            try (RawPgClient client = new RawPgClient(patient.port())) {
                client.startup(3, 0, Map.of("user", i % 2 == 0 ? longName : "mallory", "database", longName.substring(i % 7)));
                assertThat(client.read().type()).isEqualTo((byte) 'R');
                client.password("tg_guess_" + i);
                assertThat(client.readUntilError().sqlState()).isEqualTo("28P01");
            }
            if (i % 100 == 0) {
                assertServes(patient);
            }
        }
        patient.gateway().evidence().authFailures().flush().get(30, TimeUnit.SECONDS);
        List<JsonNode> failures = patient.events("auth.failure", before);
        long counted = failures.stream().mapToLong(event -> event.path("detail").path("count").asLong()).sum();
        assertThat(counted).isEqualTo(1000);
        // Five written one by one, the rest in one summary (two, if a window closed during the test).
        assertThat(failures).hasSizeLessThanOrEqualTo(2 * (AuthFailureRecorder.INDIVIDUAL_PER_SOURCE + 1));
        assertThat(failures).anySatisfy(event -> {
            assertThat(event.path("detail").path("summary").asBoolean()).isTrue();
            assertThat(event.path("detail").path("source").asText()).isEqualTo("127.0.0.1");
        });
        for (JsonNode event : failures) {
            assertThat(event.toString().length()).as("event size").isLessThan(1_000);
        }
    }

    @Test
    void limitsAreReadFromTheConfigurationFileAndDefaultWhenAbsent(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("tracegate.yaml");
        Files.writeString(file, """
                listeners:
                  postgres:
                    limits: {startupTimeoutSeconds: 3, maxUnauthenticatedPerSource: 8}
                """);
        ConnectionLimits limits = ConfigLoader.load(file).listeners().postgres().limits();
        assertThat(limits).isEqualTo(new ConnectionLimits(3, 1000, 256, 8));
        Files.writeString(file, "listeners: {postgres: {port: 6543}}\n");
        assertThat(ConfigLoader.load(file).listeners().postgres().limits()).isEqualTo(new ConnectionLimits(10, 1000, 256, 32));
        Files.writeString(file, "listeners: {api: {limits: {startupTimeoutSeconds: 5}}}\n");
        assertThatThrownBy(() -> ConfigLoader.load(file)).hasMessageContaining("limits are for the postgres, mysql and ssh listeners");
    }

    private static void assertServes(TestGateway gateway) {
        try (Connection c = gateway.connect("app"); Statement sql = c.createStatement();
             ResultSet rs = sql.executeQuery("SELECT 42")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(42);
        } catch (SQLException e) {
            throw new AssertionError("the gateway stopped serving a legitimate client", e);
        }
    }

    private static Socket connectFrom(InetAddress source, int port) throws IOException {
        Socket socket = new Socket();
        socket.bind(new InetSocketAddress(source, 0));
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        socket.setSoTimeout(30_000);
        return socket;
    }

    private static ErrorResponse firstError(InputStream in) throws IOException {
        PgFrame frame = new dev.tracegate.wire.postgres.PgFrameReader(in, 1 << 16).read();
        assertThat(frame).isNotNull();
        assertThat(frame.type()).isEqualTo(ErrorResponse.TYPE);
        return ErrorResponse.decode(frame.body());
    }

    /** True when the stream ends (or is reset) without the session ever becoming ready. */
    private static boolean endsWithoutReady(InputStream in) throws IOException {
        try {
            for (int b = in.read(); b >= 0; b = in.read()) {
                if (b == 'Z') {
                    return false;
                }
            }
            return true;
        } catch (SocketException reset) {
            return true;
        }
    }

    private static byte[] startupBytes() {
        return lengthPrefixed(new StartupMessage(3, 0, Map.of("user", "alice", "database", "app")).encodeBody());
    }

    private static byte[] lengthPrefixed(byte[] body) {
        byte[] packet = new byte[body.length + 4];
        int length = packet.length;
        packet[0] = (byte) (length >>> 24);
        packet[1] = (byte) (length >>> 16);
        packet[2] = (byte) (length >>> 8);
        packet[3] = (byte) length;
        System.arraycopy(body, 0, packet, 4, body.length);
        return packet;
    }

    private static InetAddress loopback(String address) {
        try {
            return InetAddress.getByName(address);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
