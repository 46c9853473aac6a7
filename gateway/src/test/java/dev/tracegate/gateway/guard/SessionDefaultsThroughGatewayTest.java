package dev.tracegate.gateway.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracegate.gateway.TestGateway;
import dev.tracegate.gateway.TestTarget;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code ALTER ROLE ... SET} and {@code ALTER DATABASE ... SET} give every later session of the
 * role or database the setting, so they are as risky as that SET: a policy that allows privilege
 * changes but refuses high risk refuses {@code ALTER ROLE me SET session_replication_role =
 * replica} (every later session with triggers and foreign keys off) as it refuses the SET itself.
 * Until 2026-12-07 they were PRIVILEGE whatever they set, and ran.
 */
class SessionDefaultsThroughGatewayTest {

    private static TestGateway gateway;

    @BeforeAll
    static void start() {
        gateway = TestGateway.start(List.of(), TestGateway.NO_BULK_WRITES_POLICY);
    }

    @AfterAll
    static void stop() throws SQLException {
        try (Connection direct = TestTarget.direct(); Statement sql = direct.createStatement()) {
            sql.execute("ALTER ROLE " + TestTarget.SCRAM_USER + " RESET ALL");
        }
        gateway.close();
    }

    @Test
    void aRolesOrDatabasesSettingIsAsRiskyAsTheSetItself() throws Exception {
        try (Connection c = gateway.connect("app"); Statement sql = c.createStatement()) {
            for (String setting : List.of("ALTER ROLE app_scram SET session_replication_role = replica",
                    "ALTER ROLE CURRENT_USER SET session_preload_libraries = 'auto_explain'",
                    "ALTER DATABASE " + TestTarget.DATABASE + " SET log_statement = none")) {
                assertThatThrownBy(() -> sql.execute(setting)).as(setting).isInstanceOf(SQLException.class)
                        .hasMessageContaining("blocked");
            }
            sql.execute("ALTER ROLE app_scram SET work_mem = '8MB'");
        }
        try (Connection direct = TestTarget.direct(); Statement sql = direct.createStatement();
             ResultSet rows = sql.executeQuery("SELECT array_to_string(setconfig, ',') FROM pg_db_role_setting")) {
            StringBuilder all = new StringBuilder();
            while (rows.next()) {
                all.append(rows.getString(1)).append(';');
            }
            assertThat(all.toString()).contains("work_mem=8MB").doesNotContain("session_replication_role",
                    "session_preload_libraries", "log_statement");
        }
    }
}
