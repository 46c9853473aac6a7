package dev.tracegate.gateway.guard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracegate.gateway.TestGateway;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
