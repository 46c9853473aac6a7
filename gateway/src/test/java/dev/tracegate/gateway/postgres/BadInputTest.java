package dev.tracegate.gateway.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracegate.gateway.TestGateway;
import dev.tracegate.gateway.TestTarget;
import dev.tracegate.gateway.config.UpstreamTlsMode;
import dev.tracegate.wire.postgres.PgFrame;
import dev.tracegate.wire.postgres.backend.AuthenticationCleartextPassword;
import dev.tracegate.wire.postgres.backend.ErrorResponse;
import dev.tracegate.wire.postgres.backend.NegotiateProtocolVersion;
import dev.tracegate.wire.postgres.backend.ReadyForQuery;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Wrong credentials, unknown targets, hostile bytes and a dead upstream: clear errors, nothing else breaks. */
class BadInputTest {

    private static TestGateway gateway;
    private static int deadPort;

    @BeforeAll
    static void start() throws Exception {
        try (ServerSocket probe = new ServerSocket(0)) {
            deadPort = probe.getLocalPort();
        }
        gateway = TestGateway.start(List.of(new dev.tracegate.gateway.config.PostgresConnectionConfig("down",
                "127.0.0.1", deadPort, "appdb", TestTarget.TRUST_USER, null, UpstreamTlsMode.DISABLE,
                dev.tracegate.gateway.config.UpstreamAuth.TRUST, null, null)));
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    @Test
    void wrongTokenIsRefusedWith28P01() {
        Properties props = new Properties();
        props.setProperty("password", "not-a-valid-token");
        assertThatThrownBy(() -> DriverManager.getConnection(gateway.jdbcUrl("app"), props).close())
                .isInstanceOf(SQLException.class)
                .satisfies(e -> {
                    assertThat(((SQLException) e).getSQLState()).isEqualTo("28P01");
                    assertThat(e.getMessage()).doesNotContain("not-a-valid-token");
                });
        assertGatewayStillServes();
    }

    @Test
    void unknownConnectionIs3D000() {
        assertThatThrownBy(() -> gateway.connect("no_such_connection").close())
                .isInstanceOf(SQLException.class)
                .satisfies(e -> {
                    assertThat(((SQLException) e).getSQLState()).isEqualTo("3D000");
                    assertThat(e.getMessage()).contains("no_such_connection");
                });
    }

    @Test
    void upstreamDownIsAClean08Error() {
        assertThatThrownBy(() -> gateway.connect("down").close())
                .isInstanceOf(SQLException.class)
                .satisfies(e -> {
                    assertThat(((SQLException) e).getSQLState()).startsWith("08");
                    assertThat(e.getMessage()).contains("down").contains(Integer.toString(deadPort));
                });
        assertGatewayStillServes();
    }

    @Test
    void cleartextWithoutTlsIsRefused() throws Exception {
        try (RawPgClient client = new RawPgClient(gateway.port())) {
            client.startup(3, 0, Map.of("user", "alice", "database", "app"));
            ErrorResponse error = client.readUntilError();
            assertThat(error).isNotNull();
            assertThat(error.sqlState()).isEqualTo("28000");
            assertThat(error.message()).contains("TLS");
        }
    }

    @Test
    void cleartextOnLoopbackIsAcceptedOnlyWhenConfigured() throws Exception {
        var loopbackOnly = new dev.tracegate.gateway.config.ListenerConfig("127.0.0.1", 0, true);
        var config = gateway.gateway().config();
        var relaxed = new dev.tracegate.gateway.config.GatewayConfig(
                java.nio.file.Files.createTempDirectory("tracegate-loopback").toString(),
                new dev.tracegate.gateway.config.ListenersConfig(loopbackOnly, new dev.tracegate.gateway.config.ListenerConfig("127.0.0.1", 0, false)),
                null, null, config.evidence(), config.identities(), config.connections(), 0, null, null);
        try (dev.tracegate.gateway.Gateway plain = dev.tracegate.gateway.Gateway.start(relaxed);
             RawPgClient client = new RawPgClient(plain.postgresPort())) {
            authenticate(client);
        }
    }

    @Test
    void garbageBytesCloseOnlyThatConnection() throws Exception {
        try (RawPgClient client = new RawPgClient(gateway.port())) {
            client.sendRaw("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(client.closedByPeer()).isTrue();
        }
        assertGatewayStillServes();
    }

    @Test
    void aTwoGigabyteMessageLengthEndsTheSessionWithAnError() throws Exception {
        try (RawPgClient client = new RawPgClient(gateway.port()).tls()) {
            authenticate(client);
            // 'Q' claiming 2,000,000,000 bytes, followed by almost nothing.
            client.sendRaw(new byte[] {'Q', 0x77, 0x35, (byte) 0x94, 0x00, 'x'});
            ErrorResponse error = client.readUntilError();
            assertThat(error).isNotNull();
            assertThat(error.sqlState()).isEqualTo("08P01");
            assertThat(error.message()).contains("exceeds");
            assertThat(client.closedByPeer()).isTrue();
        }
        assertGatewayStillServes();
    }

    @Test
    void gssEncryptionIsRefusedAndStartupContinues() throws Exception {
        try (RawPgClient client = new RawPgClient(gateway.port())) {
            // GSSENCRequest: length 8, code 80877104.
            client.sendRaw(new byte[] {0, 0, 0, 8, 0x04, (byte) 0xd2, 0x16, 0x30});
            assertThat(client.readByte()).isEqualTo('N');
            // Start-up continues on the same connection, as after a refused SSLRequest.
            client.tls();
            authenticate(client);
        }
    }

    @Test
    void protocol32IsNegotiatedDownTo30() throws Exception {
        try (RawPgClient client = new RawPgClient(gateway.port()).tls()) {
            client.startup(3, 2, Map.of("user", "alice", "database", "app", "_pq_.test_option", "1"));
            PgFrame first = client.read();
            assertThat(first.type()).isEqualTo(NegotiateProtocolVersion.TYPE);
            NegotiateProtocolVersion negotiated = NegotiateProtocolVersion.decode(first.body());
            assertThat(negotiated.newestMinorVersion()).isZero();
            assertThat(negotiated.unrecognizedOptions()).containsExactly("_pq_.test_option");
            assertThat(client.read().type()).isEqualTo((byte) 'R');
            client.password(TestGateway.ALICE_TOKEN);
            assertReady(client);
        }
    }

    @Test
    void encodingsThatCouldHideQuotesFromTheGuardAreRefusedAtStartup() throws Exception {
        for (Map<String, String> unsafe : List.of(
                Map.of("user", "alice", "database", "app", "client_encoding", "SJIS"),
                Map.of("user", "alice", "database", "app", "client_encoding", "big5"),
                Map.of("user", "alice", "database", "app", "standard_conforming_strings", "off"))) {
            try (RawPgClient client = new RawPgClient(gateway.port()).tls()) {
                client.startup(3, 0, unsafe);
                ErrorResponse error = client.readUntilError();
                assertThat(error).as(unsafe.toString()).isNotNull();
                assertThat(error.sqlState()).isEqualTo("42501");
            }
        }
        try (RawPgClient client = new RawPgClient(gateway.port()).tls()) {
            client.startup(3, 0, Map.of("user", "alice", "database", "app", "client_encoding", "UTF8"));
            assertThat(client.read().type()).isEqualTo((byte) 'R');
        }
    }

    @Test
    void directTlsWithAlpnIsAccepted() throws Exception {
        try (RawPgClient client = new RawPgClient(gateway.port()).directTls()) {
            authenticate(client);
        }
    }

    @Test
    void directTlsWithoutAlpnIsRefusedInTheClientsProtocol() throws Exception {
        try (RawPgClient client = new RawPgClient(gateway.port()).directTlsWithoutAlpn()) {
            PgFrame refusal = client.read();
            assertThat(refusal.type()).isEqualTo(ErrorResponse.TYPE);
            assertThat(new String(refusal.body(), StandardCharsets.UTF_8)).contains("08P01").contains("ALPN");
            assertThat(client.read()).as("the gateway closed the connection").isNull();
        }
    }

    private static void authenticate(RawPgClient client) throws Exception {
        client.startup(3, 0, Map.of("user", "alice", "database", "app"));
        PgFrame request = client.read();
        assertThat(request.type()).isEqualTo((byte) 'R');
        assertThat(request.body()).isEqualTo(AuthenticationCleartextPassword.INSTANCE.encode().body());
        client.password(TestGateway.ALICE_TOKEN);
        assertReady(client);
    }

    private static void assertReady(RawPgClient client) throws Exception {
        for (PgFrame frame = client.read(); ; frame = client.read()) {
            assertThat(frame).as("gateway closed before ReadyForQuery").isNotNull();
            assertThat(frame.type()).as("unexpected error").isNotEqualTo(ErrorResponse.TYPE);
            if (frame.type() == ReadyForQuery.TYPE) {
                return;
            }
        }
    }

    private static void assertGatewayStillServes() {
        try (Connection c = gateway.connect("app"); Statement sql = c.createStatement();
             ResultSet rs = sql.executeQuery("SELECT 7")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(7);
        } catch (SQLException e) {
            throw new AssertionError("the gateway stopped serving other sessions", e);
        }
    }
}
