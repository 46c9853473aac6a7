package dev.tracegate.gateway.approval;

import dev.tracegate.gateway.MutableClock;
import static dev.tracegate.gateway.approval.ApprovalFixtures.ANALYST;
import static dev.tracegate.gateway.approval.ApprovalFixtures.DBA;
import static dev.tracegate.gateway.approval.ApprovalFixtures.DBA_REQUESTER;
import static dev.tracegate.gateway.approval.ApprovalFixtures.ONE_DBA;
import static dev.tracegate.gateway.approval.ApprovalFixtures.ON_CALL;
import static dev.tracegate.gateway.approval.ApprovalFixtures.OTHER_ANALYST;
import static dev.tracegate.gateway.approval.ApprovalFixtures.OTHER_DBA;
import static dev.tracegate.gateway.approval.ApprovalFixtures.SECURITY;
import static dev.tracegate.gateway.approval.ApprovalFixtures.TWO_PEOPLE;
import static dev.tracegate.gateway.approval.ApprovalFixtures.ddl;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tracegate.gateway.evidence.EvidenceLogUnavailableException;
import dev.tracegate.gateway.identity.ActiveKeys;
import dev.tracegate.gateway.identity.AuthenticationException;
import dev.tracegate.gateway.identity.CredentialRef;
import dev.tracegate.gateway.identity.Identity;
import dev.tracegate.gateway.identity.SignIn;
import dev.tracegate.policy.rules.ApprovalSpec;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The approval rules as approvers and auditors meet them, on a real evidence log. */
class ApprovalServiceTest {

    private ApprovalFixtures fixtures;
    private MutableClock clock;
    private ApprovalService approvals;

    @BeforeEach
    void start() throws Exception {
        fixtures = new ApprovalFixtures();
        clock = new MutableClock(Instant.parse("2026-11-23T09:00:00Z"));
        approvals = new ApprovalService(fixtures.log, clock, List.of(), null);
    }

    @AfterEach
    void stop() {
        approvals.close();
        fixtures.close();
    }

    @Test
    void twoApprovalsFromDifferentGroupsApproveTheCommand() throws Exception {
        PendingApproval pending = approvals.request(ddl(ANALYST, "s1", TWO_PEOPLE));

        approvals.approve(pending.id(), DBA, "reviewed the migration", null);
        assertThat(pending.decided()).as("one of two approvals is not enough").isFalse();
        assertThat(approvals.pending()).containsExactly(pending);
        approvals.approve(pending.id(), SECURITY, "no data exposure", null);

        ApprovalResult decision = pending.decision().get(1, TimeUnit.SECONDS);
        assertThat(decision.outcome()).isEqualTo(ApprovalOutcome.APPROVED);
        assertThat(decision.breakGlass()).isFalse();
        assertThat(decision.votes()).extracting(ApproverVote::approver).containsExactly(DBA, SECURITY);
        assertThat(decision.votes()).extracting(ApproverVote::reason).containsExactly("reviewed the migration", "no data exposure");
        assertThat(approvals.pending()).isEmpty();
        assertThat(approvals.find(pending.id())).contains(pending);
        assertThat(pending.decidedBy()).contains(SECURITY);
    }

    @Test
    void theSameApproverCannotCountTwice() throws Exception {
        PendingApproval pending = approvals.request(ddl(ANALYST, "s1", TWO_PEOPLE));
        approvals.approve(pending.id(), DBA, "ok", null);

        Identity sameDbaOtherGroups = new Identity(DBA.issuer(), DBA.subject(), "Dana", null, List.of("dba", "security"), "human");
        assertThatThrownBy(() -> approvals.approve(pending.id(), sameDbaOtherGroups, "ok again", null))
                .isInstanceOf(ApprovalException.class).hasMessageContaining("already approved")
                .extracting(e -> ((ApprovalException) e).kind()).isEqualTo(ApprovalException.Kind.ALREADY_VOTED);
        assertThat(pending.decided()).isFalse();
        approvals.approve(pending.id(), OTHER_DBA, "second pair of eyes", null);
        assertThat(pending.decision().getNow(null).outcome()).isEqualTo(ApprovalOutcome.APPROVED);
    }

    @Test
    void nobodyApprovesOrDeniesTheirOwnCommandEvenWhenInTheApproverGroup() throws Exception {
        PendingApproval pending = approvals.request(ddl(DBA_REQUESTER, "s1", ONE_DBA));
        Identity sameSubjectOtherToken = new Identity(DBA_REQUESTER.issuer(), DBA_REQUESTER.subject(), null, null,
                List.of("dba", "oncall"), "agent");

        assertThatThrownBy(() -> approvals.approve(pending.id(), DBA_REQUESTER, "mine", null))
                .isInstanceOf(ApprovalException.class).hasMessageContaining("your own command");
        assertThatThrownBy(() -> approvals.approve(pending.id(), sameSubjectOtherToken, "mine", Duration.ofHours(1)))
                .isInstanceOf(ApprovalException.class).hasMessageContaining("your own command");
        assertThatThrownBy(() -> approvals.deny(pending.id(), DBA_REQUESTER, "changed my mind"))
                .isInstanceOf(ApprovalException.class).hasMessageContaining("your own command");
        assertThat(pending.decided()).isFalse();

        Identity sameSubjectOtherIssuer = new Identity("https://idp.example.com", DBA_REQUESTER.subject(), null, null,
                List.of("dba"), "human");
        approvals.approve(pending.id(), sameSubjectOtherIssuer, "a different person at another issuer", null);
        assertThat(pending.decision().getNow(null).outcome()).isEqualTo(ApprovalOutcome.APPROVED);
    }

    @Test
    void peopleOutsideTheApproverGroupsCanNeitherApproveNorDeny() throws Exception {
        PendingApproval pending = approvals.request(ddl(ANALYST, "s1", TWO_PEOPLE));

        assertThatThrownBy(() -> approvals.approve(pending.id(), OTHER_ANALYST, "looks fine", null))
                .isInstanceOf(ApprovalException.class).hasMessageContaining("[dba, security]").hasMessageContaining("[oncall]")
                .extracting(e -> ((ApprovalException) e).kind()).isEqualTo(ApprovalException.Kind.FORBIDDEN);
        assertThatThrownBy(() -> approvals.deny(pending.id(), OTHER_ANALYST, "no"))
                .isInstanceOf(ApprovalException.class).hasMessageContaining("[dba, security]");
        assertThat(pending.votes()).isEmpty();
        assertThat(pending.decided()).isFalse();
    }

    @Test
    void oneDenialEndsTheWaitAndLaterDecisionsAreRefused() throws Exception {
        PendingApproval pending = approvals.request(ddl(ANALYST, "s1", TWO_PEOPLE));
        approvals.approve(pending.id(), DBA, "fine by me", null);

        approvals.deny(pending.id(), SECURITY, "touches the payments table");

        ApprovalResult decision = pending.decision().get(1, TimeUnit.SECONDS);
        assertThat(decision.outcome()).isEqualTo(ApprovalOutcome.DENIED);
        assertThat(decision.reason()).isEqualTo("touches the payments table");
        assertThatThrownBy(() -> approvals.approve(pending.id(), OTHER_DBA, "late", null))
                .isInstanceOf(ApprovalException.class).hasMessageContaining("already denied")
                .extracting(e -> ((ApprovalException) e).kind()).isEqualTo(ApprovalException.Kind.ALREADY_DECIDED);
        assertThatThrownBy(() -> approvals.approve("nosuchid2345", DBA, "?", null))
                .isInstanceOf(ApprovalException.class)
                .extracting(e -> ((ApprovalException) e).kind()).isEqualTo(ApprovalException.Kind.NOT_FOUND);
    }

    @Test
    void anUnansweredRequestExpiresAtItsDeadline() throws Exception {
        PendingApproval pending = approvals.request(ddl(ANALYST, "s1", TWO_PEOPLE));
        approvals.approve(pending.id(), DBA, "ok", null);

        clock.advance(Duration.ofMinutes(9));
        approvals.expireDue();
        assertThat(pending.decided()).as("not yet due").isFalse();
        clock.advance(Duration.ofMinutes(1));
        approvals.expireDue();

        ApprovalResult decision = pending.decision().get(1, TimeUnit.SECONDS);
        assertThat(decision.outcome()).isEqualTo(ApprovalOutcome.EXPIRED);
        assertThat(decision.reason()).isEqualTo("no decision within 10m");
        assertThat(decision.votes()).extracting(ApproverVote::approver).containsExactly(DBA);
        assertThatThrownBy(() -> approvals.approve(pending.id(), SECURITY, "too late", null))
                .isInstanceOf(ApprovalException.class).hasMessageContaining("already expired");
    }

    /**
     * A vote and the deadline race: the request's row is held by another decision (a vote on
     * another node whose evidence write is slow) while a DBA's approval, sent before the deadline,
     * waits for it, and the deadline passes meanwhile. The approval is taken when it gets the
     * request, so it finds the request expired; before, it was taken at the time it was sent and
     * approved a request past its deadline.
     */
    @Test
    void aVoteLetInAfterTheDeadlineFindsTheRequestExpired() throws Exception {
        // No poll of its own meanwhile: only the vote and the deadline race.
        try (ApprovalService service = new ApprovalService(fixtures.log, clock, List.of(), null, "race-node", Duration.ofHours(1), 8, ActiveKeys.NONE)) {
            PendingApproval pending = service.request(ddl(ANALYST, "s1", ONE_DBA));
            CompletableFuture<Void> vote;
            try (Connection other = fixtures.store.dataSource().getConnection()) {
                other.setAutoCommit(false);
                try (PreparedStatement lock = other.prepareStatement("SELECT id FROM approval_request WHERE id = ? FOR UPDATE")) {
                    lock.setString(1, pending.id());
                    lock.executeQuery().close();
                }
                Thread[] voter = new Thread[1];
                vote = CompletableFuture.runAsync(() -> {
                    try {
                        service.approve(pending.id(), DBA, "looks fine", null);
                    } catch (ApprovalException e) {
                        throw new CompletionException(e);
                    }
                }, task -> voter[0] = Thread.ofPlatform().start(task));
                org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> waitsForTheRow(voter[0]));
                clock.advance(Duration.ofMinutes(10));
                other.commit();
            }

            assertThatThrownBy(vote::join).hasCauseInstanceOf(ApprovalException.class).hasMessageContaining("already expired");
            ApprovalResult decision = pending.decision().get(1, TimeUnit.SECONDS);
            assertThat(decision.outcome()).isEqualTo(ApprovalOutcome.EXPIRED);
            assertThat(decision.votes()).isEmpty();
        }
    }

    /** The thread is inside the store, waiting for a row another transaction locked. */
    private static boolean waitsForTheRow(Thread thread) {
        return thread != null && thread.getState() != Thread.State.RUNNABLE
                && java.util.Arrays.stream(thread.getStackTrace()).anyMatch(frame -> frame.getClassName().startsWith("org.h2."));
    }

    @Test
    void theTimerExpiresRequestsOnItsOwn() throws Exception {
        try (ApprovalService realTime = new ApprovalService(fixtures.log, Clock.systemUTC(), List.of(), null)) {
            ApprovalSpec quick = new ApprovalSpec(List.of("dba"), 1, Duration.ofMillis(300), List.of());
            PendingApproval pending = realTime.request(ddl(ANALYST, "s1", quick));

            ApprovalResult decision = pending.decision().get(5, TimeUnit.SECONDS);

            assertThat(decision.outcome()).isEqualTo(ApprovalOutcome.EXPIRED);
            assertThat(Duration.between(pending.requestedAt(), pending.decidedAt().orElseThrow())).isGreaterThanOrEqualTo(Duration.ofMillis(300));
        }
    }

    @Test
    void aWithdrawnRequestCannotBeApprovedAnyMore() throws Exception {
        PendingApproval pending = approvals.request(ddl(ANALYST, "s1", ONE_DBA));

        approvals.withdraw(pending.id(), "the client disconnected while waiting");
        approvals.withdraw(pending.id(), "twice is harmless");
        approvals.withdraw("nosuchid2345", "unknown is harmless");

        ApprovalResult decision = pending.decision().get(1, TimeUnit.SECONDS);
        assertThat(decision.outcome()).isEqualTo(ApprovalOutcome.WITHDRAWN);
        assertThat(decision.reason()).isEqualTo("the client disconnected while waiting");
        assertThatThrownBy(() -> approvals.approve(pending.id(), DBA, "ok", null))
                .isInstanceOf(ApprovalException.class).hasMessageContaining("already withdrawn");
    }

    @Test
    void aBreakGlassApproverDecidesAloneAndItIsMarked() throws Exception {
        PendingApproval pending = approvals.request(ddl(ANALYST, "s1", TWO_PEOPLE));

        approvals.approve(pending.id(), ON_CALL, "production is down, fix needs this column", null);

        ApprovalResult decision = pending.decision().get(1, TimeUnit.SECONDS);
        assertThat(decision.outcome()).isEqualTo(ApprovalOutcome.APPROVED);
        assertThat(decision.breakGlass()).isTrue();
        assertThat(decision.votes()).extracting(ApproverVote::approver).containsExactly(ON_CALL);
    }

    @Test
    void aBreakGlassMemberWhoseVoteSufficesAnywayIsNotMarkedBreakGlass() throws Exception {
        Identity dbaOnCall = ApprovalFixtures.person("olga", "dba", "oncall");
        PendingApproval pending = approvals.request(ddl(ANALYST, "s1", TWO_PEOPLE));
        approvals.approve(pending.id(), DBA, "ok", null);

        approvals.approve(pending.id(), dbaOnCall, "ok too", null);

        assertThat(pending.decision().getNow(null).breakGlass()).isFalse();
    }

    @Test
    void aGrantLetsTheRequesterRunTheSameClassOnTheSameConnectionUntilItEnds() throws Exception {
        PendingApproval pending = approvals.request(ddl(ANALYST, "s1", ONE_DBA));

        approvals.approve(pending.id(), DBA, "migration window", Duration.ofMinutes(30));

        assertThat(approvals.activeGrant(ANALYST, "shop", "ddl", "hold-ddl", ONE_DBA)).hasValueSatisfying(grant -> {
            assertThat(grant.id()).isEqualTo(pending.id());
            assertThat(grant.expiresAt()).isEqualTo(clock.instant().plus(Duration.ofMinutes(30)));
            assertThat(grant.grantedBy()).contains(DBA.subject());
        });
        assertThat(pending.grant()).isPresent();
        assertThat(approvals.activeGrant(ANALYST, "shop", "privilege", "hold-ddl", ONE_DBA)).as("another class").isEmpty();
        assertThat(approvals.activeGrant(ANALYST, "warehouse", "ddl", "hold-ddl", ONE_DBA)).as("another connection").isEmpty();
        assertThat(approvals.activeGrant(OTHER_ANALYST, "shop", "ddl", "hold-ddl", ONE_DBA)).as("another person").isEmpty();
        assertThat(approvals.activeGrant(ANALYST, "shop", "ddl", "hold-payroll-ddl", ONE_DBA)).as("another rule, other approvers").isEmpty();
        assertThat(approvals.activeGrant(ANALYST, "shop", "ddl", "hold-ddl", TWO_PEOPLE)).as("the rule asks more people since").isEmpty();
        assertThat(approvals.grants()).hasSize(1);

        clock.advance(Duration.ofMinutes(30));
        assertThat(approvals.activeGrant(ANALYST, "shop", "ddl", "hold-ddl", ONE_DBA)).as("ended").isEmpty();
        assertThat(approvals.grants()).isEmpty();
    }

    @Test
    void withSeveralApproversAGrantNeedsEveryOneOfThemAndLastsTheShortestAsked() throws Exception {
        PendingApproval onlyOneAsked = approvals.request(ddl(ANALYST, "s1", TWO_PEOPLE));
        approvals.approve(onlyOneAsked.id(), DBA, "just this once", null);
        approvals.approve(onlyOneAsked.id(), SECURITY, "and then some", Duration.ofHours(2));
        assertThat(onlyOneAsked.decision().getNow(null).outcome()).isEqualTo(ApprovalOutcome.APPROVED);
        assertThat(approvals.activeGrant(ANALYST, "shop", "ddl", "hold-ddl", TWO_PEOPLE)).isEmpty();

        PendingApproval bothAsked = approvals.request(ddl(ANALYST, "s1", TWO_PEOPLE));
        approvals.approve(bothAsked.id(), DBA, "for the window", Duration.ofMinutes(20));
        approvals.approve(bothAsked.id(), SECURITY, "for the window", Duration.ofHours(2));
        assertThat(approvals.activeGrant(ANALYST, "shop", "ddl", "hold-ddl", TWO_PEOPLE)).get()
                .extracting(Grant::expiresAt).isEqualTo(clock.instant().plus(Duration.ofMinutes(20)));

        assertThatThrownBy(() -> approvals.approve(approvals.request(ddl(ANALYST, "s1", ONE_DBA)).id(), DBA, "x", Duration.ZERO))
                .isInstanceOf(ApprovalException.class).hasMessageContaining("positive");
    }

    /** A service whose service-account keys are all active but those in {@code revoked} (read at each use). */
    private ApprovalService serviceRevoking(Set<String> revoked, String node) {
        ActiveKeys serviceAccountKeys = key -> {
            if (revoked.contains(key.id())) {
                throw new AuthenticationException("service-account key " + key.id() + " is revoked");
            }
        };
        return new ApprovalService(fixtures.log, clock, List.of(), null, node, Duration.ofHours(1), 8, serviceAccountKeys);
    }

    /** Signed in through a gateway token derived from service-account key {@code keyId}. */
    private SignIn serviceAccountSignIn(Identity who, String keyId, Instant end) {
        return new SignIn(who, clock.instant(), end, null, new CredentialRef(CredentialRef.SERVICE_ACCOUNT_KEY, keyId),
                new CredentialRef(CredentialRef.GATEWAY_TOKEN, "t-" + keyId));
    }

    /** A DBA signed in with an OIDC token that ends at {@code end}: nothing says they are a DBA after it. */
    private SignIn oidcSignIn(Identity who, Instant end) {
        return new SignIn(who, clock.instant(), end, null, null, new CredentialRef(CredentialRef.OIDC_TOKEN, "jti-" + who.subject()));
    }

    @Test
    void anEarlierVoteWhoseSignInEndedDoesNotCountAtTheDecidingVoteAndTheEvidenceSaysWhy() throws Exception {
        PendingApproval pending = approvals.request(ddl(ANALYST, "s1", TWO_PEOPLE));
        Instant tokenEnds = clock.instant().plus(Duration.ofMinutes(2));
        approvals.approve(pending.id(), oidcSignIn(DBA, tokenEnds), "reviewed", null);
        // Meanwhile the identity provider may have taken dana out of dba: her token no longer vouches for it.
        clock.advance(Duration.ofMinutes(3));

        approvals.approve(pending.id(), oidcSignIn(SECURITY, clock.instant().plus(Duration.ofMinutes(5))), "fine", null);

        assertThat(pending.decided()).as("one standing vote of two is not enough").isFalse();
        assertThat(approvals.find(pending.id()).orElseThrow().votes()).extracting(ApproverVote::approver).containsExactly(SECURITY);
        JsonNode second = fixtures.events().getLast().path("detail");
        assertThat(second.path("outcome").asText()).isEqualTo("vote");
        assertThat(second.path("votes").findValuesAsText("sub")).containsExactly(SECURITY.subject());
        assertThat(second.path("lapsed_votes").get(0).path("sub").asText()).isEqualTo(DBA.subject());
        assertThat(second.path("lapsed_votes").get(0).path("why").asText())
                .isEqualTo("the sign-in it was cast with ended at " + tokenEnds);

        approvals.approve(pending.id(), oidcSignIn(DBA, clock.instant().plus(Duration.ofMinutes(5))), "still a DBA", null);
        assertThat(pending.decision().get(1, TimeUnit.SECONDS).outcome()).as("signed in again, she counts again")
                .isEqualTo(ApprovalOutcome.APPROVED);
        assertThat(pending.decision().get().votes()).extracting(ApproverVote::approver).containsExactly(SECURITY, DBA);
        assertThat(fixtures.events().getLast().path("detail").has("lapsed_votes")).isFalse();
    }

    @Test
    void aGrantEndsNoLaterThanTheSignInItsApproverApprovedWithAndTheEvidenceSaysSo() throws Exception {
        PendingApproval pending = approvals.request(ddl(ANALYST, "s1", ONE_DBA));
        Instant tokenEnds = clock.instant().plus(Duration.ofMinutes(10));

        approvals.approve(pending.id(), oidcSignIn(DBA, tokenEnds), "migration window", Duration.ofHours(2));

        assertThat(approvals.activeGrant(ANALYST, "shop", "ddl", "hold-ddl", ONE_DBA)).get()
                .extracting(Grant::expiresAt).as("after it, nothing says she is still a DBA").isEqualTo(tokenEnds);
        JsonNode grant = fixtures.events().getLast().path("detail").path("grant");
        assertThat(grant.path("expires_at").asText()).isEqualTo(tokenEnds.toString());
        assertThat(grant.path("ends_with_sign_in_of").asText()).isEqualTo(DBA.issuer() + "|" + DBA.subject());
        clock.advance(Duration.ofMinutes(10));
        assertThat(approvals.activeGrant(ANALYST, "shop", "ddl", "hold-ddl", ONE_DBA)).isEmpty();
    }

    @Test
    void aGrantLapsesWhenAKeyItsApproverApprovedWithIsRevoked() throws Exception {
        Set<String> revoked = ConcurrentHashMap.newKeySet();
        try (ApprovalService service = serviceRevoking(revoked, "grant-keys-node")) {
            PendingApproval pending = service.request(ddl(ANALYST, "s1", ONE_DBA));
            service.approve(pending.id(), serviceAccountSignIn(DBA, "k2", clock.instant().plus(Duration.ofHours(12))), "ok",
                    Duration.ofHours(1));
            assertThat(service.activeGrant(ANALYST, "shop", "ddl", "hold-ddl", ONE_DBA)).isPresent();

            revoked.add("k2");

            GrantCoverage coverage = service.grantCoverage(ANALYST, null, "shop", "ddl", "hold-ddl", ONE_DBA);
            assertThat(coverage.covering()).isEmpty();
            assertThat(coverage.lapsed()).singleElement().satisfies(lapsed -> {
                assertThat(lapsed.grant().id()).isEqualTo(pending.id());
                assertThat(lapsed.why()).isEqualTo("the approval of " + DBA.issuer() + "|" + DBA.subject()
                        + " no longer stands: the key it was given with is no longer active: service-account key k2 is revoked");
            });
        }
    }

    @Test
    void anEarlierVoteWhoseKeyWasRevokedDoesNotCountAtTheDecidingVote() throws Exception {
        Set<String> revoked = ConcurrentHashMap.newKeySet();
        try (ApprovalService service = serviceRevoking(revoked, "keys-node")) {
            PendingApproval pending = service.request(ddl(ANALYST, "s1", TWO_PEOPLE));
            Instant later = clock.instant().plus(Duration.ofHours(1));
            service.approve(pending.id(), serviceAccountSignIn(DBA, "k1", later), "ok", null);
            revoked.add("k1");

            service.approve(pending.id(), oidcSignIn(SECURITY, later), "ok", null);

            assertThat(pending.decided()).isFalse();
            assertThat(fixtures.events().getLast().path("detail").path("lapsed_votes").get(0).path("why").asText())
                    .isEqualTo("the key it was cast with is no longer active: service-account key k1 is revoked");
        }
    }

    @Test
    void everyRequestVoteAndDecisionIsAnEventOfTheSessionInOrder() throws Exception {
        PendingApproval approved = approvals.request(ddl(ANALYST, "s1", TWO_PEOPLE));
        approvals.approve(approved.id(), DBA, "first", Duration.ofMinutes(30));
        approvals.approve(approved.id(), SECURITY, "second", Duration.ofMinutes(30));
        PendingApproval denied = approvals.request(ddl(ANALYST, "s2", ONE_DBA));
        approvals.deny(denied.id(), DBA, "not now");
        PendingApproval withdrawn = approvals.request(ddl(ANALYST, "s3", ONE_DBA));
        approvals.withdraw(withdrawn.id(), "the client cancelled the statement");
        PendingApproval expired = approvals.request(ddl(ANALYST, "s4", ONE_DBA));
        clock.advance(Duration.ofMinutes(10));
        approvals.expireDue();

        List<JsonNode> events = fixtures.events();

        assertThat(events).extracting(e -> e.path("type").asText() + " " + e.path("session").asText() + " "
                        + e.path("actor").path("sub").asText() + " " + e.path("detail").path("outcome").asText("-"))
                .containsExactly(
                        "approval.requested s1 apikey:analyst -",
                        "approval.decided s1 apikey:dana vote",
                        "approval.decided s1 apikey:sam approved",
                        "approval.requested s2 apikey:analyst -",
                        "approval.decided s2 apikey:dana denied",
                        "approval.requested s3 apikey:analyst -",
                        "approval.decided s3 apikey:analyst withdrawn",
                        "approval.requested s4 apikey:analyst -",
                        "approval.decided s4 gateway expired");
        JsonNode requested = events.get(0).path("detail");
        assertThat(requested.path("id").asText()).isEqualTo(approved.id());
        assertThat(requested.path("command").asText()).isEqualTo("ALTER TABLE orders ADD COLUMN note text");
        assertThat(requested.path("class").asText()).isEqualTo("ddl");
        assertThat(requested.path("rule").asText()).isEqualTo("hold-ddl");
        assertThat(requested.path("approver_groups").toString()).isEqualTo("[\"dba\",\"security\"]");
        assertThat(requested.path("min_approvals").asInt()).isEqualTo(2);
        assertThat(requested.path("expires_at").asText()).isEqualTo("2026-11-23T09:10:00Z");
        assertThat(events.get(0).path("resource").path("connection").asText()).isEqualTo("shop");
        JsonNode decided = events.get(2).path("detail");
        assertThat(decided.path("votes").findValuesAsText("sub")).containsExactly("apikey:dana", "apikey:sam");
        assertThat(decided.path("reason").asText()).isEqualTo("second");
        assertThat(decided.path("break_glass").asBoolean()).isFalse();
        assertThat(decided.path("grant").path("expires_at").asText()).isEqualTo("2026-11-23T09:30:00Z");
        assertThat(events.get(4).path("detail").path("reason").asText()).isEqualTo("not now");
        assertThat(List.of(denied.id(), withdrawn.id(), expired.id()))
                .containsExactly(events.get(4).path("detail").path("id").asText(), events.get(6).path("detail").path("id").asText(),
                        events.get(8).path("detail").path("id").asText());
    }

    @Test
    void aLongCommandIsRecordedAsABlobAndTheLeafKeepsItsHash() throws Exception {
        String longCommand = "INSERT INTO notes VALUES ('" + "x".repeat(70_000) + "')";
        approvals.request(new ApprovalRequest("s1", ANALYST, "shop", "postgres", longCommand, "write", "hold-writes",
                "writes need approval", ONE_DBA, null));

        JsonNode command = fixtures.events().getFirst().path("detail").path("command");

        assertThat(command.path("blob").asText()).startsWith("sha256:");
        assertThat(command.path("size").asInt()).isEqualTo(longCommand.length());
        assertThat(fixtures.log.blobs().get(command.path("blob").asText())).hasValueSatisfying(
                bytes -> assertThat(new String(bytes, java.nio.charset.StandardCharsets.UTF_8)).isEqualTo(longCommand));
    }

    @Test
    void whenTheEvidenceLogCannotRecordNothingIsRequestedOrApproved() throws Exception {
        PendingApproval pending = approvals.request(ddl(ANALYST, "s1", ONE_DBA));
        fixtures.log.close();

        assertThatThrownBy(() -> approvals.request(ddl(ANALYST, "s2", ONE_DBA)))
                .isInstanceOf(EvidenceLogUnavailableException.class);
        assertThat(approvals.pending()).containsExactly(pending);
        assertThatThrownBy(() -> approvals.approve(pending.id(), DBA, "ok", Duration.ofHours(1)))
                .isInstanceOf(ApprovalException.class)
                .extracting(e -> ((ApprovalException) e).kind()).isEqualTo(ApprovalException.Kind.UNAVAILABLE);
        assertThat(pending.decided()).isFalse();
        assertThat(pending.votes()).isEmpty();
        assertThat(approvals.grants()).isEmpty();
    }

    @Test
    void idsAreShortShellSafeAndDistinct() throws Exception {
        PendingApproval first = approvals.request(ddl(ANALYST, "s1", ONE_DBA));
        PendingApproval second = approvals.request(ddl(ANALYST, "s1", ONE_DBA));

        assertThat(first.id()).matches("[a-z2-9]{12}");
        assertThat(second.id()).matches("[a-z2-9]{12}").isNotEqualTo(first.id());
    }

    @Test
    void approversAreNotifiedWithoutHoldingUpTheRequester() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        List<String> told = new java.util.concurrent.CopyOnWriteArrayList<>();
        ApprovalNotifier slow = (approval, command, url) -> {
            told.add(approval.id() + " " + command + " " + url);
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        ApprovalNotifier broken = (approval, command, url) -> {
            throw new IllegalStateException("receiver misconfigured");
        };
        try (ApprovalService notifying = new ApprovalService(fixtures.log, clock, List.of(broken, slow), "https://tracegate.example.com/")) {
            long started = System.nanoTime();
            PendingApproval pending = notifying.request(ddl(ANALYST, "s1", ONE_DBA));
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));

            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> !told.isEmpty());
            assertThat(told).containsExactly(pending.id() + " tracegate approvals approve " + pending.id()
                    + " https://tracegate.example.com/approvals/" + pending.id());
            release.countDown();
        }
    }

    @Test
    void closingTheServiceWithdrawsWhatStillWaits() throws Exception {
        PendingApproval pending = approvals.request(ddl(ANALYST, "s1", ONE_DBA));

        approvals.close();

        assertThat(pending.decision().get(1, TimeUnit.SECONDS).outcome()).isEqualTo(ApprovalOutcome.WITHDRAWN);
    }
}
