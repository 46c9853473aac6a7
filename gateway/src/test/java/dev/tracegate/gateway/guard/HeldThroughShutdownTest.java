package dev.tracegate.gateway.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tracegate.gateway.TestGateway;
import dev.tracegate.gateway.TestTarget;
import dev.tracegate.gateway.approval.ApprovalException;
import dev.tracegate.gateway.approval.PendingApproval;
import dev.tracegate.gateway.identity.Identity;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * A statement held for approval when the gateway stops: it never runs, its client reads why, the
 * evidence closes it as withdrawn by the shutdown before its session's end, and its request cannot
 * be approved on the gateway that starts again on the same data.
 */
class HeldThroughShutdownTest {

    private static final String POLICY = """
            defaults:
              action: allow
            rules:
              - name: hold-ddl
                minClass: ddl
                action: approve
                approvers: [dba]
                timeout: 120s
                reason: schema changes need a DBA
            """;
    private static final Identity DBA = new Identity("tracegate", "apikey:dora", "dora", null, List.of("dba"), "human");

    @Test
    void aStatementHeldWhenTheGatewayStopsNeverRunsAndIsRecordedAsWithdrawnByTheShutdown() throws Exception {
        try (Connection direct = TestTarget.direct(); Statement sql = direct.createStatement()) {
            sql.execute("DROP TABLE IF EXISTS held_through_shutdown");
            sql.execute("CREATE TABLE held_through_shutdown (id int)");
            sql.execute("GRANT ALL ON held_through_shutdown TO PUBLIC");
        }
        TestGateway gateway = TestGateway.start(List.of(), POLICY);
        try {
            Connection client = gateway.connect("app");
            CompletableFuture<SQLException> failure = CompletableFuture.supplyAsync(() -> {
                try (Statement sql = client.createStatement()) {
                    sql.execute("ALTER TABLE held_through_shutdown ADD COLUMN added_while_stopping int");
                    return null;
                } catch (SQLException e) {
                    return e;
                }
            });
            TestGateway stopping = gateway;
            PendingApproval pending = Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> stopping.gateway()
                    .approvals().pending().stream().filter(p -> !p.decided()).findFirst().orElse(null), p -> p != null);

            TestGateway restarted = gateway.restarted();
            gateway = restarted;

            SQLException error = failure.get(30, TimeUnit.SECONDS);
            assertThat((Throwable) error).as("the client is told, not left waiting").isNotNull();
            assertThat(error.getMessage()).contains("shutting down");
            client.close();
            assertThatThrownBy(() -> restarted.gateway().approvals().approve(pending.id(), DBA, "after the restart", null))
                    .as("the request cannot be approved into a run on the new gateway").isInstanceOf(ApprovalException.class);
            try (Connection direct = TestTarget.direct(); Statement sql = direct.createStatement();
                 ResultSet columns = sql.executeQuery("SELECT count(*) FROM information_schema.columns"
                         + " WHERE column_name = 'added_while_stopping'")) {
                columns.next();
                assertThat(columns.getInt(1)).as("the held statement never ran").isZero();
            }

            List<JsonNode> events = eventsOf(gateway, pending.request().sessionId());
            List<String> types = events.stream().map(e -> e.path("type").asText()).toList();
            assertThat(types).as("the held command ends, then its session, in the log of the stopped gateway")
                    .containsSubsequence("command", "approval.requested", "approval.decided", "command.blocked", "session.close");
            JsonNode blocked = events.stream().filter(e -> e.path("type").asText().equals("command.blocked")).findFirst()
                    .orElseThrow();
            assertThat(blocked.path("detail").path("outcome").asText()).isEqualTo("withdrawn");
            assertThat(blocked.path("detail").path("reason").asText()).contains("shutting down");
            JsonNode held = events.stream().filter(e -> e.path("type").asText().equals("command")
                    && e.path("detail").path("text").asText().contains("added_while_stopping")).findFirst().orElseThrow();
            assertThat(events).as("nothing of it ran").filteredOn(e -> e.path("type").asText().equals("command.result"))
                    .filteredOn(e -> e.path("detail").path("seq").equals(held.path("detail").path("seq")))
                    .allSatisfy(e -> assertThat(e.path("detail").path("status").asText()).isEqualTo("blocked"));
        } finally {
            gateway.close();
        }
    }

    private static List<JsonNode> eventsOf(TestGateway gateway, String session) throws Exception {
        List<JsonNode> events = new ArrayList<>();
        for (String type : List.of("command", "approval.requested", "approval.decided", "command.blocked", "command.result",
                "session.close")) {
            TestGateway.eventsOfType(gateway.gateway().evidence(), type).stream()
                    .filter(e -> e.path("session").asText().equals(session)).forEach(events::add);
        }
        events.sort((a, b) -> Long.compare(a.path("index").asLong(), b.path("index").asLong()));
        return events;
    }
}
