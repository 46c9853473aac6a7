package dev.tracegate.gateway.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tracegate.gateway.TestGateway;
import dev.tracegate.gateway.TestTarget;
import dev.tracegate.gateway.approval.ApprovalException;
import dev.tracegate.gateway.approval.HeldDdl;
import dev.tracegate.gateway.approval.PendingApproval;
import dev.tracegate.gateway.identity.Identity;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One person signed in two ways (an API key at the gateway, an account at the company's identity
 * provider: another issuer, another subject, the same email address) is still one person: they do
 * not approve their own held command, and they do not count twice towards {@code minApprovals}.
 */
class ApprovalSamePersonThroughGatewayTest {

    private static final String POLICY = """
            defaults:
              action: allow
              highRisk: block
            rules:
              - name: hold-deletes
                tables: [person_orders]
                minClass: write
                action: approve
                approvers: [dba]
                minApprovals: 2
                timeout: 30s
                reason: deletes need two DBAs
            """;
    private static final String IDP = "https://idp.example.com";
    /** The requester, alice (API key, alice@example.com), also a DBA at the identity provider. */
    private static final Identity ALICE_AT_IDP = new Identity(IDP, "00u1alice", "Alice", "Alice@Example.com", List.of("dba"), "human");
    private static final Identity DORA = new Identity("tracegate", "apikey:dora", "dora", "dora@example.com", List.of("dba"), "human");
    private static final Identity DORA_AT_IDP = new Identity(IDP, "00u2dora", "Dora", "dora@example.com", List.of("dba"), "human");
    private static final Identity BOB = new Identity(IDP, "00u3bob", "Bob", "bob@example.com", List.of("dba"), "human");

    private static TestGateway gateway;

    @BeforeAll
    static void start() {
        gateway = TestGateway.start(List.of(), POLICY);
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    @BeforeEach
    void orders() throws SQLException {
        try (Connection direct = TestTarget.direct(); Statement sql = direct.createStatement()) {
            sql.execute("DROP TABLE IF EXISTS person_orders");
            sql.execute("CREATE TABLE person_orders (id int PRIMARY KEY)");
            sql.execute("INSERT INTO person_orders SELECT generate_series(1, 3)");
        }
    }

    @Test
    void anotherIdentityWithTheRequestersOrAVotersEmailNeitherApprovesNorCountsTwice() throws Exception {
        long from = gateway.gateway().evidence().size();
        try (Connection c = gateway.connect("app"); Statement sql = c.createStatement()) {
            CompletableFuture<Void> delete = HeldDdl.runAsync(sql, "DELETE FROM person_orders WHERE id = 1");
            PendingApproval held = HeldDdl.awaitPending(gateway);

            assertThatThrownBy(() -> gateway.gateway().approvals().approve(held.id(), ALICE_AT_IDP, "looks fine to me", null))
                    .isInstanceOf(ApprovalException.class).hasMessageContaining("your own command")
                    .extracting(e -> ((ApprovalException) e).kind()).isEqualTo(ApprovalException.Kind.FORBIDDEN);
            gateway.gateway().approvals().approve(held.id(), DORA, "one order", null);
            assertThatThrownBy(() -> gateway.gateway().approvals().approve(held.id(), DORA_AT_IDP, "still fine", null))
                    .isInstanceOf(ApprovalException.class).hasMessageContaining("which has your email address")
                    .extracting(e -> ((ApprovalException) e).kind()).isEqualTo(ApprovalException.Kind.ALREADY_VOTED);
            secondPersonApproves(delete, held);
        }
        assertThat(ids()).containsExactly(2, 3);
        JsonNode approved = gateway.events("approval.decided", from).stream()
                .filter(e -> e.path("detail").path("outcome").asText().equals("approved")).findFirst().orElseThrow();
        assertThat(approved.path("detail").path("votes").findValuesAsText("sub")).containsExactly("apikey:dora", "00u3bob");
    }

    @Test
    void anEmailAddressWrittenAnotherWayIsStillTheSamePerson() throws Exception {
        try (Connection c = gateway.connect("app"); Statement sql = c.createStatement()) {
            CompletableFuture<Void> delete = HeldDdl.runAsync(sql, "DELETE FROM person_orders WHERE id = 1");
            PendingApproval held = HeldDdl.awaitPending(gateway);

            // A sub-address, a fully qualified domain, full-width letters, an internationalised domain's ASCII form.
            List<String> alices = List.of("alice+dba@example.com", "Alice@Example.com.", "ａｌｉｃｅ@ｅｘａｍｐｌｅ.ｃｏｍ");
            for (int i = 0; i < alices.size(); i++) {
                Identity alice = new Identity(IDP, "00u9alice" + i, "Alice", alices.get(i), List.of("dba"), "human");
                assertThatThrownBy(() -> gateway.gateway().approvals().approve(held.id(), alice, "looks fine to me", null))
                        .as(alices.get(i)).isInstanceOf(ApprovalException.class).hasMessageContaining("your own command");
            }
            Identity doraAtUnicodeDomain = new Identity("tracegate", "apikey:dora-idn", "dora", "dora@bücher.example",
                    List.of("dba"), "human");
            gateway.gateway().approvals().approve(held.id(), doraAtUnicodeDomain, "one order", null);
            List<String> doras = List.of("Dora+second@xn--bcher-kva.example", "dora@XN--BCHER-KVA.EXAMPLE.", "ｄｏｒａ@bücher.example");
            for (int i = 0; i < doras.size(); i++) {
                Identity dora = new Identity(IDP, "00u9dora" + i, "Dora", doras.get(i), List.of("dba"), "human");
                assertThatThrownBy(() -> gateway.gateway().approvals().approve(held.id(), dora, "still fine", null))
                        .as(doras.get(i)).isInstanceOf(ApprovalException.class).hasMessageContaining("which has your email address");
            }
            secondPersonApproves(delete, held);
        }
        assertThat(ids()).containsExactly(2, 3);
    }

    /** The delete waits for a second person; Bob, another DBA, approves it and it runs. */
    private static void secondPersonApproves(CompletableFuture<Void> delete, PendingApproval held) throws Exception {
        Thread.sleep(500);
        assertThat(delete).as("the delete ran on one person's approval").isNotDone();
        assertThat(ids()).containsExactly(1, 2, 3);
        gateway.gateway().approvals().approve(held.id(), BOB, "second pair of eyes", null);
        delete.get(30, TimeUnit.SECONDS);
    }

    private static List<Integer> ids() throws SQLException {
        List<Integer> ids = new ArrayList<>();
        try (Connection direct = TestTarget.direct(); Statement sql = direct.createStatement();
             ResultSet rs = sql.executeQuery("SELECT id FROM person_orders ORDER BY id")) {
            while (rs.next()) {
                ids.add(rs.getInt(1));
            }
        }
        return ids;
    }
}
