package dev.tracegate.gateway.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracegate.gateway.TestGateway;
import dev.tracegate.gateway.config.ConnectionConfig;
import dev.tracegate.gateway.config.MysqlConnectionConfig;
import dev.tracegate.gateway.config.SecretReference;
import dev.tracegate.gateway.config.UpstreamTlsMode;
import dev.tracegate.gateway.mysql.CachingSha2Server.Login;
import dev.tracegate.gateway.mysql.CachingSha2Server.Path;
import dev.tracegate.wire.mysql.ComQuery;
import dev.tracegate.wire.mysql.CommandType;
import dev.tracegate.wire.mysql.ErrPacket;
import dev.tracegate.wire.mysql.MysqlPacket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The gateway's held credential logs in to a {@code caching_sha2_password} server through each of
 * the plugin's paths: full authentication over TLS, the fast path once the server caches the
 * user, and full authentication with the server's RSA key without TLS. The server is
 * {@link CachingSha2Server}, a test server proven against MySQL Connector/J
 * ({@link CachingSha2ServerTest}), because no MySQL server can run here. A wrong held password
 * ends the caller's session with a clear error that names neither the password nor the server's words.
 * The same server, MySQL to the gateway, shows what the gateway sends a MySQL server after a reset.
 */
class MysqlUpstreamCachingSha2Test {

    private static CachingSha2Server server;
    private static TestGateway gateway;

    @BeforeAll
    static void start() throws Exception {
        server = new CachingSha2Server(Map.of(CachingSha2ServerTest.USER, CachingSha2ServerTest.PASSWORD));
        SecretReference right = secret(CachingSha2ServerTest.PASSWORD);
        SecretReference wrong = secret("wrong-" + CachingSha2ServerTest.PASSWORD);
        List<ConnectionConfig> connections = List.of(
                connection("sha2_tls", right, UpstreamTlsMode.REQUIRE),
                connection("sha2_plain", right, UpstreamTlsMode.DISABLE),
                connection("sha2_wrong_tls", wrong, UpstreamTlsMode.REQUIRE),
                connection("sha2_wrong_plain", wrong, UpstreamTlsMode.DISABLE));
        gateway = TestGateway.start(connections, null, 1024 * 1024);
        // The gateway reads each upstream's own code from its catalog on a side connection of its own, which
        // logs in once, with the first statement that calls a function: open both before any log-in is counted.
        callerSignsIn("sha2_tls");
        callerSignsIn("sha2_plain");
    }

    private static SecretReference secret(String value) throws Exception {
        java.nio.file.Path file = Files.createTempFile("tracegate-sha2", ".secret");
        Files.writeString(file, value, StandardCharsets.UTF_8);
        return SecretReference.of("file:" + file);
    }

    private static MysqlConnectionConfig connection(String name, SecretReference password, UpstreamTlsMode tls) {
        return new MysqlConnectionConfig(name, "127.0.0.1", server.port(), "test", CachingSha2ServerTest.USER, password,
                tls, null);
    }

    @AfterAll
    static void stop() throws Exception {
        gateway.close();
        server.close();
    }

    @BeforeEach
    void emptyCache() {
        server.forgetCache();
    }

    /** A caller's session on {@code connection}; returns the upstream log-ins it caused and checks the session works. */
    private static List<Login> callerSignsIn(String connection) throws Exception {
        int from = server.logins.size();
        try (RawMysqlClient raw = new RawMysqlClient(gateway.gateway().port(MysqlEngine.PROTOCOL))) {
            MysqlPacket answer = raw.login(TestGateway.ADMIN_TOKEN, connection);
            assertThat(answer.isOk()).as(answer.isErr() ? ErrPacket.decode(answer.payload()).message() : "OK").isTrue();
            raw.send(0, new ComQuery("SELECT CURRENT_USER()").encode());
            MysqlPacket header = raw.read();
            assertThat(header.isErr()).isFalse();
            raw.read(); // the column
            byte[] row = raw.read().payload();
            assertThat(new String(row, 1, row.length - 1, StandardCharsets.UTF_8))
                    .isEqualTo(CachingSha2ServerTest.USER + "@localhost");
        }
        return server.loginsSince(from);
    }

    private static ErrPacket callerIsRefused(String connection) throws Exception {
        try (RawMysqlClient raw = new RawMysqlClient(gateway.gateway().port(MysqlEngine.PROTOCOL))) {
            MysqlPacket answer = raw.login(TestGateway.ADMIN_TOKEN, connection);
            assertThat(answer.isErr()).isTrue();
            assertThat(raw.read()).as("the session ends").isNull();
            return ErrPacket.decode(answer.payload());
        }
    }

    @Test
    void theHeldPasswordLogsInOverTlsThenByTheFastPath() throws Exception {
        assertThat(callerSignsIn("sha2_tls")).containsExactly(new Login(CachingSha2ServerTest.USER, Path.FULL_OVER_TLS, true));
        assertThat(callerSignsIn("sha2_tls")).containsExactly(new Login(CachingSha2ServerTest.USER, Path.FAST, true));
        assertThat(callerSignsIn("sha2_plain")).as("a cached user needs no key even without TLS")
                .containsExactly(new Login(CachingSha2ServerTest.USER, Path.FAST, true));
    }

    @Test
    void theHeldPasswordLogsInWithTheServersRsaKeyWithoutTls() throws Exception {
        assertThat(callerSignsIn("sha2_plain"))
                .containsExactly(new Login(CachingSha2ServerTest.USER, Path.FULL_WITH_RSA, true));
    }

    @Test
    void onAMysqlServerAResetIsFollowedByTheLogInsCharacterSetBeforeTheCallerHearsOfIt() throws Exception {
        try (RawMysqlClient raw = new RawMysqlClient(gateway.gateway().port(MysqlEngine.PROTOCOL))) {
            assertThat(raw.loginWithPlugin("mysql_clear_password",
                    (TestGateway.ADMIN_TOKEN + "\0").getBytes(StandardCharsets.UTF_8), "sha2_tls", 8).isOk()).isTrue();
            int from = server.commands.size();
            raw.send(0, CommandType.RESET_CONNECTION.encode());
            assertThat(raw.read().isOk()).isTrue();
            // MySQL resets the character set to the server's default; the gateway sets the caller's (latin1, 8) back.
            assertThat(server.commands.subList(from, server.commands.size())).containsExactly("RESET_CONNECTION",
                    "SET character_set_client = 8, character_set_results = 8, collation_connection = 8");
        }
    }

    @Test
    void aWrongHeldPasswordEndsTheSessionWithAClearErrorOnEveryPath() throws Exception {
        for (String connection : List.of("sha2_wrong_tls", "sha2_wrong_plain")) {
            int from = server.logins.size();
            ErrPacket error = callerIsRefused(connection);
            assertThat(error.message()).contains("connection " + connection + " upstream refused the gateway's login"
                    + " (error 1045); see the gateway log").doesNotContain(CachingSha2ServerTest.PASSWORD)
                    .doesNotContain("Access denied");
            assertThat(server.loginsSince(from)).containsExactly(new Login(CachingSha2ServerTest.USER,
                    connection.endsWith("tls") ? Path.FULL_OVER_TLS : Path.FULL_WITH_RSA, false));
        }
        // A cached user with the wrong password misses the fast path and is refused at the full authentication.
        callerSignsIn("sha2_tls");
        int from = server.logins.size();
        callerIsRefused("sha2_wrong_tls");
        assertThat(server.loginsSince(from)).containsExactly(new Login(CachingSha2ServerTest.USER, Path.FULL_OVER_TLS, false));
    }
}
