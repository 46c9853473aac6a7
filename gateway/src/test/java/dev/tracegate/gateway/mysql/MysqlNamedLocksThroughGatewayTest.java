package dev.tracegate.gateway.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracegate.gateway.TestGateway;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * MySQL's and MariaDB's built-ins that change the server's state from a {@code SELECT} or a
 * {@code DO}: {@code GET_LOCK} takes a named lock every other session asking for it waits on until
 * this one lets go (it was classified as a read, so a rule making the connection read-only let
 * {@code SELECT GET_LOCK('tg_nightly', 0)} hold the nightly job's lock), and the administration
 * functions of MySQL's plugins reconfigure the server. Releasing and asking about locks stay reads.
 */
class MysqlNamedLocksThroughGatewayTest {

    private static final String POLICY = """
            defaults:
              action: allow
            rules:
              - name: read-only-shop
                connections: [shop]
                minClass: write
                action: block
                reason: shop is read-only through the gateway
            """;

    private static TestMariaDb mariadb;
    private static TestGateway gateway;

    @BeforeAll
    static void start() throws IOException {
        mariadb = TestMariaDb.get();
        gateway = TestGateway.start(MysqlThroughGatewayTest.connections(mariadb), POLICY, 4 * 1024 * 1024);
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    @Test
    void aNamedLockIsAWriteWhateverStatementTakesIt() throws Exception {
        try (Connection c = connect(); Statement sql = c.createStatement()) {
            for (String lock : List.of("SELECT GET_LOCK('tg_nightly', 0)", "DO GET_LOCK('tg_nightly', 0)",
                    "SELECT `get_lock`('tg_nightly', 0)", "select 1 from dual where get_lock('tg_nightly', 0) = 1",
                    "SELECT /*!GET_LOCK*/('tg_nightly', 0)")) {
                assertThatThrownBy(() -> sql.execute(lock)).as(lock).isInstanceOf(SQLException.class)
                        .hasMessageContaining("blocked by policy rule read-only-shop");
                assertThat(mariadb.query("SELECT IS_FREE_LOCK('tg_nightly')").strip())
                        .as("another session can still take the lock after " + lock).isEqualTo("1");
            }
            try (ResultSet asked = sql.executeQuery("SELECT IS_FREE_LOCK('tg_nightly'), RELEASE_ALL_LOCKS()")) {
                assertThat(asked.next()).isTrue();
                assertThat(asked.getInt(1)).as("asking and releasing stay reads").isEqualTo(1);
            }
        }
    }

    @Test
    void aPluginsAdministrationFunctionIsRefusedBeforeTheServerSeesIt() throws Exception {
        try (Connection c = connect(); Statement sql = c.createStatement()) {
            for (String admin : List.of("SELECT keyring_key_fetch('master_key')", "DO audit_log_filter_remove_user('%')",
                    "SELECT group_replication_set_as_primary('00000000-0000-0000-0000-000000000001')")) {
                // The read-only rule and the high-risk default both block it; either may be named.
                assertThatThrownBy(() -> sql.execute(admin)).as(admin).isInstanceOf(SQLException.class)
                        .hasMessageContaining("blocked by policy rule");
            }
        }
    }

    private static Connection connect() throws SQLException {
        return DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + gateway.gateway().port(MysqlEngine.PROTOCOL)
                + "/shop?sslMode=trust&user=caller&password=" + TestGateway.ADMIN_TOKEN);
    }
}
