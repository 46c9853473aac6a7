package dev.tracegate.gateway.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracegate.gateway.TestGateway;
import dev.tracegate.gateway.config.ConnectionConfig;
import dev.tracegate.gateway.config.UpstreamTlsMode;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gateway's own connection to the target: TLS required, verified, or refused when it cannot be trusted. */
class UpstreamTlsTest {

    @TempDir
    static Path dir;
    private static EmbeddedPostgres tlsTarget;
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
        Files.writeString(hba, "local all all trust\nhostssl all all 127.0.0.1/32 trust\nhostnossl all all 127.0.0.1/32 reject\n");
        tlsTarget = EmbeddedPostgres.builder()
                .setServerConfig("ssl", "on")
                .setServerConfig("ssl_cert_file", cert.toString())
                .setServerConfig("ssl_key_file", key.toString())
                .setServerConfig("hba_file", hba.toString())
                .start();
        gateway = TestGateway.start(List.of(
                tls("tls_disable", UpstreamTlsMode.DISABLE, null),
                tls("tls_require", UpstreamTlsMode.REQUIRE, null),
                tls("tls_verify", UpstreamTlsMode.VERIFY_FULL, cert),
                tls("tls_untrusted", UpstreamTlsMode.VERIFY_FULL, otherCert)));
    }

    @AfterAll
    static void stop() throws Exception {
        gateway.close();
        tlsTarget.close();
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
        return new ConnectionConfig(name, "postgres", "127.0.0.1", tlsTarget.getPort(), "postgres", "postgres", null,
                mode, ca == null ? null : ca.toString());
    }

    private static void openssl(String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        ClientProcess result = ClientProcess.run(null, command);
        assertThat(result.exitCode()).as(result.output()).isZero();
    }
}
