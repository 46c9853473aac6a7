package dev.tracegate.gateway.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tracegate.gateway.CommandEnds;
import dev.tracegate.gateway.TestGateway;
import dev.tracegate.wire.mysql.ComQuery;
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
            JsonNode result = CommandEnds.unansweredBeforeItsSessionCloses(gateway.gateway().evidence(), command);
            assertThat(result.path("detail").path("error").toString()).contains("the session ended (connection lost");
        }
    }
}
