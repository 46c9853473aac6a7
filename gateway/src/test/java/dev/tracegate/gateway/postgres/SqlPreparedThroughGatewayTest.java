package dev.tracegate.gateway.postgres;

import static dev.tracegate.gateway.postgres.FrontendMessages.bind;
import static dev.tracegate.gateway.postgres.FrontendMessages.execute;
import static dev.tracegate.gateway.postgres.FrontendMessages.query;
import static dev.tracegate.gateway.postgres.FrontendMessages.sync;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tracegate.gateway.TestGateway;
import dev.tracegate.gateway.TestTarget;
import dev.tracegate.wire.postgres.PgFrame;
import dev.tracegate.wire.postgres.backend.ErrorResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL keeps one namespace for statements prepared by SQL {@code PREPARE} and by the
 * extended protocol, so a statement prepared by SQL can be run by Bind/Execute. The gateway rules
 * and records such an Execute as the {@code EXECUTE} of it; before, it ran as an empty text,
 * allowed whatever the policy said (a DELETE prepared while writes were allowed went on deleting
 * after a reload blocked writes) and recorded without its statement.
 */
class SqlPreparedThroughGatewayTest {

    private static final String ALLOW_ALL = "defaults:\n  action: allow\n";
    private static final String NO_WRITES = """
            rules:
              - name: no-writes
                minClass: write
                action: block
                reason: writes are off today
            """;

    @Test
    void aStatementPreparedBySqlRunsByBindAndExecuteOnlyAsThePolicyAllowsItsExecute() throws Exception {
        try (Connection direct = TestTarget.direct(); Statement setup = direct.createStatement()) {
            setup.execute("DROP TABLE IF EXISTS sqlprep_target");
            setup.execute("CREATE TABLE sqlprep_target (id int PRIMARY KEY)");
            setup.execute("INSERT INTO sqlprep_target SELECT generate_series(1, 5)");
            setup.execute("GRANT ALL ON sqlprep_target TO PUBLIC");
        }
        try (TestGateway gateway = TestGateway.start(List.of(), ALLOW_ALL);
             RawPgClient client = RawPgClient.signedIn(gateway.port(), "admin", TestGateway.ADMIN_TOKEN, "app")) {
            client.exchange(List.of(query("PREPARE del(int) AS DELETE FROM sqlprep_target WHERE id = $1")), 1);
            List<PgFrame> ran = client.exchange(List.of(bind("", "del", "1"), execute(""), sync()), 1);
            assertThat(ProtocolPairingThroughGatewayTest.text(ran)).contains("DELETE 1");
            List<JsonNode> commands = TestGateway.eventsOfType(gateway.gateway().evidence(), "command");
            assertThat(commands.getLast().path("detail").path("text").asText()).isEqualTo("EXECUTE del");
            assertThat(commands.getLast().path("detail").path("class").asText()).isEqualTo("write");

            Files.writeString(Path.of(gateway.gateway().config().policyFile()), NO_WRITES);
            Awaitility.await().atMost(Duration.ofSeconds(15)).until(() ->
                    TestGateway.eventsOfType(gateway.gateway().evidence(), "policy.changed").size() == 2);

            client.sendBatch(List.of(bind("", "del", "2"), execute(""), sync()));
            ErrorResponse refused = client.readUntilError();
            assertThat(refused.message()).contains("prepared by SQL").contains("no-writes");
        }
        try (Connection direct = TestTarget.direct(); Statement check = direct.createStatement();
             ResultSet rs = check.executeQuery("SELECT count(*) FROM sqlprep_target")) {
            rs.next();
            assertThat(rs.getInt(1)).as("rows left: only the first DELETE ran").isEqualTo(4);
        }
    }
}
