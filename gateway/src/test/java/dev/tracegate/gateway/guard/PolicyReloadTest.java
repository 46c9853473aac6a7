package dev.tracegate.gateway.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracegate.gateway.TestGateway;
import dev.tracegate.gateway.TestTarget;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** Editing the policy file changes decisions within seconds, and every change is evidence. */
class PolicyReloadTest {

    private static final String ALLOW_ALL = "defaults:\n  action: allow\n";
    private static final String NO_VALUES = """
            rules:
              - name: no-values-lists
                command: '^\\s*values'
                action: block
                reason: VALUES lists are off today
            """;

    private static final String NO_WRITES = """
            rules:
              - name: no-writes
                minClass: write
                action: block
                reason: writes are off today
            """;

    @Test
    void aChangedPolicyTakesEffectWithoutRestartAndIsRecorded() throws Exception {
        try (TestGateway gateway = TestGateway.start(List.of(), ALLOW_ALL);
             Connection c = gateway.connect("app"); Statement sql = c.createStatement()) {
            assertThat(blocked(sql)).isFalse();
            Path policy = Path.of(gateway.gateway().config().policyFile());
            Files.writeString(policy, NO_VALUES);
            Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> blocked(sql));

            Files.writeString(policy, "rules: [ {name: broken, action: maybe} ]\n");
            Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> policyEvents(gateway).size() == 3);
            assertThat(blocked(sql)).as("a rejected document leaves the previous policy in force").isTrue();

            List<JsonNode> changes = policyEvents(gateway);
            assertThat(changes).extracting(e -> e.path("detail").path("accepted").asBoolean()).containsExactly(true, true, false);
            assertThat(changes.get(0).path("detail").path("sha256").asText())
                    .isNotEqualTo(changes.get(1).path("detail").path("sha256").asText());
            assertThat(changes.get(2).path("detail").path("error").asText()).contains("maybe");
        }
    }

    /**
     * pgjdbc prepares a statement once (Parse) and then runs it by Bind/Execute alone. A policy
     * that blocks it after the Parse must stop those Executes too; before, the statement ruled on
     * under the old policy kept running (each Execute deleted another row).
     */
    @Test
    void aStatementPreparedBeforeAReloadDoesNotRunOnceThePolicyBlocksIt() throws Exception {
        try (Connection direct = TestTarget.direct(); Statement setup = direct.createStatement()) {
            setup.execute("DROP TABLE IF EXISTS reload_target");
            setup.execute("CREATE TABLE reload_target (id int PRIMARY KEY)");
            setup.execute("INSERT INTO reload_target SELECT generate_series(1, 5)");
            setup.execute("GRANT ALL ON reload_target TO PUBLIC");
        }
        Properties serverPrepared = new Properties();
        serverPrepared.setProperty("prepareThreshold", "1");
        try (TestGateway gateway = TestGateway.start(List.of(), ALLOW_ALL);
             Connection c = gateway.connect("app", serverPrepared);
             PreparedStatement delete = c.prepareStatement("DELETE FROM reload_target WHERE id = ?");
             Statement sql = c.createStatement()) {
            delete.setInt(1, 1);
            assertThat(delete.executeUpdate()).isEqualTo(1);

            Files.writeString(Path.of(gateway.gateway().config().policyFile()), NO_WRITES);
            Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> policyEvents(gateway).size() == 2);

            delete.setInt(1, 2);
            assertThatThrownBy(delete::executeUpdate).isInstanceOf(SQLException.class)
                    .hasMessageContaining("policy changed since this statement was prepared")
                    .hasMessageContaining("no-writes");
        }
        try (Connection direct = TestTarget.direct(); Statement check = direct.createStatement();
             ResultSet rs = check.executeQuery("SELECT count(*) FROM reload_target")) {
            rs.next();
            assertThat(rs.getInt(1)).as("rows left: only the first DELETE ran").isEqualTo(4);
        }
    }

    private static boolean blocked(Statement sql) {
        try (ResultSet rs = sql.executeQuery("VALUES (1)")) {
            return false;
        } catch (SQLException e) {
            return e.getMessage().contains("no-values-lists");
        }
    }

    private static List<JsonNode> policyEvents(TestGateway gateway) throws Exception {
        return TestGateway.eventsOfType(gateway.gateway().evidence(), "policy.changed");
    }
}
