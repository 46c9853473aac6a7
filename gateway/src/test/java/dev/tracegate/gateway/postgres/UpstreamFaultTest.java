package dev.tracegate.gateway.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tracegate.gateway.TestGateway;
import dev.tracegate.gateway.TestTarget;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The upstream goes away in the middle of a query (its backend is terminated, as an
 * administrator, a failover or the OOM killer would): the client gets PostgreSQL's own error, the
 * evidence records the command and why the session ended, and other sessions carry on.
 */
class UpstreamFaultTest {

    private static final String MARKER = "upstream-fault-marker";

    @Test
    void aBackendKilledMidQueryEndsThatSessionWithAClearErrorAndTheEvidenceSaysSo() throws Exception {
        try (TestGateway gateway = TestGateway.start(List.of(), TestGateway.LONG_QUERIES_POLICY); Connection other = gateway.connect("app")) {
            long before = gateway.gateway().evidence().size();
            CompletableFuture<SQLException> failed = CompletableFuture.supplyAsync(() -> {
                try (Connection c = gateway.connect("app"); Statement sql = c.createStatement()) {
                    sql.execute("SELECT pg_sleep(60), '" + MARKER + "'");
                    return null;
                } catch (SQLException e) {
                    return e;
                }
            });
            int terminated = Awaitility.await().atMost(30, TimeUnit.SECONDS).until(UpstreamFaultTest::terminateSleeper, n -> n > 0);
            assertThat(terminated).isEqualTo(1);

            SQLException error = failed.get(30, TimeUnit.SECONDS);
            assertThat((Throwable) error).as("the client is told, it does not hang").isNotNull();
            assertThat(error.getSQLState()).as(error.getMessage()).isIn("57P01", "08006");
            try (Statement sql = other.createStatement(); ResultSet rs = sql.executeQuery("SELECT 'still served'")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("still served");
            }
            gateway.gateway().evidence().awaitStored();
            List<JsonNode> commands = gateway.events("command", before);
            assertThat(commands).anySatisfy(c -> assertThat(c.path("detail").path("text").asText()).contains(MARKER));
            Awaitility.await().atMost(30, TimeUnit.SECONDS).untilAsserted(() ->
                    assertThat(gateway.events("session.close", before)).as("the ended session's close is recorded").isNotEmpty());
        }
    }

    /** Terminates the backend running the marked query, directly on the server; how many were terminated. */
    private static int terminateSleeper() throws SQLException {
        try (Connection direct = TestTarget.direct(); Statement sql = direct.createStatement();
             ResultSet rs = sql.executeQuery("SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity"
                     + " WHERE query LIKE '%" + MARKER + "%' AND pid <> pg_backend_pid() AND query NOT LIKE '%pg_stat_activity%'")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
