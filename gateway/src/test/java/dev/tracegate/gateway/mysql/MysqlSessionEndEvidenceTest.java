package dev.tracegate.gateway.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tracegate.gateway.TestGateway;
import dev.tracegate.wire.mysql.ComQuery;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * A MySQL session that ends while a command's answer is still on its way: the command the evidence
 * shows starting is closed by a result before the session's end, as on PostgreSQL.
 */
class MysqlSessionEndEvidenceTest {

    private static final String MARKER = "mysql-session-end-marker";

    @Test
    void aCommandWhoseClientLeavesMidResultIsRecordedAsUnansweredBeforeTheSessionCloses() throws Exception {
        TestMariaDb mariadb = TestMariaDb.get();
        try (TestGateway gateway = TestGateway.start(MysqlThroughGatewayTest.connections(mariadb),
                MysqlThroughGatewayTest.POLICY)) {
            RawMysqlClient client = new RawMysqlClient(gateway.gateway().port(MysqlEngine.PROTOCOL));
            assertThat(client.login(TestGateway.ADMIN_TOKEN, "shop").isOk()).isTrue();
            client.send(0, new ComQuery("SELECT REPEAT('x', 1000), '" + MARKER + "' FROM seq_1_to_200000").encode());
            assertThat(client.read()).as("the answer has begun").isNotNull();
            client.close(); // two hundred megabytes of rows unread: the gateway's writes to the client fail

            JsonNode command = TestGateway.eventsOfType(gateway.gateway().evidence(), "command").stream()
                    .filter(event -> event.path("detail").toString().contains(MARKER)).findFirst().orElseThrow();
            String session = command.path("session").asText();
            Awaitility.await().atMost(60, TimeUnit.SECONDS).until(() -> !ofSession(gateway, "session.close", session)
                    .isEmpty());

            List<JsonNode> results = ofSession(gateway, "command.result", session).stream()
                    .filter(result -> result.path("detail").path("seq").equals(command.path("detail").path("seq")))
                    .toList();
            assertThat(results).as("a command.result closes the command the client left").singleElement()
                    .satisfies(result -> {
                        assertThat(result.path("detail").path("status").asText()).isEqualTo("unanswered");
                        assertThat(result.path("detail").path("error").toString())
                                .contains("the session ended (connection lost").contains("it may have run");
                        assertThat(result.path("index").asLong()).as("before the session's end")
                                .isLessThan(ofSession(gateway, "session.close", session).getFirst().path("index").asLong());
                    });
        }
    }

    private static List<JsonNode> ofSession(TestGateway gateway, String type, String session) throws Exception {
        return TestGateway.eventsOfType(gateway.gateway().evidence(), type).stream()
                .filter(event -> event.path("session").asText().equals(session)).toList();
    }
}
