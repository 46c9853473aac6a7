package dev.tracegate.gateway.postgres;

import static dev.tracegate.gateway.approval.HeldDdl.DBA;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tracegate.gateway.TestGateway;
import dev.tracegate.gateway.TestTarget;
import dev.tracegate.gateway.approval.HeldDdl;
import dev.tracegate.gateway.approval.PendingApproval;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A grant (approving with {@code --grant 30m}) lets the requester run more statements of the same
 * class on the same connection without asking, but only those the same rule holds: the approvers
 * of one rule cannot wave through what another rule leaves to other people.
 */
class ApprovalGrantThroughGatewayTest {

    private static final String POLICY = """
            defaults:
              action: allow
              highRisk: block
            rules:
              - name: hold-orders
                tables: [grant_orders]
                minClass: write
                action: approve
                approvers: [dba]
                timeout: 30s
                reason: order writes need a DBA
              - name: hold-payroll
                tables: [grant_payroll]
                minClass: write
                action: approve
                approvers: [finance]
                timeout: 30s
                reason: payroll writes need finance
              - name: hold-stock
                tables: [grant_stock]
                minClass: write
                action: approve
                approvers: [dba]
                timeout: 30s
                reason: stock writes need a DBA
              - name: hold-ledger
                tables: [grant_ledger]
                minClass: write
                action: approve
                approvers: [dba]
                timeout: 30s
                reason: ledger writes need a DBA
              - name: hold-audit
                tables: [grant_audit]
                minClass: write
                action: approve
                approvers: [dba]
                timeout: 30s
                reason: audit writes need a DBA
            """;
    /** The same rules, but stock writes now need a DBA and someone from security. */
    private static final String STRICTER = POLICY.replace(
            "    approvers: [dba]\n    timeout: 30s\n    reason: stock writes need a DBA\n",
            "    approvers: [dba, security]\n    minApprovals: 2\n    timeout: 30s\n    reason: stock writes need a DBA and security\n");

    /**
     * The ledger rule renamed, and its old name given to a rule that holds vault writes for the same
     * approvers: a grant for ledger writes must not become one for the vault.
     */
    private static final String RENAMED = POLICY.replace("  - name: hold-ledger\n", "  - name: hold-ledger-legacy\n") + """
              - name: hold-ledger
                tables: [grant_vault]
                minClass: write
                action: approve
                approvers: [dba]
                timeout: 30s
                reason: vault writes need a DBA
            """;

    /** Audit writes blocked outright, as after an incident. */
    private static final String AUDIT_BLOCKED = POLICY.replace(
            "    action: approve\n    approvers: [dba]\n    timeout: 30s\n    reason: audit writes need a DBA\n",
            "    action: block\n    reason: audit writes are frozen\n");

    /** A rule for another table added, as an operator reloads for a reason unrelated to audit writes. */
    private static final String ANOTHER_RULE_ADDED = POLICY + """
              - name: hold-archive
                tables: [grant_archive]
                minClass: write
                action: approve
                approvers: [finance]
                timeout: 30s
                reason: archive writes need finance
            """;

    /** Audit writes now need a DBA and someone from security. */
    private static final String AUDIT_STRICTER = POLICY.replace(
            "    approvers: [dba]\n    timeout: 30s\n    reason: audit writes need a DBA\n",
            "    approvers: [dba, security]\n    minApprovals: 2\n    timeout: 30s\n    reason: audit writes need two\n");

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
    void tables() throws SQLException {
        try (Connection direct = TestTarget.direct(); Statement sql = direct.createStatement()) {
            for (String table : List.of("grant_orders", "grant_payroll", "grant_stock", "grant_ledger", "grant_vault", "grant_audit")) {
                sql.execute("DROP TABLE IF EXISTS " + table);
                sql.execute("CREATE TABLE " + table + " (id int PRIMARY KEY)");
                sql.execute("INSERT INTO " + table + " SELECT generate_series(1, 3)");
            }
        }
    }

    @Test
    void aGrantFromOneRulesApproversDoesNotCoverWhatAnotherRuleHolds() throws Exception {
        long from = gateway.gateway().evidence().size();
        try (Connection c = gateway.connect("app"); Statement sql = c.createStatement()) {
            CompletableFuture<Void> order = HeldDdl.runAsync(sql, "DELETE FROM grant_orders WHERE id = 1");
            PendingApproval ordersHeld = HeldDdl.awaitPending(gateway);
            gateway.gateway().approvals().approve(ordersHeld.id(), DBA, "order 1, and the next few", Duration.ofMinutes(30));
            order.get(30, TimeUnit.SECONDS);

            // The DBA's grant covers the next order write, as documented...
            assertThat(sql.executeUpdate("DELETE FROM grant_orders WHERE id = 2")).isEqualTo(1);
            // ...but a payroll write is finance's to approve: it waits for them.
            PendingApproval payrollHeld = heldAndWithdrawn(sql, "DELETE FROM grant_payroll WHERE id = 1",
                    "the payroll write ran under the DBA's grant");
            assertThat(payrollHeld.request().rule()).isEqualTo("hold-payroll");
        }
        assertThat(ids("grant_orders")).containsExactly(3);
        assertThat(ids("grant_payroll")).containsExactly(1, 2, 3);
        // The evidence names the one statement the grant covered, under the rule that gave it.
        List<JsonNode> granted = gateway.events("approval.decided", from).stream()
                .filter(e -> e.path("detail").path("outcome").asText().equals("granted")).toList();
        assertThat(granted).hasSize(1);
        assertThat(granted.getFirst().path("detail").path("rule").asText()).isEqualTo("hold-orders");
    }

    @Test
    void aGrantEndsWhenAPolicyReloadMakesItsRuleAskOtherPeople() throws Exception {
        assertThat(STRICTER).isNotEqualTo(POLICY);
        try (Connection c = gateway.connect("app"); Statement sql = c.createStatement()) {
            approvedWithAGrant(sql, "grant_stock");

            PendingApproval again = heldUnder(STRICTER, sql, "DELETE FROM grant_stock WHERE id = 3",
                    "the stock write ran under a grant the stricter rule never gave");
            assertThat(again.request().spec().minApprovals()).isEqualTo(2);
        }
        assertThat(ids("grant_stock")).containsExactly(3);
    }

    @Test
    void aGrantDoesNotPassToAnotherRuleAReloadGivesItsRulesName() throws Exception {
        assertThat(RENAMED).contains("hold-ledger-legacy");
        try (Connection c = gateway.connect("app"); Statement sql = c.createStatement()) {
            approvedWithAGrant(sql, "grant_ledger");

            PendingApproval again = heldUnder(RENAMED, sql, "DELETE FROM grant_vault WHERE id = 1",
                    "the vault write ran under the grant for ledger writes");
            assertThat(again.request().rule()).isEqualTo("hold-ledger");
            // The rule as it was, under its name again, still honours the grant its approvers gave.
            assertThat(sql.executeUpdate("DELETE FROM grant_ledger WHERE id = 3")).isEqualTo(1);
        }
        assertThat(ids("grant_ledger")).isEmpty();
        assertThat(ids("grant_vault")).containsExactly(1, 2, 3);
    }

    @Test
    void anApprovalGivenAfterAReloadBlockedTheStatementDoesNotRunIt() throws Exception {
        assertThat(AUDIT_BLOCKED).contains("audit writes are frozen");
        long from = gateway.gateway().evidence().size();
        CompletableFuture<Void> delete = approvedAfterAReloadTo(AUDIT_BLOCKED, sql ->
                assertThatThrownBy(() -> sql.executeUpdate("DELETE FROM grant_audit WHERE id = 2"))
                        .as("run again, it is judged by the policy in force").hasMessageContaining("audit writes are frozen"));
        assertThat(delete).failsWithin(Duration.ofSeconds(1)).withThrowableThat()
                .withMessageContaining("the policy changed while the command waited");
        assertThat(ids("grant_audit")).containsExactly(1, 2, 3);
        assertThat(gateway.events("command.blocked", from)).anyMatch(e -> e.path("detail").path("reason").asText()
                .contains("the policy changed while the command waited"));
    }

    @Test
    void anApprovalGivenAfterAnUnrelatedReloadRunsTheStatement() throws Exception {
        long from = gateway.gateway().evidence().size();
        // Judged again under the policy in force: the same rule still holds it for the same approvers.
        assertThat(approvedAfterAReloadTo(ANOTHER_RULE_ADDED, sql -> { })).succeedsWithin(Duration.ofSeconds(1));
        assertThat(ids("grant_audit")).containsExactly(2, 3);
        assertThat(gateway.events("command.blocked", from)).noneMatch(e -> e.path("detail").path("reason").asText()
                .contains("the policy changed while the command waited"));
    }

    @Test
    void anApprovalGivenAfterAReloadAskingMorePeopleDoesNotRunIt() throws Exception {
        assertThat(AUDIT_STRICTER).contains("audit writes need two");
        assertThat(approvedAfterAReloadTo(AUDIT_STRICTER, sql -> { })).failsWithin(Duration.ofSeconds(1))
                .withThrowableThat().withMessageContaining("holds it under rule hold-audit");
        assertThat(ids("grant_audit")).containsExactly(1, 2, 3);
    }

    /** What runs on the held statement's connection while the reloaded policy is in force. */
    private interface WhileReloaded {
        void run(Statement sql) throws Exception;
    }

    /**
     * Audit row 1 deleted in one Query message, as psql sends it (an extended-protocol Execute is
     * judged again when it runs anyway), held, the policy reloaded to {@code policy}, then approved
     * by one DBA, who still sees the request as it was asked; the delete, ended, and {@code then}
     * run before the first policy is back.
     */
    private static CompletableFuture<Void> approvedAfterAReloadTo(String policy, WhileReloaded then) throws Exception {
        Properties simple = new Properties();
        simple.setProperty("preferQueryMode", "simple");
        try (Connection c = gateway.connect("app", simple); Statement sql = c.createStatement()) {
            CompletableFuture<Void> delete = HeldDdl.runAsync(sql, "DELETE FROM grant_audit WHERE id = 1");
            PendingApproval held = HeldDdl.awaitPending(gateway);
            reload(policy);
            try {
                gateway.gateway().approvals().approve(held.id(), DBA, "looked fine this morning", null);
                delete.handle((done, failed) -> null).get(30, TimeUnit.SECONDS);
                then.run(sql);
            } finally {
                reload(POLICY);
            }
            return delete;
        }
    }

    /** Row 1 of {@code table} deleted once a DBA approved it with a 30-minute grant; row 2 under that grant. */
    private static void approvedWithAGrant(Statement sql, String table) throws Exception {
        CompletableFuture<Void> first = HeldDdl.runAsync(sql, "DELETE FROM " + table + " WHERE id = 1");
        PendingApproval held = HeldDdl.awaitPending(gateway);
        gateway.gateway().approvals().approve(held.id(), DBA, table + " 1, and the next few", Duration.ofMinutes(30));
        first.get(30, TimeUnit.SECONDS);
        assertThat(sql.executeUpdate("DELETE FROM " + table + " WHERE id = 2")).as("under the grant").isEqualTo(1);
    }

    /**
     * Runs {@code statement}, which no grant may let through: it must wait for approvers. Withdraws
     * the request it made (the client gets its error) and returns it.
     */
    private static PendingApproval heldAndWithdrawn(Statement sql, String statement, String ranUnderAGrant) throws Exception {
        CompletableFuture<Void> run = HeldDdl.runAsync(sql, statement);
        Awaitility.await().atMost(Duration.ofSeconds(20))
                .until(() -> run.isDone() || !gateway.gateway().approvals().pending().isEmpty());
        assertThat(run).as(ranUnderAGrant).isNotDone();
        PendingApproval held = gateway.gateway().approvals().pending().getFirst();
        gateway.gateway().approvals().withdraw(held.id(), "the test ends");
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(run::isDone);
        return held;
    }

    /** {@link #heldAndWithdrawn} with {@code policy} in force, and the test's policy again after. */
    private static PendingApproval heldUnder(String policy, Statement sql, String statement, String ranUnderAGrant)
            throws Exception {
        reload(policy);
        try {
            return heldAndWithdrawn(sql, statement, ranUnderAGrant);
        } finally {
            reload(POLICY);
        }
    }

    /** Writes the policy file and waits until the gateway records the change. */
    private static void reload(String policy) throws Exception {
        long from = gateway.gateway().evidence().size();
        Files.writeString(Path.of(gateway.gateway().config().policyFile()), policy);
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> !gateway.events("policy.changed", from).isEmpty());
    }

    private static List<Integer> ids(String table) throws SQLException {
        List<Integer> ids = new ArrayList<>();
        try (Connection direct = TestTarget.direct(); Statement sql = direct.createStatement();
             ResultSet rs = sql.executeQuery("SELECT id FROM " + table + " ORDER BY id")) {
            while (rs.next()) {
                ids.add(rs.getInt(1));
            }
        }
        return ids;
    }
}
