package dev.tracegate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracegate.gateway.Gateway;
import dev.tracegate.gateway.approval.PendingApproval;
import dev.tracegate.gateway.config.ConfigLoader;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tracegate traces show}: one agent task across two sessions, read by a person: psql whose
 * application_name carries the trace (a masked query, then a schema change a DBA approves) and a
 * pgjdbc session whose statement names the trace in a sqlcommenter comment.
 */
class TracesCommandTest {

    private static final String TRACE = "3d2c1b0a99887766554433221100ffee";
    private static final String EMAIL = "ada.lovelace@example.com";
    private static final String POLICY = """
            defaults:
              action: allow
            masking:
              profiles:
                personal-data:
                  columns:
                    - {match: people.email, entity: email, strategy: "hash:format"}
            rules:
              - name: hold-ddl
                classes: [ddl]
                action: approve
                approvers: [dba]
                timeout: 30s
                reason: schema changes need a DBA
              - name: mask-personal-data
                exceptGroups: [admins]
                mask: personal-data
            """;

    @Test
    void showsOneTimelineAcrossSessionsWithIdentitiesApprovalsAndMaskingButNoValues(@TempDir Path dir) throws Exception {
        try (EmbeddedPostgres target = EmbeddedPostgres.builder().start()) {
            try (Connection direct = target.getPostgresDatabase().getConnection(); Statement sql = direct.createStatement()) {
                sql.execute("CREATE TABLE people (id int PRIMARY KEY, email text)");
                sql.execute("INSERT INTO people VALUES (1, '" + EMAIL + "')");
                // Masked callers may not alter tables that hold protected data; the held schema change is here.
                sql.execute("CREATE TABLE steps (id int PRIMARY KEY)");
            }
            try (Gateway gateway = Gateway.start(ConfigLoader.load(config(dir, target.getPort())))) {
                String api = "http://127.0.0.1:" + gateway.apiPort();
                String appName = "nightly-agent traceparent=00-" + TRACE + "-b7ad6b7169203331-01";
                Process psql = new ProcessBuilder("psql", "postgresql://analyst:tg_analyst_key@127.0.0.1:" + gateway.postgresPort()
                        + "/shop?sslmode=require&application_name=" + URLEncoder.encode(appName, StandardCharsets.UTF_8).replace("+", "%20"),
                        "-X", "-At", "-v", "ON_ERROR_STOP=1", "-c", "SELECT email FROM people",
                        "-c", "ALTER TABLE steps ADD COLUMN note text").redirectErrorStream(true).start();
                String approval = awaitPending(gateway).id();
                CliOutput.run("approvals", "approve", approval, "--reason", "planned migration", "--server", api,
                        "--token", "tg_dba_key");
                assertThat(psql.waitFor(30, TimeUnit.SECONDS)).isTrue();
                assertThat(psql.exitValue()).as(new String(psql.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isZero();
                Properties admin = new Properties();
                admin.setProperty("user", "admin");
                admin.setProperty("password", "tg_admin_key");
                try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + gateway.postgresPort()
                        + "/shop?sslmode=require", admin); Statement sql = c.createStatement()) {
                    sql.executeQuery("SELECT count(*) FROM people /*traceparent='00-" + TRACE + "-00f067aa0ba902b7-01'*/").close();
                    // A comment that, printed as recorded, would retitle the reader's terminal, erase the line above,
                    // and start a line that passes for another event.
                    sql.executeQuery("SELECT 2 /* \u001b]0;owned\u0007\u001b[1A\u001b[2K\r\n    99  2026-01-01T00:00:00Z  forged \u202Eevent */"
                            + " /*traceparent='00-" + TRACE + "-00f067aa0ba902b7-01'*/").close();
                }

                String timeline = CliOutput.run("traces", "show", TRACE, "--server", api, "--token", "tg_admin_key");

                assertThat(timeline).startsWith("trace " + TRACE + ": ").contains(" events in 2 sessions (postgres)\n");
                assertThat(timeline.lines().skip(1)).allMatch(line -> line.matches(
                        " *\\d+  \\d{4}-\\d\\d-\\d\\dT\\S+Z  postgres shop       [0-9a-f]{8} (analyst|admin|dora) +\\S.*")
                        || line.startsWith("        | "));
                assertThat(timeline).doesNotContain("\u001b").doesNotContain("\r").doesNotContain("\u0007").doesNotContain("\u202E")
                        .contains("SELECT 2 /* <U+001B>]0;owned<U+0007><U+001B>[1A<U+001B>[2K<U+000D>\n        |     99  ");
                assertThat(timeline).containsSubsequence(
                        "analyst      session opened by analyst <tracegate/apikey:analyst> [\"analysts\"] from 127.0.0.1:",
                        "app=" + appName,
                        "analyst      #1 Query: SELECT email FROM people",
                        "analyst      #1 masked for the client (rule mask-personal-data): public.people.email EMAIL x1",
                        "analyst      #1 ok SELECT 1 rows=1",
                        "analyst      #2 Query: ALTER TABLE steps ADD COLUMN note text",
                        "analyst      approval " + approval + " requested from [\"dba\"] (rule hold-ddl)",
                        "dora         approval " + approval + " approved by dora <tracegate/apikey:dora> [\"dba\"]: planned migration",
                        "analyst      #2 ok ALTER TABLE",
                        "analyst      session closed: ",
                        "admin        session opened by admin",
                        "Execute: SELECT count(*) FROM people /*traceparent='00-" + TRACE,
                        " ok SELECT 1 rows=1",
                        "admin        session closed: ");
                assertThat(timeline).doesNotContain(EMAIL).doesNotContain("tg_analyst_key");
            }
        }
    }

    private static Path config(Path dir, int targetPort) throws Exception {
        for (String name : List.of("analyst", "admin", "dba")) {
            Files.writeString(dir.resolve(name + ".key"), "tg_" + name + "_key");
        }
        Files.writeString(dir.resolve("policy.yaml"), POLICY);
        Path config = dir.resolve("tracegate.yaml");
        Files.writeString(config, String.join("\n",
                "dataDir: " + dir.resolve("data"),
                "policyFile: " + dir.resolve("policy.yaml"),
                "listeners:",
                "  postgres: {address: 127.0.0.1, port: 0}",
                "  api: {address: 127.0.0.1, port: 0}",
                "identities:",
                "  apiKeys:",
                "    - {name: analyst, key: 'file:" + dir.resolve("analyst.key") + "', groups: [analysts], kind: human}",
                "    - {name: admin, key: 'file:" + dir.resolve("admin.key") + "', groups: [admins], kind: human}",
                "    - {name: dora, key: 'file:" + dir.resolve("dba.key") + "', groups: [dba], kind: human}",
                "connections:",
                "  - {name: shop, host: 127.0.0.1, port: " + targetPort + ", database: postgres, username: postgres, upstreamAuth: trust}",
                ""), StandardCharsets.UTF_8);
        return config;
    }

    private static PendingApproval awaitPending(Gateway gateway) throws InterruptedException {
        for (int i = 0; i < 200; i++) {
            var pending = gateway.approvals().pending().stream().findFirst();
            if (pending.isPresent()) {
                return pending.get();
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the schema change was not held for approval");
    }
}
