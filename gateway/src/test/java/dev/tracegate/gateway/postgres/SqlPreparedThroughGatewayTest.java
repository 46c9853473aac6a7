package dev.tracegate.gateway.postgres;

import static dev.tracegate.gateway.postgres.FrontendMessages.bind;
import static dev.tracegate.gateway.postgres.FrontendMessages.closeStatement;
import static dev.tracegate.gateway.postgres.FrontendMessages.parse;
import static dev.tracegate.gateway.postgres.FrontendMessages.execute;
import static dev.tracegate.gateway.postgres.FrontendMessages.query;
import static dev.tracegate.gateway.postgres.FrontendMessages.sync;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

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
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.api.SoftAssertions;
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
        table("sqlprep_target", 5);
        try (TestGateway gateway = TestGateway.start(List.of(), ALLOW_ALL);
             RawPgClient client = RawPgClient.signedIn(gateway.port(), "admin", TestGateway.ADMIN_TOKEN, "app")) {
            client.exchange(List.of(query("PREPARE del(int) AS DELETE FROM sqlprep_target WHERE id = $1")), 1);
            List<PgFrame> ran = client.exchange(List.of(bind("", "del", "1"), execute(""), sync()), 1);
            assertThat(ProtocolPairingThroughGatewayTest.text(ran)).contains("DELETE 1");
            List<JsonNode> commands = TestGateway.eventsOfType(gateway.gateway().evidence(), "command");
            assertThat(commands.getLast().path("detail").path("text").asText()).isEqualTo("EXECUTE del");
            assertThat(commands.getLast().path("detail").path("class").asText()).isEqualTo("write");

            blockWrites(gateway);

            client.sendBatch(List.of(bind("", "del", "2"), execute(""), sync()));
            ErrorResponse refused = client.readUntilError();
            assertThat(refused.message()).contains("prepared by SQL").contains("no-writes");
        }
        assertThat(rows("sqlprep_target")).as("rows left: only the first DELETE ran").isEqualTo(4);
    }

    /**
     * A name is forgotten only once the server says its statement is gone. Each way below left the
     * server's DELETE in place while the gateway forgot the name, so the next PREPARE of it, which
     * the server refuses (the name exists), was taken for what EXECUTE runs: EXECUTE ran the DELETE
     * judged as SELECT 1, after a reload had blocked writes.
     */
    @Test
    void aNameIsForgottenOnlyWhenTheServerDroppedItsStatement() throws Exception {
        List<List<PgFrame>> forgettings = List.of(
                List.of(query("DISCARD PLANS")), // drops no prepared statement
                List.of(query("DISCARD TEMP")),
                List.of(query("BEGIN"), query("DISCARD ALL"), query("ROLLBACK")), // dangerous_admin, refused
                List.of(query("BEGIN"), query("SELECT 1/0"), query("DEALLOCATE d"), query("ROLLBACK")),
                List.of(query("SELECT 1/0; DEALLOCATE d")), // the error ends the query before it
                List.of(query("SELECT 1/0; DEALLOCATE ALL")),
                List.of(query("DELETE FROM sqlprep_forget; DEALLOCATE d")), // refused by the gateway: nothing runs
                List.of(parse("", "SELECT 1/0"), bind("", ""), execute(""), closeStatement("d"), sync()), // Close skipped
                List.of(parse("", "DEALLOCATE d"), sync()), // parsed, never run
                List.of(parse("d", "DELETE FROM sqlprep_forget"), sync())); // a refused Parse of the name
        table("sqlprep_forget", forgettings.size());
        List<RawPgClient> clients = new ArrayList<>();
        SoftAssertions ways = new SoftAssertions();
        try (TestGateway gateway = TestGateway.start(List.of(), ALLOW_ALL)) {
            for (int i = 0; i < forgettings.size(); i++) {
                RawPgClient client = RawPgClient.signedIn(gateway.port(), "admin", TestGateway.ADMIN_TOKEN, "app");
                clients.add(client);
                client.exchange(List.of(query("PREPARE d AS DELETE FROM sqlprep_forget WHERE id = " + (i + 1))), 1);
            }
            blockWrites(gateway);
            for (int i = 0; i < forgettings.size(); i++) {
                RawPgClient client = clients.get(i);
                int answers = (int) forgettings.get(i).stream().filter(f -> f.type() == 'Q' || f.type() == 'S').count();
                client.exchange(forgettings.get(i), answers);
                String refusedPrepare = ProtocolPairingThroughGatewayTest.text(
                        client.exchange(List.of(query("PREPARE d AS SELECT 1")), 1));
                ways.assertThat(refusedPrepare).as("way %d: the server keeps the DELETE", i).contains("already exists");
                String ran = ProtocolPairingThroughGatewayTest.text(client.exchange(List.of(query("EXECUTE d")), 1));
                ways.assertThat(ran).as("way %d: EXECUTE d runs the DELETE", i).contains("no-writes")
                        .doesNotContain("DELETE 1");
            }
            ways.assertAll();
        } finally {
            for (RawPgClient client : clients) {
                client.close();
            }
        }
        assertThat(rows("sqlprep_forget")).as("rows left").isEqualTo(forgettings.size());
    }

    /**
     * pgjdbc sends a statement by Parse/Bind/Execute: a PREPARE sent so names what EXECUTE runs as
     * one in a simple query does (it was unknown, so refused by any rule on writes), a DEALLOCATE
     * sent so drops it once it ran, and a quoted name is its own.
     */
    @Test
    void aStatementPreparedThroughTheExtendedProtocolRunsByExecuteAsItsText() throws Exception {
        table("sqlprep_jdbc", 3);
        try (TestGateway gateway = TestGateway.start(List.of(), NO_WRITES);
             Connection jdbc = gateway.connect("app"); Statement statement = jdbc.createStatement()) {
            statement.execute("PREPARE \"Q\" (int) AS SELECT id FROM sqlprep_jdbc WHERE id = $1");
            assertThat(single(statement, "EXECUTE \"Q\"(2)")).isEqualTo(2);
            assertThat(catchThrowable(() -> statement.execute("PREPARE q AS DELETE FROM sqlprep_jdbc")))
                    .hasMessageContaining("no-writes");
            assertThat(catchThrowable(() -> statement.execute("EXECUTE q"))).hasMessageContaining("no-writes");
            statement.execute("DEALLOCATE \"Q\"");
            statement.execute("PREPARE \"Q\" (int) AS SELECT id + 10 FROM sqlprep_jdbc WHERE id = $1");
            assertThat(single(statement, "EXECUTE \"Q\"(3)")).isEqualTo(13);
        }
        assertThat(rows("sqlprep_jdbc")).as("rows left").isEqualTo(3);
    }

    private static int single(Statement statement, String sql) throws Exception {
        try (ResultSet rs = statement.executeQuery(sql)) {
            assertThat(rs.next()).isTrue();
            return rs.getInt(1);
        }
    }

    /**
     * A statement the client parsed under a name, dropped by SQL (DEALLOCATE, DEALLOCATE ALL) and
     * prepared again by SQL under the same name: a Bind of the name runs the SQL one. The gateway
     * judged it by the text the client had parsed (SELECT 1), and the DELETE prepared before a
     * reload blocked writes ran.
     */
    @Test
    void aParsedNameDroppedAndPreparedAgainBySqlRunsAsTheSqlOne() throws Exception {
        List<String> drops = List.of("DEALLOCATE p", "DEALLOCATE ALL");
        table("sqlprep_reparsed", drops.size());
        List<RawPgClient> clients = new ArrayList<>();
        SoftAssertions ways = new SoftAssertions();
        try (TestGateway gateway = TestGateway.start(List.of(), ALLOW_ALL)) {
            for (int i = 0; i < drops.size(); i++) {
                RawPgClient client = RawPgClient.signedIn(gateway.port(), "admin", TestGateway.ADMIN_TOKEN, "app");
                clients.add(client);
                client.exchange(List.of(parse("p", "SELECT 1"), sync()), 1);
                client.exchange(List.of(query(drops.get(i))), 1);
                client.exchange(List.of(query("PREPARE p AS DELETE FROM sqlprep_reparsed WHERE id = " + (i + 1))), 1);
            }
            blockWrites(gateway);
            for (int i = 0; i < drops.size(); i++) {
                String ran = ProtocolPairingThroughGatewayTest.text(
                        clients.get(i).exchange(List.of(bind("", "p"), execute(""), sync()), 1));
                ways.assertThat(ran).as("after %s: Bind p runs the DELETE", drops.get(i)).doesNotContain("DELETE 1");
            }
        } finally {
            for (RawPgClient client : clients) {
                client.close();
            }
        }
        ways.assertThat(rows("sqlprep_reparsed")).as("rows left").isEqualTo(drops.size());
        ways.assertAll();
    }

    /** Reloads the policy to one that blocks writes, and waits until the gateway took it. */
    private static void blockWrites(TestGateway gateway) throws Exception {
        Files.writeString(Path.of(gateway.gateway().config().policyFile()), NO_WRITES);
        Awaitility.await().atMost(Duration.ofSeconds(15)).until(() ->
                TestGateway.eventsOfType(gateway.gateway().evidence(), "policy.changed").size() == 2);
    }

    /** A table of {@code rows} ids anyone may write. */
    private static void table(String name, int rows) throws Exception {
        try (Connection direct = TestTarget.direct(); Statement setup = direct.createStatement()) {
            setup.execute("DROP TABLE IF EXISTS " + name);
            setup.execute("CREATE TABLE " + name + " (id int PRIMARY KEY)");
            setup.execute("INSERT INTO " + name + " SELECT generate_series(1, " + rows + ")");
            setup.execute("GRANT ALL ON " + name + " TO PUBLIC");
        }
    }

    private static int rows(String table) throws Exception {
        try (Connection direct = TestTarget.direct(); Statement check = direct.createStatement();
             ResultSet rs = check.executeQuery("SELECT count(*) FROM " + table)) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
