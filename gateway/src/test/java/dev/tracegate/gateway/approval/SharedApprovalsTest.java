package dev.tracegate.gateway.approval;

import static dev.tracegate.gateway.approval.ApprovalFixtures.ANALYST;
import static dev.tracegate.gateway.approval.ApprovalFixtures.DBA;
import static dev.tracegate.gateway.approval.ApprovalFixtures.ONE_DBA;
import static dev.tracegate.gateway.approval.ApprovalFixtures.OTHER_DBA;
import static dev.tracegate.gateway.approval.ApprovalFixtures.SECURITY;
import static dev.tracegate.gateway.approval.ApprovalFixtures.TWO_PEOPLE;
import static dev.tracegate.gateway.approval.ApprovalFixtures.ddl;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tracegate.gateway.TestGateway;
import dev.tracegate.gateway.config.SecretReference;
import dev.tracegate.gateway.config.StoreConfig;
import dev.tracegate.gateway.evidence.EventType;
import dev.tracegate.gateway.evidence.EvidenceLog;
import dev.tracegate.gateway.identity.ActiveKeys;
import dev.tracegate.gateway.identity.Identity;
import dev.tracegate.gateway.store.Store;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Approvals of two gateway nodes sharing one PostgreSQL store: each node is its own
 * {@link Store}, {@link EvidenceLog} and {@link ApprovalService}, as in two processes. What one
 * node holds the other lists and decides; a decision taken on one releases the client waiting on
 * the other; racing decisions end each request exactly once, in the store and in the log.
 */
class SharedApprovalsTest {

    /** Long enough that only a notification can release a waiter within a test. */
    private static final Duration NO_POLL = Duration.ofHours(1);

    /** Both sides of a race at once: the common pool may have a single thread on a small machine. */
    private static final ExecutorService DECIDERS = Executors.newVirtualThreadPerTaskExecutor();

    private static EmbeddedPostgres postgres;

    @TempDir
    Path dir;

    @BeforeAll
    static void startStore() throws Exception {
        postgres = EmbeddedPostgres.builder().start();
    }

    @AfterAll
    static void stopStore() throws Exception {
        postgres.close();
    }

    @BeforeEach
    void emptyStore() throws Exception {
        try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement sql = c.createStatement()) {
            sql.execute("DROP SCHEMA public CASCADE");
            sql.execute("CREATE SCHEMA public");
        }
    }

    @Test
    void aCommandHeldOnOneNodeIsListedOnTheOtherAndReleasedByItsApproval() throws Exception {
        try (Node a = node("a", NO_POLL); Node b = node("b", NO_POLL)) {
            PendingApproval held = a.approvals.request(ddl(ANALYST, "s1", ONE_DBA));

            assertThat(b.approvals.pending()).containsExactly(held);
            assertThat(b.approvals.find(held.id()).orElseThrow().request().command()).isEqualTo(held.request().command());
            b.approvals.approve(held.id(), DBA, "reviewed on b", Duration.ofMinutes(30));

            // A polls once an hour here: only the store's notification can have released it.
            ApprovalResult result = held.decision().get(30, TimeUnit.SECONDS);
            assertThat(result.outcome()).isEqualTo(ApprovalOutcome.APPROVED);
            assertThat(result.votes()).extracting(ApproverVote::approver).containsExactly(DBA);
            assertThat(a.approvals.activeGrant(ANALYST, "shop", "ddl", "hold-ddl", ONE_DBA)).as("the grant holds on every node").isPresent();
            assertThat(a.approvals.pending()).isEmpty();
        }
    }

    @Test
    void aVoteOrApprovalTheStoreCannotCommitIsRecordedAsNotTakenSoItsRetryDoesNotCountTwice() throws Exception {
        try (Node a = node("a", NO_POLL)) {
            // A real failure at COMMIT, after the vote's event is durable: a deferred constraint trigger.
            try (Connection c = a.store.dataSource().getConnection(); Statement sql = c.createStatement()) {
                sql.execute("CREATE FUNCTION refuse_at_commit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                        + " IF NEW.reason = 'the store fails' THEN RAISE EXCEPTION 'no space left on device'; END IF; RETURN NULL; END $$");
                sql.execute("CREATE CONSTRAINT TRIGGER refuse_vote AFTER INSERT ON approval_vote DEFERRABLE INITIALLY DEFERRED"
                        + " FOR EACH ROW EXECUTE FUNCTION refuse_at_commit()");
            }
            PendingApproval held = a.approvals.request(ddl(ANALYST, "s1", TWO_PEOPLE));

            assertThatThrownBy(() -> a.approvals.approve(held.id(), DBA, "the store fails", null)).isInstanceOf(ApprovalException.class)
                    .hasMessageContaining("not taken");
            a.approvals.approve(held.id(), DBA, "again", null);
            assertThatThrownBy(() -> a.approvals.approve(held.id(), SECURITY, "the store fails", null))
                    .isInstanceOf(ApprovalException.class);
            assertThat(held.decided()).as("an approval the store did not keep releases nothing").isFalse();
            a.approvals.approve(held.id(), SECURITY, "ok", null);
            assertThat(held.decision().get(30, TimeUnit.SECONDS).outcome()).isEqualTo(ApprovalOutcome.APPROVED);

            List<String> decided = new ArrayList<>();
            for (JsonNode event : TestGateway.eventsOfType(a.log, EventType.APPROVAL_DECIDED)) {
                JsonNode detail = event.path("detail");
                decided.add(detail.path("outcome").asText() + " by " + event.path("actor").path("sub").asText()
                        + (detail.has("not_taken") ? ": " + detail.path("not_taken").path("outcome").asText() + " by "
                        + detail.path("not_taken").path("sub").asText() : "") + " " + detail.path("votes").size());
            }
            assertThat(decided).containsExactly(
                    "vote by apikey:dana 1",
                    "not_taken by gateway: vote by apikey:dana 0",
                    "vote by apikey:dana 1",
                    "approved by apikey:sam 2",
                    "not_taken by gateway: approved by apikey:sam 0",
                    "approved by apikey:sam 2");
        }
    }

    @Test
    void aDecisionWhoseNotificationWasLostIsFoundByThePoll() throws Exception {
        try (Node a = node("a", Duration.ofMillis(200)); Node b = node("b", NO_POLL)) {
            PendingApproval held = a.approvals.request(ddl(ANALYST, "s1", ONE_DBA));
            // A decision that reached the store without its NOTIFY (as when the listening connection was down).
            try (Connection c = b.store.dataSource().getConnection(); Statement sql = c.createStatement()) {
                assertThat(sql.executeUpdate("UPDATE approval_request SET state = 'denied', decided_at = now(),"
                        + " decided_by_json = '{\"issuer\":\"tracegate\",\"subject\":\"apikey:dana\"}',"
                        + " decision_reason = 'no' WHERE id = '" + held.id() + "'")).isEqualTo(1);
            }

            assertThat(held.decision().get(30, TimeUnit.SECONDS).outcome()).isEqualTo(ApprovalOutcome.DENIED);
        }
    }

    @Test
    void twoApproversOnTwoNodesAtOnceEndEachRequestExactlyOnce() throws Exception {
        try (Node a = node("a", NO_POLL); Node b = node("b", NO_POLL)) {
            List<String> ids = new ArrayList<>();
            int wins = 0;
            for (int i = 0; i < 10; i++) {
                PendingApproval held = a.approvals.request(ddl(ANALYST, "s" + i, ONE_DBA));
                ids.add(held.id());
                CountDownLatch go = new CountDownLatch(1);
                CompletableFuture<Boolean> onA = decideAfter(go, () -> a.approvals.approve(held.id(), DBA, "a", null));
                CompletableFuture<Boolean> onB = decideAfter(go, () -> b.approvals.deny(held.id(), OTHER_DBA, "b"));
                go.countDown();
                wins += (onA.get(30, TimeUnit.SECONDS) ? 1 : 0) + (onB.get(30, TimeUnit.SECONDS) ? 1 : 0);
                ApprovalOutcome outcome = held.decision().get(30, TimeUnit.SECONDS).outcome();
                assertThat(b.approvals.find(held.id()).orElseThrow().decision().join().outcome()).isEqualTo(outcome);
            }

            assertThat(wins).as("one decision per request").isEqualTo(10);
            List<String> ended = endsOf(a.log, ids);
            assertThat(ended).hasSize(10).doesNotHaveDuplicates();
        }
    }

    @Test
    void twoPeopleApprovingAtOnceOnTwoNodesBothCount() throws Exception {
        try (Node a = node("a", NO_POLL); Node b = node("b", NO_POLL)) {
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                PendingApproval held = a.approvals.request(ddl(ANALYST, "s" + i, TWO_PEOPLE));
                ids.add(held.id());
                CountDownLatch go = new CountDownLatch(1);
                CompletableFuture<Boolean> onA = decideAfter(go, () -> a.approvals.approve(held.id(), DBA, "a", null));
                CompletableFuture<Boolean> onB = decideAfter(go, () -> b.approvals.approve(held.id(), SECURITY, "b", null));
                go.countDown();
                assertThat(onA.get(30, TimeUnit.SECONDS) && onB.get(30, TimeUnit.SECONDS)).as("both votes taken").isTrue();

                // Whoever voted second saw the first vote: the request is approved, by both.
                ApprovalResult result = held.decision().get(30, TimeUnit.SECONDS);
                assertThat(result.outcome()).isEqualTo(ApprovalOutcome.APPROVED);
                assertThat(result.votes()).extracting(ApproverVote::approver).containsExactlyInAnyOrder(DBA, SECURITY);
            }
            assertThat(endsOf(a.log, ids)).hasSize(10).allMatch(end -> end.endsWith(" approved"));
        }
    }

    @Test
    void anApprovalRacingTheWithdrawalOnTheOtherNodeEndsItOnce() throws Exception {
        try (Node a = node("a", NO_POLL); Node b = node("b", NO_POLL)) {
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                PendingApproval held = a.approvals.request(ddl(ANALYST, "s" + i, ONE_DBA));
                ids.add(held.id());
                CountDownLatch go = new CountDownLatch(1);
                CompletableFuture<Boolean> approval = decideAfter(go, () -> b.approvals.approve(held.id(), DBA, "ok", null));
                CompletableFuture<Boolean> withdrawal = decideAfter(go, () -> a.approvals.withdraw(held.id(), "client left"));
                go.countDown();
                approval.get(30, TimeUnit.SECONDS);
                withdrawal.get(30, TimeUnit.SECONDS);
                ApprovalOutcome outcome = held.decision().get(30, TimeUnit.SECONDS).outcome();
                assertThat(outcome).isIn(ApprovalOutcome.APPROVED, ApprovalOutcome.WITHDRAWN);
                assertThat(b.approvals.find(held.id()).orElseThrow().decision().join().outcome())
                        .as("the waiter learns what the store decided").isEqualTo(outcome);
            }
            assertThat(endsOf(a.log, ids)).hasSize(10);
        }
    }

    @Test
    void anUnverifiedAddressStaysUnverifiedOnTheOtherNodeAndInItsEvidence() throws Exception {
        // An OIDC sign-in whose provider did not check the address: anyone could have typed it.
        Identity typed = new Identity("https://idp.example", "u-17", "Eve", "ceo@acme.com", List.of("analysts"), "human", false);
        Identity unverifiedDba = new Identity("https://idp.example", "u-18", "Dan", "cto@acme.com", List.of("dba"), "human", false);
        try (Node a = node("a", NO_POLL); Node b = node("b", NO_POLL)) {
            PendingApproval asked = a.approvals.request(ddl(typed, "s1", TWO_PEOPLE));
            PendingApproval withdrawn = a.approvals.request(ddl(typed, "s2", ONE_DBA));

            assertThat(b.approvals.find(asked.id()).orElseThrow().request().requester())
                    .as("the requester approvers on the other node see").isEqualTo(typed);
            b.approvals.approve(asked.id(), unverifiedDba, "looks fine", null);
            assertThat(a.approvals.find(asked.id()).orElseThrow().votes()).extracting(ApproverVote::approver)
                    .containsExactly(unverifiedDba);
            b.approvals.withdraw(withdrawn.id(), "client left"); // b holds no waiter: the requester comes from the store

            List<JsonNode> requested = TestGateway.eventsOfType(a.log, EventType.APPROVAL_REQUESTED);
            List<JsonNode> decided = TestGateway.eventsOfType(b.log, EventType.APPROVAL_DECIDED);
            assertThat(requested).hasSize(2).allSatisfy(e -> assertThat(e.path("actor").path("email_verified").isBoolean()
                    && !e.path("actor").path("email_verified").asBoolean()).as("requested by %s", e.path("actor")).isTrue());
            assertThat(decided).hasSize(2).allSatisfy(e -> assertThat(e.path("actor").path("email_verified").isBoolean()
                    && !e.path("actor").path("email_verified").asBoolean()).as("decided by %s", e.path("actor")).isTrue());
        }
    }

    @Test
    void theRequestsOfADeadNodeAreWithdrawnAndCannotBeApproved() throws Exception {
        try (Node a = node("a", NO_POLL); Node b = node("b", NO_POLL)) {
            PendingApproval held = a.approvals.request(ddl(ANALYST, "s1", ONE_DBA));
            // A stops renewing its lease, as a killed process does.
            try (Connection c = b.store.dataSource().getConnection(); Statement sql = c.createStatement()) {
                sql.executeUpdate("UPDATE gateway_node SET heartbeat_at = now() - interval '1 hour' WHERE node_id = 'node-a'");
            }

            assertThatThrownBy(() -> b.approvals.approve(held.id(), DBA, "too late", null))
                    .isInstanceOf(ApprovalException.class).hasMessageContaining("withdrawn")
                    .extracting(e -> ((ApprovalException) e).kind()).isEqualTo(ApprovalException.Kind.ALREADY_DECIDED);
            assertThat(b.approvals.pending()).isEmpty();
            assertThat(endsOf(b.log, List.of(held.id()))).containsExactly(held.id() + " withdrawn");
        }
    }

    @Test
    void aRestartedNodeWithdrawsWhatItsPreviousRunHeldAndKeepsTheOthers() throws Exception {
        try (Node b = node("b", NO_POLL)) {
            PendingApproval onB = b.approvals.request(ddl(ANALYST, "s2", ONE_DBA));
            String orphan;
            Node first = node("a", NO_POLL);
            orphan = first.approvals.request(ddl(ANALYST, "s1", ONE_DBA)).id();
            first.killed();

            try (Node again = node("a", NO_POLL)) {
                assertThat(again.approvals.find(orphan).orElseThrow().decision().join().outcome())
                        .isEqualTo(ApprovalOutcome.WITHDRAWN);
                assertThat(again.approvals.pending()).as("what the other node holds stays").containsExactly(onB);
                again.approvals.approve(onB.id(), DBA, "from the restarted node", null);
                assertThat(onB.decision().get(30, TimeUnit.SECONDS).outcome()).isEqualTo(ApprovalOutcome.APPROVED);
            }
        }
    }

    private interface Decision {
        void take() throws Exception;
    }

    /** True when the decision was taken, false when it was refused as already decided. */
    private static CompletableFuture<Boolean> decideAfter(CountDownLatch go, Decision decision) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                go.await();
                decision.take();
                return true;
            } catch (ApprovalException e) {
                assertThat(e.kind()).isEqualTo(ApprovalException.Kind.ALREADY_DECIDED);
                return false;
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }, DECIDERS);
    }

    /** The ending {@code approval.decided} events of these requests, as "id outcome". */
    private static List<String> endsOf(EvidenceLog log, List<String> ids) throws Exception {
        List<String> ends = new ArrayList<>();
        for (JsonNode event : TestGateway.eventsOfType(log, EventType.APPROVAL_DECIDED)) {
            String id = event.path("detail").path("id").asText();
            String outcome = event.path("detail").path("outcome").asText();
            if (ids.contains(id) && !outcome.equals("vote")) {
                ends.add(id + " " + outcome);
            }
        }
        return ends;
    }

    private Node node(String name, Duration poll) throws Exception {
        Path password = dir.resolve("store-password");
        Files.writeString(password, "unused-with-trust");
        Store store = Store.open(new StoreConfig("postgresql", null, "jdbc:postgresql://127.0.0.1:" + postgres.getPort()
                + "/postgres", "postgres", SecretReference.of("file:" + password)), dir.resolve(name));
        EvidenceLog log = new EvidenceLog(store, null, false);
        return new Node(store, log, new ApprovalService(log, Clock.systemUTC(), List.of(), null, "node-" + name, poll, 8, ActiveKeys.NONE));
    }

    private record Node(Store store, EvidenceLog log, ApprovalService approvals) implements AutoCloseable {

        /** Gone without a word: no withdrawal, no lease given up (the service is never closed). */
        void killed() {
            log.close();
            store.close();
        }

        @Override
        public void close() {
            approvals.close();
            log.close();
            store.close();
        }
    }
}
