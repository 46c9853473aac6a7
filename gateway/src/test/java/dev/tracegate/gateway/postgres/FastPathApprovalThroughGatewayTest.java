package dev.tracegate.gateway.postgres;

import static dev.tracegate.gateway.approval.HeldDdl.DBA;
import static dev.tracegate.gateway.postgres.FrontendMessages.functionCall;
import static dev.tracegate.gateway.postgres.ProtocolPairingThroughGatewayTest.text;
import static dev.tracegate.gateway.postgres.ProtocolPairingThroughGatewayTest.types;
import static org.assertj.core.api.Assertions.assertThat;

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
 * A fast-path function call held for approvers (the high-risk default holds calls of functions the
 * gateway does not know) is shown to them with its arguments, which are what the function works
 * on; before, approvers read "function call oid 2050" and nothing else. One with an argument they
 * would see by its size only is refused without asking them.
 */
class FastPathApprovalThroughGatewayTest {

    private static final String POLICY = """
            defaults:
              action: allow
              highRisk: approve
              approvers: [dba]
              timeout: 30s
            """;

    private static final TestGateway GATEWAY = TestGateway.start(List.of(), POLICY);

    @AfterAll
    static void stop() {
        GATEWAY.close();
    }

    @Test
    void approversOfAHeldFunctionCallSeeItsArguments() throws Exception {
        int textcatOid = textcat();
        try (RawPgClient client = alice()) {
            client.sendBatch(List.of(functionCall(textcatOid, "ada", "lovelace")));
            PendingApproval held = Awaitility.await().atMost(Duration.ofSeconds(20))
                    .until(() -> GATEWAY.gateway().approvals().pending().stream().findFirst().orElse(null), p -> p != null);
            assertThat(held.request().command()).contains("function call pg_catalog.textcat(text, text) (oid " + textcatOid + ")")
                    .contains("-- bound parameters, in order: \"ada\", \"lovelace\"");
            GATEWAY.gateway().approvals().deny(held.id(), DBA, "not that");
            List<PgFrame> denied = client.readUntil(ReadyForQuery.TYPE, 1);
            assertThat(types(denied).replace("N", "")).isEqualTo("EZ");
        }
    }

    @Test
    void aFunctionCallWithAnArgumentApproversCannotSeeIsRefusedWithoutAskingThem() throws Exception {
        try (RawPgClient client = alice()) {
            List<PgFrame> refused = client.exchange(List.of(functionCall(textcat(), "x".repeat(5000), "y")), 1);
            assertThat(types(refused)).isEqualTo("EZ");
            assertThat(text(refused)).contains("42501").contains("not put to approvers")
                    .contains("parameter 1 is 5000 bytes");
            assertThat(GATEWAY.gateway().approvals().pending()).isEmpty();
        }
    }

    /** A function the gateway does not know: its calls are high risk. */
    private static int textcat() throws Exception {
        return TestTarget.functionOid("textcat(text,text)");
    }

    private static RawPgClient alice() throws Exception {
        return RawPgClient.signedIn(GATEWAY.port(), "alice", TestGateway.ALICE_TOKEN, "app");
    }
}
