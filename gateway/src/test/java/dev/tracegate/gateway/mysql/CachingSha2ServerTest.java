package dev.tracegate.gateway.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracegate.gateway.mysql.CachingSha2Server.Login;
import dev.tracegate.gateway.mysql.CachingSha2Server.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The test server's {@code caching_sha2_password} is MySQL's: MySQL Connector/J 9.5, which
 * implements the plugin's client side, logs in to it through each of the three paths, and a wrong
 * password fails on each. Only a server proven this way tells anything about the gateway's own
 * client side ({@code MysqlUpstreamCachingSha2Test}).
 */
class CachingSha2ServerTest {

    static final String USER = "tg_sha2";
    static final String PASSWORD = "sha2-Secret-c41f";

    private static CachingSha2Server server;

    @BeforeAll
    static void start() throws Exception {
        server = new CachingSha2Server(Map.of(USER, PASSWORD));
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    @BeforeEach
    void emptyCache() {
        server.forgetCache();
    }

    private static Connection connectorJ(String password, boolean tls) throws SQLException {
        return DriverManager.getConnection("jdbc:mysql://127.0.0.1:" + server.port() + "/test?user=" + USER + "&password="
                + password + (tls ? "&sslMode=REQUIRED" : "&sslMode=DISABLED&allowPublicKeyRetrieval=true"));
    }

    private static void logsIn(boolean tls, Path expected) throws SQLException {
        int from = server.logins.size();
        try (Connection c = connectorJ(PASSWORD, tls);
             ResultSet rs = c.createStatement().executeQuery("SELECT CURRENT_USER()")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo(USER + "@localhost");
        }
        assertThat(server.loginsSince(from)).containsExactly(new Login(USER, expected, true));
    }

    private static void isRefused(boolean tls, Path expected) {
        int from = server.logins.size();
        assertThatThrownBy(() -> connectorJ("wrong-" + PASSWORD, tls).close()).isInstanceOf(SQLException.class)
                .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("28000"))
                .hasMessageContaining("Access denied for user '" + USER + "'");
        assertThat(server.loginsSince(from)).containsExactly(new Login(USER, expected, false));
    }

    @Test
    void connectorJLogsInWithTheFullAuthenticationOverTlsThenTheFastPath() throws Exception {
        logsIn(true, Path.FULL_OVER_TLS);
        logsIn(true, Path.FAST);
        logsIn(false, Path.FAST);
    }

    @Test
    void connectorJLogsInWithTheServersRsaKeyWithoutTls() throws Exception {
        logsIn(false, Path.FULL_WITH_RSA);
        logsIn(false, Path.FAST);
    }

    @Test
    void aWrongPasswordFailsOnEveryPath() throws Exception {
        isRefused(true, Path.FULL_OVER_TLS);
        isRefused(false, Path.FULL_WITH_RSA);
        // With the user in the cache a wrong scramble misses the fast path and the password is asked for, as MySQL does.
        logsIn(true, Path.FULL_OVER_TLS);
        isRefused(true, Path.FULL_OVER_TLS);
        isRefused(false, Path.FULL_WITH_RSA);
    }
}
