package dev.tracegate.gateway.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tracegate.gateway.TestGateway;
import dev.tracegate.gateway.TestTarget;
import dev.tracegate.wire.postgres.frontend.Query;
import dev.tracegate.wire.postgres.frontend.Terminate;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A session that ends while its statements are still with the server: every command the evidence
 * shows starting is closed by a result, whatever the client did.
 */
class SessionEndEvidenceTest {

    private static TestGateway gateway;

    @BeforeAll
    static void start() throws Exception {
        gateway = TestGateway.start(List.of(), TestGateway.LONG_QUERIES_POLICY);
        try (Connection direct = TestTarget.direct(); Statement statement = direct.createStatement()) {
            statement.execute("CREATE TABLE IF NOT EXISTS session_end_marks (mark text)");
        }
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    @Test
    void aStatementPipelinedWithTerminateRunsAndIsRecordedWithItsOutcome() throws Exception {
        try (RawPgClient client = RawPgClient.signedIn(gateway.port(), "alice", TestGateway.ALICE_TOKEN, "app")) {
            client.sendBatch(List.of(new Query("INSERT INTO session_end_marks SELECT 'terminated' FROM pg_sleep(0.3)").encode(),
                    Terminate.INSTANCE.encode()));
            assertThat(client.closedByPeer()).isTrue();
        }
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> marks("terminated") == 1);

        JsonNode command = commandNaming("pg_sleep(0.3)");
        Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(resultsOf(command)).as("a command.result closes the command that ran").singleElement()
                        .satisfies(result -> assertUnanswered(result, "client terminated")));
    }

    @Test
    void aStatementWhoseClientVanishesRunsAndIsRecordedWithItsOutcome() throws Exception {
        RawPgClient client = RawPgClient.signedIn(gateway.port(), "alice", TestGateway.ALICE_TOKEN, "app");
        client.sendBatch(List.of(new Query("INSERT INTO session_end_marks SELECT 'vanished' FROM pg_sleep(0.4)").encode()));
        client.close(); // no Terminate: the client went away while the server ran the statement
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> marks("vanished") == 1);

        JsonNode command = commandNaming("pg_sleep(0.4)");
        Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(resultsOf(command)).as("a command.result closes the command that ran").singleElement()
                        .satisfies(result -> assertUnanswered(result, "client disconnected")));
    }

    private static void assertUnanswered(JsonNode result, String ending) {
        assertThat(result.path("detail").path("status").asText()).isEqualTo("unanswered");
        assertThat(result.path("detail").path("error").toString()).contains("the session ended (" + ending
                + ") before the server answered; the server may have run it");
    }

    private static long marks(String mark) throws Exception {
        try (Connection direct = TestTarget.direct(); Statement statement = direct.createStatement();
                ResultSet rows = statement.executeQuery("SELECT count(*) FROM session_end_marks WHERE mark = '" + mark + "'")) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private static JsonNode commandNaming(String text) throws Exception {
        return TestGateway.eventsOfType(gateway.gateway().evidence(), "command").stream()
                .filter(event -> event.path("detail").toString().contains(text)).findFirst().orElseThrow();
    }

    private static List<JsonNode> resultsOf(JsonNode command) throws Exception {
        List<JsonNode> results = new ArrayList<>();
        for (JsonNode result : TestGateway.eventsOfType(gateway.gateway().evidence(), "command.result")) {
            if (result.path("session").equals(command.path("session"))
                    && result.path("detail").path("seq").equals(command.path("detail").path("seq"))) {
                results.add(result);
            }
        }
        return results;
    }
}
