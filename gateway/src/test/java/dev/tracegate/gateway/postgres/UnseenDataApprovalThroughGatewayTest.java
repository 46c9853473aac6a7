package dev.tracegate.gateway.postgres;

import static dev.tracegate.gateway.approval.HeldDdl.DBA;
import static dev.tracegate.gateway.postgres.ProtocolPairingThroughGatewayTest.types;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tracegate.gateway.TestGateway;
import dev.tracegate.gateway.approval.PendingApproval;
import dev.tracegate.wire.postgres.PgFrame;
import dev.tracegate.wire.postgres.backend.ReadyForQuery;
import dev.tracegate.wire.postgres.frontend.Query;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * A held {@code COPY ... FROM STDIN} loads rows the client sends only after approvers decide, so
 * they never see them: they are told so in the text they decide on, rather than approving a load
 * as if the statement were all of it.
 */
class UnseenDataApprovalThroughGatewayTest {

    private static final String POLICY = """
            defaults:
              action: allow
            rules:
              - name: hold-writes
                classes: [write]
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
    void approversOfACopyFromTheClientAreToldTheRowsFollowUnseen() throws Exception {
        try (RawPgClient client = RawPgClient.signedIn(GATEWAY.port(), "alice", TestGateway.ALICE_TOKEN, "app")) {
            client.sendBatch(List.of(new Query("COPY unseen_rows (id, note) FROM STDIN").encode()));
            PendingApproval held = Awaitility.await().atMost(Duration.ofSeconds(20))
                    .until(() -> GATEWAY.gateway().approvals().pending().stream().findFirst().orElse(null), p -> p != null);
            assertThat(held.request().command()).isEqualTo("COPY unseen_rows (id, note) FROM STDIN\n-- then the client"
                    + " sends the rows to copy, which approvers are not shown: approving this approves whatever rows it sends");
            GATEWAY.gateway().approvals().deny(held.id(), DBA, "not unseen");
            List<PgFrame> denied = client.readUntil(ReadyForQuery.TYPE, 1);
            assertThat(types(denied).replace("N", "")).isEqualTo("EZ");
        }
        // A statement that carries all its data is shown as it is.
        try (RawPgClient client = RawPgClient.signedIn(GATEWAY.port(), "alice", TestGateway.ALICE_TOKEN, "app")) {
            client.sendBatch(List.of(new Query("INSERT INTO unseen_rows VALUES (1, 'x')").encode()));
            PendingApproval held = Awaitility.await().atMost(Duration.ofSeconds(20))
                    .until(() -> GATEWAY.gateway().approvals().pending().stream().findFirst().orElse(null), p -> p != null);
            assertThat(held.request().command()).startsWith("INSERT INTO unseen_rows VALUES").doesNotContain("\n");
            GATEWAY.gateway().approvals().deny(held.id(), DBA, "no");
            client.readUntil(ReadyForQuery.TYPE, 1);
        }
    }
}
