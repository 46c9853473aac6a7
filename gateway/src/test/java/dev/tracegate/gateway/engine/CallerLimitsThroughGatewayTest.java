package dev.tracegate.gateway.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tracegate.gateway.TestGateway;
import dev.tracegate.gateway.TestTarget;
import dev.tracegate.gateway.approval.HeldDdl;
import dev.tracegate.gateway.approval.PendingApproval;
import dev.tracegate.gateway.config.CallerLimits;
import dev.tracegate.gateway.config.ConfigLoader;
import dev.tracegate.gateway.identity.Identity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Limits per identity, driven with pgjdbc: one identity cannot hold more sessions or more commands
 * awaiting approval than configured, the client is told which limit in its own protocol, the
 * refusal is evidence, and other identities are not affected.
 */
class CallerLimitsThroughGatewayTest {

    @Test
    void anIdentityHoldsNoMoreSessionsThanAllowedAndOthersAreUnaffected() throws Exception {
        try (TestGateway gateway = TestGateway.start((String) null, new CallerLimits(2, 0, 0, 0, 0, 0, 0, 0))) {
            long before = gateway.gateway().evidence().size();
            List<Connection> open = new ArrayList<>();
            try {
                open.add(gateway.connect("app"));
                open.add(gateway.connect("app"));
                assertThatThrownBy(() -> gateway.connect("app")).isInstanceOf(SQLException.class).satisfies(e -> {
                    assertThat(((SQLException) e).getSQLState()).isEqualTo("53300");
                    assertThat(e.getMessage()).contains("apikey:alice already has 2 sessions open")
                            .contains("limits.sessionsPerIdentity");
                });
                try (Connection admin = asAdmin(gateway); Statement sql = admin.createStatement()) {
                    assertThat(sql.execute("SELECT 1")).as("another identity still gets a session").isTrue();
                }
                open.removeFirst().close();
                try (Connection again = gateway.connect("app"); Statement sql = again.createStatement()) {
                    assertThat(sql.execute("SELECT 1")).as("a closed session frees its place").isTrue();
                }
            } finally {
                for (Connection c : open) {
                    c.close();
                }
            }
            gateway.gateway().evidence().awaitStored();
            List<JsonNode> refused = gateway.events("session.refused", before);
            assertThat(refused).hasSize(1);
            assertThat(refused.getFirst().path("actor").path("sub").asText()).isEqualTo("apikey:alice");
            assertThat(refused.getFirst().path("detail").path("limit").asText()).isEqualTo("limits.sessionsPerIdentity");
            assertThat(refused.getFirst().path("resource").path("connection").asText()).isEqualTo("app");
        }
    }

    @Test
    void anIdentityOpensNoMoreSessionsPerSecondThanItsBurst() throws Exception {
        // One per second: a burst of two, then the third at once is refused.
        try (TestGateway gateway = TestGateway.start((String) null, new CallerLimits(0, 0, 1, 0, 0, 0, 0, 0))) {
            int refused = 0;
            for (int i = 0; i < 4; i++) {
                try (Connection c = gateway.connect("app")) {
                    assertThat(c.isValid(5)).isTrue();
                } catch (SQLException e) {
                    assertThat(e.getSQLState()).isEqualTo("53300");
                    assertThat(e.getMessage()).contains("limits.newSessionsPerSecondPerIdentity");
                    refused++;
                }
            }
            assertThat(refused).as("4 sessions opened at once against a burst of 2, refilling at 1 per second").isBetween(1, 2);
        }
    }

    @Test
    void anIdentityHasNoMoreCommandsAwaitingApprovalThanAllowed() throws Exception {
        try (Connection direct = TestTarget.direct(); Statement sql = direct.createStatement()) {
            sql.execute("DROP TABLE IF EXISTS limits_held, limits_refused");
        }
        try (TestGateway gateway = TestGateway.start(HeldDdl.POLICY, new CallerLimits(0, 0, 0, 0, 1, 0, 0, 0));
             Connection first = gateway.connect("app"); Statement held = first.createStatement();
             Connection second = gateway.connect("app"); Statement refused = second.createStatement()) {
            long before = gateway.gateway().evidence().size();
            CompletableFuture<Void> waiting = HeldDdl.runAsync(held, "CREATE TABLE limits_held (v int)");
            PendingApproval pending = HeldDdl.awaitPending(gateway);

            assertThatThrownBy(() -> refused.execute("CREATE TABLE limits_refused (v int)")).isInstanceOf(SQLException.class)
                    .satisfies(e -> {
                        assertThat(((SQLException) e).getSQLState()).isEqualTo("53400");
                        assertThat(e.getMessage()).contains("held by policy rule hold-ddl, but not put to approvers")
                                .contains("limits.heldStatementsPerIdentity");
                    });
            assertThat(gateway.gateway().approvals().pending()).as("the second was not put to approvers").hasSize(1);
            assertThat(refused.execute("SELECT 1")).as("the session goes on").isTrue();

            gateway.gateway().approvals().approve(pending.id(), HeldDdl.DBA, "ok", null);
            waiting.get(30, TimeUnit.SECONDS);
            gateway.gateway().evidence().awaitStored();
            List<JsonNode> blocked = gateway.events("command.blocked", before);
            assertThat(blocked).anySatisfy(event -> assertThat(event.path("detail").path("outcome").asText()).isEqualTo("limited"));
        }
    }

    @Test
    void limitsAreReadFromTheConfigurationFileWithDefaultsAndChecked(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("tracegate.yaml");
        Files.writeString(file, "limits: {sessionsPerIdentity: 5, newSessionsPerSecondPerIdentity: 3}\n");
        assertThat(ConfigLoader.load(file).limits()).isEqualTo(new CallerLimits(5, 500, 3, 0, 10, 50, 1000, 28800));
        Files.writeString(file, "dataDir: x\n");
        assertThat(ConfigLoader.load(file).limits()).isEqualTo(new CallerLimits(200, 500, 0, 0, 10, 50, 1000, 28800, 160, 64));
        Files.writeString(file, "limits: {heapPerSessionKiB: 512, heapReservedMiB: 128}\n");
        assertThat(ConfigLoader.load(file).limits()).isEqualTo(new CallerLimits(200, 500, 0, 0, 10, 50, 1000, 28800, 512, 128));
        Files.writeString(file, "limits: {platformThreadSessions: 0}\n");
        assertThat(ConfigLoader.load(file).limits().platformThreadSessions()).isZero();
        Files.writeString(file, "dataDir: x\n");
        assertThat(ConfigLoader.load(file).limits().platformThreadSessions()).isEqualTo(64);
        Files.writeString(file, "limits: {platformThreadSessions: -1}\n");
        assertThatThrownBy(() -> ConfigLoader.load(file)).hasMessageContaining("limits.platformThreadSessions cannot be negative");
        Files.writeString(file, "limits: {sessionsPerIdentity: -1}\n");
        assertThatThrownBy(() -> ConfigLoader.load(file)).hasMessageContaining("limits.sessionsPerIdentity cannot be negative");
        Files.writeString(file, "limits: {sessionsPerUser: 3}\n");
        assertThatThrownBy(() -> ConfigLoader.load(file)).hasMessageContaining("sessionsPerUser");
    }

    private static Connection asAdmin(TestGateway gateway) throws SQLException {
        Properties props = new Properties();
        props.setProperty("password", TestGateway.ADMIN_TOKEN);
        return DriverManager.getConnection(gateway.jdbcUrl("app").replace("user=alice", "user=admin"), props);
    }
}
