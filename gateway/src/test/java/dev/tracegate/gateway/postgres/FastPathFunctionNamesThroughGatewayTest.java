package dev.tracegate.gateway.postgres;

import static dev.tracegate.gateway.approval.HeldDdl.DBA;
import static dev.tracegate.gateway.postgres.FrontendMessages.functionCall;
import static dev.tracegate.gateway.postgres.ProtocolPairingThroughGatewayTest.text;
import static dev.tracegate.gateway.postgres.ProtocolPairingThroughGatewayTest.types;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tracegate.gateway.TestGateway;
import dev.tracegate.gateway.TestTarget;
import dev.tracegate.gateway.approval.PendingApproval;
import dev.tracegate.wire.postgres.PgFrame;
import dev.tracegate.wire.postgres.backend.ReadyForQuery;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * A fast-path function call is shown to approvers and recorded by the function's name, read from
 * the upstream's catalog (its OID kept), and judged as the same call in SQL: {@code lo_export},
 * {@code pg_read_file} and {@code pg_sleep} by their OIDs are dangerous_admin, so a rule that holds
 * unknown calls for approvers does not put them to approvers as "function call oid 765".
 */
class FastPathFunctionNamesThroughGatewayTest {

    private static final String POLICY = """
            defaults:
              action: allow
              highRisk: block
            rules:
              - name: hold-unknown
                classes: [unknown]
                action: approve
                approvers: [dba]
                timeout: 30s
            """;

    private static final TestGateway GATEWAY = TestGateway.start(List.of(), POLICY);

    @AfterAll
    static void stop() {
        GATEWAY.close();
    }

    @Test
    void approversAndTheEvidenceSeeTheFunctionsNameBesideItsOid() throws Exception {
        int textcat = TestTarget.functionOid("textcat(text,text)");
        try (RawPgClient client = alice()) {
            client.sendBatch(List.of(functionCall(textcat, "ada", "lovelace")));
            PendingApproval held = Awaitility.await().atMost(Duration.ofSeconds(20))
                    .until(() -> GATEWAY.gateway().approvals().pending().stream().findFirst().orElse(null), p -> p != null);
            assertThat(held.request().command())
                    .contains("function call pg_catalog.textcat(text, text) (oid " + textcat + ")")
                    .contains("\"ada\", \"lovelace\"");
            GATEWAY.gateway().approvals().deny(held.id(), DBA, "not that");
            List<PgFrame> denied = client.readUntil(ReadyForQuery.TYPE, 1);
            assertThat(types(denied).replace("N", "")).isEqualTo("EZ");
        }
        assertThat(commandNaming("pg_catalog.textcat(text, text) (oid " + textcat + ")").path("detail")
                .path("class").asText()).isEqualTo("unknown");
    }

    @Test
    void aServerFileOrStallingFunctionByItsOidIsDangerousNotPutToApprovers() throws Exception {
        for (String signature : List.of("lo_export(oid,text)", "pg_read_file(text)", "pg_sleep(double precision)")) {
            int oid = TestTarget.functionOid(signature);
            String argument = signature.startsWith("pg_sleep") ? "30" : "/etc/passwd";
            try (RawPgClient client = alice()) {
                List<PgFrame> refused = client.exchange(List.of(signature.startsWith("lo_export")
                        ? functionCall(oid, "1", "/tmp/tracegate-fastpath-export") : functionCall(oid, argument)), 1);
                assertThat(types(refused)).as(signature).isEqualTo("EZ");
                assertThat(text(refused)).as(signature).contains("blocked");
            }
            assertThat(GATEWAY.gateway().approvals().pending()).as(signature).isEmpty();
            String name = signature.substring(0, signature.indexOf('('));
            JsonNode command = commandNaming("pg_catalog." + name + "(");
            assertThat(command.path("detail").path("class").asText()).as(signature).isEqualTo("dangerous_admin");
            assertThat(command.path("detail").path("text").asText()).as(signature).contains("(oid " + oid + ")");
        }
    }

    private static JsonNode commandNaming(String text) throws Exception {
        return Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> GATEWAY.events("command", 0).stream()
                .filter(e -> e.path("detail").path("text").asText().contains(text)).findFirst().orElse(null),
                e -> e != null);
    }

    private static RawPgClient alice() throws Exception {
        return RawPgClient.signedIn(GATEWAY.port(), "alice", TestGateway.ALICE_TOKEN, "app");
    }
}
