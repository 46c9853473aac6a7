package dev.tracegate.gateway.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tracegate.gateway.TestGateway;
import dev.tracegate.gateway.config.ConnectionConfig;
import dev.tracegate.gateway.config.ConnectionLimits;
import dev.tracegate.gateway.config.MysqlConnectionConfig;
import dev.tracegate.gateway.config.SecretReference;
import dev.tracegate.wire.mysql.ComQuery;
import dev.tracegate.wire.mysql.CommandType;
import dev.tracegate.wire.mysql.ErrPacket;
import dev.tracegate.wire.mysql.MysqlPacket;
import dev.tracegate.wire.mysql.MysqlPacketReader;
import dev.tracegate.wire.mysql.OkPacket;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What real clients never send, and what a hostile server might: each ends (or is refused in)
 * its own session only, with an ERR packet that says why, while other sessions go on.
 */
class MysqlBadInputTest {

    private static final int MAX_MESSAGE_BYTES = 1024 * 1024;
    private static TestGateway gateway;
    private static RogueMysqlServer unknownPlugin;
    private static RogueMysqlServer localInfile;

    @BeforeAll
    static void start() throws IOException {
        TestMariaDb mariadb = TestMariaDb.get();
        unknownPlugin = new RogueMysqlServer(RogueMysqlServer.Trick.UNKNOWN_PLUGIN);
        localInfile = new RogueMysqlServer(RogueMysqlServer.Trick.LOCAL_INFILE);
        Path secret = Files.createTempFile("tracegate-mysql", ".secret");
        Files.writeString(secret, TestMariaDb.PASSWORD, StandardCharsets.UTF_8);
        SecretReference password = SecretReference.of("file:" + secret);
        List<ConnectionConfig> connections = new ArrayList<>(MysqlThroughGatewayTest.connections(mariadb));
        connections.add(new MysqlConnectionConfig("rogue_plugin", "127.0.0.1", unknownPlugin.port(), "x", "gw", password,
                null, null));
        connections.add(new MysqlConnectionConfig("rogue_infile", "127.0.0.1", localInfile.port(), "x", "gw", password,
                null, null));
        gateway = TestGateway.start(connections, MysqlThroughGatewayTest.POLICY, MAX_MESSAGE_BYTES);
    }

    @AfterAll
    static void stop() throws IOException {
        gateway.close();
        unknownPlugin.close();
        localInfile.close();
    }

    private static int port() {
        return gateway.gateway().port(MysqlEngine.PROTOCOL);
    }

    private static ErrPacket error(MysqlPacket packet) throws IOException {
        assertThat(packet).as("an ERR packet before the connection closes").isNotNull();
        assertThat(packet.isErr()).as("ERR packet").isTrue();
        return ErrPacket.decode(packet.payload());
    }

    private static void othersAreStillServed() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + port()
                + "/shop?sslMode=trust&user=analyst&password=" + TestGateway.ADMIN_TOKEN
                + MysqlThroughGatewayTest.MARIADB_CONNECTOR_J_SETTINGS);
             ResultSet rs = c.createStatement().executeQuery("SELECT name FROM customers WHERE id = 2")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("Grace Hopper");
        }
    }

    @Test
    void aLogInTrickledByteByByteIsCutAtTheStartUpDeadline() throws Exception {
        try (RawMysqlClient raw = new RawMysqlClient(port())) {
            // A handshake response that promises 200 bytes and then sends one a second: each read
            // succeeds, so only the one deadline for the whole log-in ends it.
            raw.sendRaw(new byte[] {(byte) 200, 0, 0, 1});
            Thread trickle = Thread.ofVirtual().start(() -> {
                try {
                    for (int i = 0; i < 60; i++) {
                        raw.sendRaw(new byte[] {0});
                        Thread.sleep(1_000);
                    }
                } catch (IOException | InterruptedException closed) {
                    // the gateway closed the connection
                }
            });
            ErrPacket error = error(raw.read());
            assertThat(error.message()).contains("must complete within 10 seconds", "listeners.mysql.limits.startupTimeoutSeconds");
            trickle.interrupt();
        }
        othersAreStillServed();
    }

    @Test
    void connectionsOverTheLimitPerAddressAreRefusedBeforeTheGreeting() throws Exception {
        List<RawMysqlClient> loggingIn = new ArrayList<>();
        try {
            for (int i = 0; i < ConnectionLimits.DEFAULTS.maxUnauthenticatedPerSource(); i++) {
                loggingIn.add(new RawMysqlClient(port()));
            }
            try (Socket over = new Socket("127.0.0.1", port())) {
                over.setSoTimeout(10_000);
                ErrPacket error = error(new MysqlPacketReader(over.getInputStream(), 1 << 20).read());
                assertThat(error.code()).isEqualTo(ErrPacket.TOO_MANY_CONNECTIONS);
                assertThat(error.message()).contains("already logging in");
            }
        } finally {
            for (RawMysqlClient client : loggingIn) {
                client.close();
            }
        }
        // The places are free again once those connections are gone (their sessions see them close).
        for (int attempt = 0; ; attempt++) {
            try {
                othersAreStillServed();
                return;
            } catch (SQLException stillFull) {
                if (attempt == 50) {
                    throw stillFull;
                }
                Thread.sleep(100);
            }
        }
    }

    @Test
    void aMalformedHandshakeResponseIsAProtocolViolation() throws Exception {
        try (RawMysqlClient raw = new RawMysqlClient(port())) {
            raw.send(1, new byte[] {0, 2, 0});
            assertThat(error(raw.read()).message()).startsWith("protocol violation");
            assertThat(raw.read()).isNull();
        }
        othersAreStillServed();
    }

    @Test
    void aLengthBombBeforeLoginIsRefusedFromItsHeader() throws Exception {
        try (RawMysqlClient raw = new RawMysqlClient(port())) {
            raw.sendRaw(new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 1});
            ErrPacket error = error(raw.read());
            assertThat(error.code()).isEqualTo(ErrPacket.PACKET_TOO_LARGE);
            assertThat(error.message()).contains("before authentication");
        }
        othersAreStillServed();
    }

    @Test
    void aLengthBombAfterLoginEndsOnlyItsSessionAndTheEvidenceSaysWhy() throws Exception {
        try (RawMysqlClient raw = new RawMysqlClient(port())) {
            assertThat(raw.login(TestGateway.ADMIN_TOKEN, "shop").isOk()).isTrue();
            // Announces a packet of 16 MiB and more pieces to follow: over the 1 MiB limit before any byte of it.
            raw.sendRaw(new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0});
            assertThat(error(raw.read()).message()).contains("exceeds the limit");
            assertThat(raw.read()).isNull();
        }
        othersAreStillServed();
        assertThat(gateway.events("session.close", 0).stream().map(e -> e.path("detail").path("reason").asText()))
                .anyMatch(reason -> reason.startsWith("protocol violation"));
    }

    @Test
    void aPacketThatNamesNoCommandEndsTheSession() throws Exception {
        try (RawMysqlClient raw = new RawMysqlClient(port())) {
            assertThat(raw.login(TestGateway.ADMIN_TOKEN, "shop").isOk()).isTrue();
            raw.send(0, new byte[] {(byte) 0x99, 1, 2});
            assertThat(error(raw.read()).message()).contains("names no command");
            assertThat(raw.read()).isNull();
        }
        othersAreStillServed();
    }

    @Test
    void changeUserIsRefusedAndTheSessionGoesOn() throws Exception {
        try (RawMysqlClient raw = new RawMysqlClient(port())) {
            assertThat(raw.login(TestGateway.ADMIN_TOKEN, "shop").isOk()).isTrue();
            raw.send(0, new byte[] {(byte) CommandType.CHANGE_USER.code(), 'r', 'o', 'o', 't', 0});
            assertThat(error(raw.read()).message()).contains("COM_CHANGE_USER is refused");
            raw.send(0, CommandType.PING.encode());
            assertThat(raw.read().isOk()).isTrue();
        }
    }

    @Test
    void loadDataLocalNeverReadsAFileOfTheCaller() throws Exception {
        try (RawMysqlClient raw = new RawMysqlClient(port())) {
            assertThat(raw.login(TestGateway.ADMIN_TOKEN, "shop").isOk()).isTrue();
            raw.send(0, new ComQuery("LOAD DATA LOCAL INFILE '/etc/passwd' INTO TABLE scratch").encode());
            assertThat(error(raw.read()).message()).as("MariaDB refuses: the gateway never offers it local files")
                    .isNotBlank();
        }
        try (RawMysqlClient raw = new RawMysqlClient(port())) {
            assertThat(raw.login(TestGateway.ADMIN_TOKEN, "rogue_infile").isOk()).isTrue();
            raw.send(0, new ComQuery("SELECT 1").encode());
            MysqlPacket answer = raw.read();
            assertThat(answer.header()).as("the server's file request never reaches the caller: %s",
                    answer.isErr() ? ErrPacket.decode(answer.payload()).message() : "").isEqualTo(OkPacket.HEADER);
        }
        assertThat(localInfile.fileSent.get(30, TimeUnit.SECONDS)).as("the server got an empty file").isEmpty();
    }

    @Test
    void anUpstreamAskingForAnUnknownPluginEndsThatSessionWithAClearError() throws Exception {
        try (RawMysqlClient raw = new RawMysqlClient(port())) {
            ErrPacket error = error(raw.login(TestGateway.ADMIN_TOKEN, "rogue_plugin"));
            assertThat(error.message()).contains("evil_plugin").contains("does not speak");
        }
        othersAreStillServed();
        JsonNode closed = gateway.events("session.close", 0).stream()
                .filter(e -> e.path("detail").path("reason").asText().contains("evil_plugin")).findFirst().orElseThrow();
        assertThat(closed.path("detail").path("reason").asText()).startsWith("upstream unavailable");
    }

    @Test
    void aCharacterSetWhoseCharactersCanHideAQuoteIsRefused() throws Exception {
        for (int gbkOrSjisOrBig5 : new int[] {28, 13, 1, 95, 248}) {
            try (RawMysqlClient raw = new RawMysqlClient(port())) {
                ErrPacket error = error(raw.loginWithPlugin("mysql_clear_password",
                        (TestGateway.ADMIN_TOKEN + "\0").getBytes(StandardCharsets.UTF_8), "shop", gbkOrSjisOrBig5));
                assertThat(error.message()).contains("is not one the gateway reads SQL in");
            }
        }
        try (RawMysqlClient raw = new RawMysqlClient(port())) {
            assertThat(raw.loginWithPlugin("mysql_clear_password",
                    (TestGateway.ADMIN_TOKEN + "\0").getBytes(StandardCharsets.UTF_8), "shop", 8).isOk()).isTrue();
        }
    }

    @Test
    void aCallerWhoAnswersTheCachingSha2RequestForTheRsaKeyIsRefused() throws Exception {
        try (RawMysqlClient raw = new RawMysqlClient(port())) {
            // Over TLS the gateway asks for full authentication; a client asking for the RSA key instead gets no key.
            MysqlPacket first = raw.loginWithPlugin("caching_sha2_password", new byte[32], "shop");
            assertThat(first.header()).isEqualTo(1);
            raw.send(first.sequence() + 1, new byte[] {2});
            assertThat(error(raw.read()).message()).contains("only over TLS");
        }
    }
}
