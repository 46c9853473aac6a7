package dev.tracegate.gateway.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracegate.gateway.TestGateway;
import dev.tracegate.gateway.config.ConnectionConfig;
import dev.tracegate.gateway.config.PostgresConnectionConfig;
import dev.tracegate.gateway.config.UpstreamAuth;
import dev.tracegate.gateway.config.UpstreamTlsMode;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import dev.tracegate.gateway.config.SecretReference;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.security.KeyStore;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway's own connection to the target: TLS required, verified, or refused when it cannot be
 * trusted; and SCRAM bound to the TLS connection, so that a man in the middle who terminates
 * {@code tls: require} with a certificate of his own cannot relay the gateway's login.
 */
class UpstreamTlsTest {

    private static final String SCRAM_ROLE = "tls_scram";
    private static final String ROLE_PASSWORD = "Tls-Upstream-Secret-41c9";

    @TempDir
    static Path dir;
    private static EmbeddedPostgres tlsTarget;
    private static TlsRelay relay;
    private static TestGateway gateway;

    @BeforeAll
    static void start() throws Exception {
        Path cert = dir.resolve("server.crt");
        Path key = dir.resolve("server.key");
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
                "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
                "-keyout", key.toString(), "-out", cert.toString());
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        Path otherCert = dir.resolve("other.crt");
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
                "-subj", "/CN=someone-else", "-keyout", dir.resolve("other.key").toString(), "-out", otherCert.toString());
        Path hba = dir.resolve("pg_hba.conf");
        Files.writeString(hba, "local all all trust\nhostssl all " + SCRAM_ROLE + " 127.0.0.1/32 scram-sha-256\n"
                + "hostssl all all 127.0.0.1/32 trust\nhostnossl all all 127.0.0.1/32 reject\n");
        tlsTarget = EmbeddedPostgres.builder()
                .setServerConfig("ssl", "on")
                .setServerConfig("ssl_cert_file", cert.toString())
                .setServerConfig("ssl_key_file", key.toString())
                .setServerConfig("hba_file", hba.toString())
                .start();
        try (Connection c = tlsTarget.getPostgresDatabase().getConnection(); Statement sql = c.createStatement()) {
            sql.execute("CREATE ROLE " + SCRAM_ROLE + " LOGIN PASSWORD '" + ROLE_PASSWORD + "'");
        }
        Path otherStore = dir.resolve("other.p12");
        openssl("pkcs12", "-export", "-in", otherCert.toString(), "-inkey", dir.resolve("other.key").toString(),
                "-out", otherStore.toString(), "-passout", "pass:relay");
        relay = new TlsRelay(otherStore, tlsTarget.getPort());
        Path password = dir.resolve("role-password");
        Files.writeString(password, ROLE_PASSWORD);
        SecretReference held = SecretReference.of("file:" + password);
        gateway = TestGateway.start(List.of(
                tls("tls_disable", UpstreamTlsMode.DISABLE, null),
                tls("tls_require", UpstreamTlsMode.REQUIRE, null),
                tls("tls_verify", UpstreamTlsMode.VERIFY_FULL, cert),
                tls("tls_untrusted", UpstreamTlsMode.VERIFY_FULL, otherCert),
                scram("tls_scram_plus", tlsTarget.getPort(), held, UpstreamAuth.SCRAM_PLUS),
                scram("tls_scram_relayed", relay.port(), held, UpstreamAuth.SCRAM),
                new PostgresConnectionConfig("tls_trust_relayed", "127.0.0.1", relay.port(), "postgres", "postgres",
                        null, UpstreamTlsMode.REQUIRE, UpstreamAuth.TRUST, null, null)));
    }

    @AfterAll
    static void stop() throws Exception {
        gateway.close();
        relay.close();
        tlsTarget.close();
    }

    @Test
    void scramPlusBindsTheLoginToTheServersCertificate() throws SQLException {
        assertThat(upstreamSslInUse("tls_scram_plus")).isTrue();
    }

    @Test
    void aRelayWithItsOwnCertificateCannotPassTheGatewaysScramLoginOn() throws SQLException {
        // The relay works: tls: require alone trusts its certificate, and a trusting role gets through it.
        assertThat(upstreamSslInUse("tls_trust_relayed")).isTrue();
        // SCRAM carries the hash of the certificate the gateway saw, which is not the server's own,
        // so the real server refuses the relayed login.
        assertThatThrownBy(() -> gateway.connect("tls_scram_relayed").close())
                .isInstanceOf(SQLException.class)
                .satisfies(e -> {
                    assertThat(((SQLException) e).getSQLState()).isEqualTo("08004");
                    assertThat(e.getMessage()).contains("tls_scram_relayed").doesNotContain(ROLE_PASSWORD);
                });
    }

    @Test
    void requireEncryptsTheUpstreamConnection() throws SQLException {
        assertThat(upstreamSslInUse("tls_require")).isTrue();
    }

    @Test
    void verifyFullChecksTheCertificateAgainstTheConfiguredCa() throws SQLException {
        assertThat(upstreamSslInUse("tls_verify")).isTrue();
    }

    @Test
    void anUntrustedCertificateIsRefusedWithAClearError() {
        assertThatThrownBy(() -> gateway.connect("tls_untrusted").close())
                .isInstanceOf(SQLException.class)
                .satisfies(e -> {
                    assertThat(((SQLException) e).getSQLState()).isEqualTo("08001");
                    assertThat(e.getMessage()).contains("TLS to connection tls_untrusted failed");
                });
    }

    @Test
    void disableIsRejectedByATargetThatDemandsTls() {
        assertThatThrownBy(() -> gateway.connect("tls_disable").close())
                .isInstanceOf(SQLException.class)
                .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("08004"));
    }

    private static boolean upstreamSslInUse(String connection) throws SQLException {
        try (Connection c = gateway.connect(connection); Statement sql = c.createStatement();
             ResultSet rs = sql.executeQuery("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")) {
            assertThat(rs.next()).isTrue();
            return rs.getBoolean(1);
        }
    }

    private static ConnectionConfig tls(String name, UpstreamTlsMode mode, Path ca) {
        return new PostgresConnectionConfig(name, "127.0.0.1", tlsTarget.getPort(), "postgres", "postgres", null,
                mode, UpstreamAuth.TRUST, ca == null ? null : ca.toString(), null);
    }

    private static ConnectionConfig scram(String name, int port, SecretReference password, UpstreamAuth auth) {
        return new PostgresConnectionConfig(name, "127.0.0.1", port, "postgres", SCRAM_ROLE, password,
                UpstreamTlsMode.REQUIRE, auth, null, null);
    }

    private static void openssl(String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        ClientProcess result = ClientProcess.run(null, command);
        assertThat(result.exitCode()).as(result.output()).isZero();
    }

    /**
     * A man in the middle, written in this test because a real PostgreSQL never is one: it answers
     * the gateway's SSLRequest, terminates TLS with a certificate of its own, opens its own TLS
     * connection to the real server and copies bytes both ways.
     */
    private static final class TlsRelay implements AutoCloseable {
        private final ServerSocket server;
        private final SSLContext front;
        private final int targetPort;

        TlsRelay(Path keyStore, int targetPort) throws Exception {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(keyStore)) {
                keys.load(in, "relay".toCharArray());
            }
            KeyManagerFactory managers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            managers.init(keys, "relay".toCharArray());
            this.front = SSLContext.getInstance("TLS");
            front.init(managers.getKeyManagers(), null, null);
            this.targetPort = targetPort;
            this.server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
            Thread.ofVirtual().start(this::acceptLoop);
        }

        int port() {
            return server.getLocalPort();
        }

        private void acceptLoop() {
            while (!server.isClosed()) {
                try {
                    Socket client = server.accept();
                    Thread.ofVirtual().start(() -> relay(client));
                } catch (IOException e) {
                    return;
                }
            }
        }

        private void relay(Socket client) {
            try (client; Socket upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort)) {
                client.getInputStream().readNBytes(8);
                client.getOutputStream().write('S');
                SSLSocket gatewaySide = (SSLSocket) front.getSocketFactory().createSocket(client, null, client.getPort(), false);
                gatewaySide.setUseClientMode(false);
                gatewaySide.startHandshake();
                upstream.getOutputStream().write(new byte[] {0, 0, 0, 8, 0x04, (byte) 0xd2, 0x16, 0x2f});
                if (upstream.getInputStream().read() != 'S') {
                    return;
                }
                SSLContext back = SSLContext.getInstance("TLS");
                back.init(null, new TrustManager[] {new RawPgClient.TrustAll()}, null);
                SSLSocket serverSide = (SSLSocket) back.getSocketFactory().createSocket(upstream, "127.0.0.1", targetPort, true);
                serverSide.startHandshake();
                Thread copy = Thread.ofVirtual().start(() -> copy(serverSide, gatewaySide));
                copy(gatewaySide, serverSide);
                copy.join();
            } catch (Exception e) {
                // Either side hung up; the relay's job for this connection is over.
            }
        }

        private static void copy(Socket from, Socket to) {
            try {
                from.getInputStream().transferTo(to.getOutputStream());
            } catch (IOException e) {
                // One side closed.
            } finally {
                try {
                    to.close();
                } catch (IOException ignored) {
                    // Already closed.
                }
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
