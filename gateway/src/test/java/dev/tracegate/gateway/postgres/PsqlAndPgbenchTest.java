package dev.tracegate.gateway.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracegate.gateway.TestGateway;
import dev.tracegate.gateway.TestTarget;
import dev.tracegate.gateway.recording.SessionQueries;
import dev.tracegate.gateway.recording.SessionSummary;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** psql and pgbench, unchanged, through the gateway: only the address differs. */
class PsqlAndPgbenchTest {

    private static TestGateway gateway;

    @BeforeAll
    static void start() {
        gateway = TestGateway.start();
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    @Test
    void psqlRunsACommand() throws Exception {
        ClientProcess psql = ClientProcess.run(null, List.of("psql", gateway.libpqUri("app"), "-X", "-At", "-c",
                "SELECT 'through the gateway', 40 + 2"));
        assertThat(psql.exitCode()).as(psql.output()).isZero();
        assertThat(psql.output()).contains("through the gateway|42");
    }

    @Test
    void psqlRunsAMultiStatementScriptAndCopiesWithBackslashCopy(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("people.csv");
        Files.writeString(csv, "1,Ada\n2,Grace\n3,Linus\n", StandardCharsets.UTF_8);
        Path script = dir.resolve("script.sql");
        Files.writeString(script, String.join("\n",
                "DROP TABLE IF EXISTS psql_people;",
                "CREATE TABLE psql_people (id int, name text);",
                "\\copy psql_people FROM 'people.csv' WITH (FORMAT csv)",
                "INSERT INTO psql_people VALUES (4, 'Barbara'); UPDATE psql_people SET name = upper(name) WHERE id = 1;",
                "\\copy (SELECT * FROM psql_people ORDER BY id) TO 'out.csv' WITH (FORMAT csv)",
                "SELECT count(*) AS people FROM psql_people;", ""), StandardCharsets.UTF_8);
        ClientProcess psql = ClientProcess.run(dir, List.of("psql", gateway.libpqUri("app"), "-X", "-At",
                "-v", "ON_ERROR_STOP=1", "-f", script.toString()));
        assertThat(psql.exitCode()).as(psql.output()).isZero();
        assertThat(psql.output()).contains("COPY 3").contains("4");
        assertThat(Files.readString(dir.resolve("out.csv"))).isEqualTo("1,ADA\n2,Grace\n3,Linus\n4,Barbara\n");
    }

    @Test
    void pgbenchInitialisesAndRunsWith8ClientsAndItsTablesStayConsistent() throws Exception {
        String uri = gateway.libpqUri("app");
        ClientProcess init = ClientProcess.run(null, List.of("pgbench", "-i", "-s", "1", "-q", uri));
        assertThat(init.exitCode()).as(init.output()).isZero();
        ClientProcess run = ClientProcess.run(null, List.of("pgbench", "-c", "8", "-j", "2", "-t", "50", "-M", "extended", uri));
        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.output()).contains("number of transactions actually processed: 400/400");
        try (Connection direct = TestTarget.direct(); Statement sql = direct.createStatement();
             ResultSet rs = sql.executeQuery("SELECT (SELECT count(*) FROM pgbench_accounts),"
                     + " (SELECT count(*) FROM pgbench_history),"
                     + " (SELECT sum(abalance) FROM pgbench_accounts), (SELECT sum(bbalance) FROM pgbench_branches),"
                     + " (SELECT sum(tbalance) FROM pgbench_tellers), (SELECT sum(delta) FROM pgbench_history)")) {
            rs.next();
            // The same invariants a direct pgbench run leaves: every transaction applied exactly once.
            assertThat(rs.getLong(1)).isEqualTo(100_000);
            assertThat(rs.getLong(2)).isEqualTo(400);
            long delta = rs.getLong(6);
            assertThat(rs.getLong(3)).isEqualTo(delta);
            assertThat(rs.getLong(4)).isEqualTo(delta);
            assertThat(rs.getLong(5)).isEqualTo(delta);
        }
        SessionQueries sessions = new SessionQueries(gateway.gateway().evidence());
        List<SessionSummary> recorded = sessions.list("apikey:alice", "app", 1000);
        assertThat(recorded).hasSizeGreaterThanOrEqualTo(9);
    }
}
