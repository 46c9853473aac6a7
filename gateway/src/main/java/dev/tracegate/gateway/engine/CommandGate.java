package dev.tracegate.gateway.engine;

import dev.tracegate.gateway.approval.ApprovalResult;
import dev.tracegate.gateway.approval.ApprovalOutcome;
import dev.tracegate.gateway.approval.ApprovalRequest;
import dev.tracegate.gateway.approval.ApprovalService;
import dev.tracegate.gateway.approval.Grant;
import dev.tracegate.gateway.approval.PendingApproval;
import dev.tracegate.gateway.evidence.EvidenceLogUnavailableException;
import dev.tracegate.gateway.guard.Guard;
import dev.tracegate.gateway.guard.Ruling;
import dev.tracegate.gateway.identity.AuthenticationException;
import dev.tracegate.gateway.identity.SignInEndedException;
import dev.tracegate.gateway.recording.SessionRecorder;
import dev.tracegate.policy.rules.Action;
import dev.tracegate.policy.rules.ApprovalSpec;
import dev.tracegate.policy.rules.Decision;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Enforcement, the same for every protocol: a command whose {@code command} event is written
 * goes upstream, is refused, or waits for approvers, and the evidence records which. Engines call
 * it with the {@link Ruling} the Guard gave; only how a client waits and how it is told differ
 * per protocol.
 */
public final class CommandGate {

    /** How long one look at a waiting client lasts: also how late a decision may be noticed while looking. */
    private static final int LOOK_MILLIS = 250;
    /** How long a stopping gateway waits for its held sessions to take the answer that ends them. */
    private static final long RELEASE_WAIT_NANOS = 5_000_000_000L;
    private static final long RELEASE_POLL_MILLIS = 10;
    /**
     * How long a shutdown lets a released hold's refusal reach its client before the listeners close the
     * connections. PostgreSQL's refusal follows a round trip to the server; 500 ms was too short on a
     * machine at load 14 (the client read a closed connection instead of 57014, one CI run in many).
     */
    private static final long RELEASE_DRAIN_MILLIS = 2_000;

    private final ApprovalService approvals;
    private final Guard guard;
    private final int heldPerIdentity;
    /** Sessions between asking approvers and taking their answer ({@link #request} to {@link #decided}). */
    private final AtomicInteger holding = new AtomicInteger();
    /** Why no command is held any more (the gateway is stopping), or null. */
    private volatile String released;

    /**
     * @param guard           whose policy in force judges again a command approved after a reload
     * @param heldPerIdentity commands of one identity that may wait for approvers at once ({@code limits.heldStatementsPerIdentity})
     */
    public CommandGate(ApprovalService approvals, Guard guard, int heldPerIdentity) {
        this.approvals = approvals;
        this.guard = guard;
        this.heldPerIdentity = heldPerIdentity;
    }

    /**
     * Applies the ruling to command {@code seq} of the session: allowed, blocked (recorded),
     * covered by an approver's time-boxed grant (recorded), refused because the caller already has
     * as many commands waiting as it may (recorded as {@code limited}), or in need of approval.
     */
    public Admission admit(SessionRecorder recorder, long seq, Ruling ruling) {
        return admit(recorder, seq, ruling, List.of());
    }

    /**
     * As {@link #admit(SessionRecorder, long, Ruling)}, for a command that runs with values: one that
     * needs approval while a value is {@code unshown} is refused (recorded as {@code unshown}) instead
     * of put to approvers who could not read it. A grant covering it still lets it run: its approver
     * approved the session, not this value.
     */
    public Admission admit(SessionRecorder recorder, long seq, Ruling ruling, List<UnshownValue> unshown) {
        Admission admission = verdict(recorder, seq, ruling);
        if (!(admission instanceof Admission.NeedsApproval) || unshown.isEmpty()) {
            return admission;
        }
        return unshown(recorder, seq, ruling, UnshownValue.reason(unshown));
    }

    /**
     * Refuses a command the policy holds, and no grant covers, without asking approvers: what it
     * runs with is more than they would be shown whole ({@code why}), so they could not read what
     * they approve. Recorded as {@code unshown}; the engine tells its client in its protocol.
     */
    public Admission.Refused unshown(SessionRecorder recorder, long seq, Ruling ruling, String why) {
        String rule = ruling.decision().rule();
        recorder.blocked(seq, Admission.Refused.UNSHOWN, rule, why, ruling.statementClass(), null);
        return new Admission.Refused(Admission.Refused.UNSHOWN, rule, why, null);
    }

    private Admission verdict(SessionRecorder recorder, long seq, Ruling ruling) {
        Optional<Admission.Refused> revoked = revoked(recorder, seq, ruling, null);
        if (revoked.isPresent()) {
            return revoked.get();
        }
        Decision decision = ruling.decision();
        return switch (decision.action()) {
            case ALLOW -> new Admission.Forward();
            case BLOCK -> {
                recorder.blocked(seq, "blocked", decision.rule(), decision.reason(), ruling.statementClass(), null);
                yield new Admission.Refused("blocked", decision.rule(), decision.reason(), null);
            }
            case APPROVE -> {
                String stopping = released;
                if (stopping != null) {
                    recorder.blocked(seq, "withdrawn", decision.rule(), stopping, ruling.statementClass(), null);
                    yield new Admission.Refused("withdrawn", decision.rule(), stopping, null);
                }
                var grants = approvals.grantCoverage(recorder.session().identity(),
                        recorder.session().signedInWith().key().orElse(null), recorder.session().resource().connection(),
                        ruling.statementClass(), decision.rule(), decision.approval());
                grants.lapsed().forEach(lapsed -> recorder.grantLapsed(seq, lapsed.grant().id(), lapsed.grant().grantedBy(),
                        decision.rule(), lapsed.why()));
                if (grants.covering().isPresent()) {
                    recorder.granted(seq, grants.covering().get().id(), grants.covering().get().grantedBy(), decision.rule());
                    yield new Admission.Forward();
                }
                long waiting = approvals.pendingOf(recorder.session().identity());
                if (waiting >= heldPerIdentity) {
                    String reason = "you already have " + waiting + " commands waiting for approval, the most one identity may"
                            + " have (limits.heldStatementsPerIdentity); wait for a decision or withdraw one";
                    recorder.blocked(seq, "limited", decision.rule(), reason, ruling.statementClass(), null);
                    yield new Admission.Refused("limited", decision.rule(), reason, null);
                }
                yield new Admission.NeedsApproval(ruling, seq);
            }
        };
    }

    /**
     * Asks approvers (an {@code approval.requested} event, notifications).
     *
     * @param shown    the command as approvers see it
     * @param recorded the command as the evidence keeps it
     */
    public Admission.Waiting request(SessionRecorder recorder, Admission.NeedsApproval held, String shown, String recorded,
                                     String trace) throws EvidenceLogUnavailableException {
        Ruling ruling = held.ruling();
        Decision decision = ruling.decision();
        var session = recorder.session();
        holding.incrementAndGet();
        PendingApproval pending;
        try {
            pending = approvals.request(new ApprovalRequest(session.id(), session.identity(),
                    session.resource().connection(), session.resource().protocol(), shown, recorded, ruling.statementClass(),
                    decision.rule(), decision.reason(), decision.approval(), trace, session.signedInWith().key().orElse(null)),
                    held.seq());
        } catch (RuntimeException | EvidenceLogUnavailableException e) {
            holding.decrementAndGet();
            throw e;
        }
        return new Admission.Waiting(ruling, pending);
    }

    /**
     * The approvers' answer: the command runs, or it is refused and the evidence says why. An
     * approval given after a policy reload runs the command only when the policy in force, judging
     * it again, still lets it through on the same terms: it allows it, or holds it under a rule that
     * says the same ({@link ApprovalSpec#ruleDefinition()}) for the same approvers, so a reload for
     * another reason (a rule for another table) does not undo approvals in flight. Otherwise (the
     * policy blocks it now, holds it under another rule or for other or more people, or it cannot be
     * judged again) it is refused, to be run again and judged by the policy in force.
     */
    public Admission decided(SessionRecorder recorder, long seq, Admission.Waiting waiting, ApprovalResult result) {
        try {
            return admitted(recorder, seq, waiting, result);
        } finally {
            holding.decrementAndGet();
        }
    }

    private Admission admitted(SessionRecorder recorder, long seq, Admission.Waiting waiting, ApprovalResult result) {
        Ruling earlier = waiting.ruling();
        Decision decision = earlier.decision();
        if (result.outcome() == ApprovalOutcome.APPROVED) {
            // An approval does not outlive the key: the wait may have been longer than the key was.
            Optional<Admission.Refused> revoked = revoked(recorder, seq, earlier, waiting.pending().id());
            if (revoked.isPresent()) {
                return revoked.get();
            }
            if (Objects.equals(guard.policy().hash(), earlier.policyHash())) {
                return new Admission.Forward();
            }
            Optional<Ruling> now = guard.again(earlier);
            String change = now.isPresent() ? changed(earlier, now.get())
                    : "asks about what the gateway did not read of the request (its body)";
            if (change == null) {
                return new Admission.Forward();
            }
            String rule = now.filter(ruling -> ruling.decision().action() == Action.BLOCK)
                    .map(ruling -> ruling.decision().rule()).orElse(decision.rule());
            String reason = "approved, but the policy changed while the command waited (a reload), and the policy in"
                    + " force " + change + "; run it again to be judged by the policy in force";
            recorder.blocked(seq, "blocked", rule, reason, earlier.statementClass(), waiting.pending().id());
            return new Admission.Refused("blocked", rule, reason, waiting.pending().id());
        }
        String outcome = result.outcome().name().toLowerCase(Locale.ROOT);
        recorder.blocked(seq, outcome, decision.rule(), result.reason(), earlier.statementClass(),
                waiting.pending().id());
        return new Admission.Refused(outcome, decision.rule(), result.reason(), waiting.pending().id());
    }

    /**
     * For a command that runs without {@link #admit} (a PostgreSQL Execute of a statement the policy
     * allowed at its Parse): its refusal, recorded, when the key its session signed in with no longer
     * stands, and the engine ends the session; empty while the key stands.
     */
    public Optional<Admission.Refused> revocation(SessionRecorder recorder, long seq, Ruling ruling) {
        return revoked(recorder, seq, ruling, null);
    }

    /**
     * What a client and the evidence are told when the key its session signed in with no longer
     * stands, before a command or while something of the session runs ({@code KeyWatch}).
     */
    public static String revokedReason(String why) {
        return "the credential this session signed in with was revoked or cannot be checked now (" + why
                + "); the session is closed";
    }

    /**
     * What a client and the evidence are told when its session no longer stands, before a command
     * or while something of it runs ({@code KeyWatch}): its sign-in ended, or its key was revoked.
     */
    public static String lapsedReason(AuthenticationException lapse) {
        if (lapse instanceof SignInEndedException) {
            return lapse.getMessage() + " (the token's end, or identities.oidc[].claimsMaxAgeSeconds after the provider"
                    + " issued it): the groups it carried are not acted on any longer; the session is closed, sign in"
                    + " again with a current token";
        }
        return revokedReason(lapse.getMessage());
    }

    /**
     * The refusal of a command whose session signed in with a key that no longer stands (revoked,
     * expired, a static key removed or given a new value, or one that cannot be checked now: fail
     * closed), recorded as {@code command.blocked} with outcome {@code revoked}, or whose sign-in has
     * ended (its token's end, or the most its issuer lets the gateway act on one token's groups),
     * recorded with outcome {@code sign_in_ended}; empty while both stand.
     */
    private static Optional<Admission.Refused> revoked(SessionRecorder recorder, long seq, Ruling ruling,
                                                       String approvalId) {
        String outcome;
        String reason;
        try {
            recorder.session().signedInWith().requireStanding();
            return Optional.empty();
        } catch (AuthenticationException e) {
            outcome = e instanceof SignInEndedException ? Admission.Refused.SIGN_IN_ENDED : Admission.Refused.REVOKED;
            reason = lapsedReason(e);
        }
        recorder.blocked(seq, outcome, null, reason, ruling.statementClass(), approvalId);
        return Optional.of(new Admission.Refused(outcome, null, reason, approvalId));
    }

    /**
     * How the policy in force judges an approved command otherwise than the policy its approval was
     * asked under, or {@code null} when it lets it through on the same terms. The engine masks the
     * command's results as the earlier ruling said, so a command of a caller the policy masked
     * then or masks now is refused: masking profiles compile to maskers a reload makes anew, and
     * which ones mask the same cannot be told.
     */
    private static String changed(Ruling earlier, Ruling now) {
        Decision decision = now.decision();
        if (decision.action() == Action.BLOCK) {
            return "blocks it (rule " + decision.rule() + ": " + decision.reason() + ")";
        }
        if (earlier.masking().isPresent() || now.masking().isPresent()) {
            return "masks your results, and the gateway cannot tell whether as the earlier one did";
        }
        if (decision.action() == Action.APPROVE && !Grant.termsOf(decision.approval())
                .equals(Grant.termsOf(earlier.decision().approval()))) {
            return "holds it under rule " + decision.rule() + ", which says something else or asks other approvers"
                    + " than the rule the approval was asked under";
        }
        return null;
    }
    /**
     * Waits on this thread until the approvers decide or the request expires; a wait that cannot
     * end normally (interrupted, no decision past expiry) withdraws the request.
     */
    public ApprovalResult await(PendingApproval pending) {
        try {
            long millis = Math.max(1, pending.expiresAt().toEpochMilli() - System.currentTimeMillis()) + 5_000;
            return pending.decision().get(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return withdrawn(pending, "gateway shutting down");
        } catch (ExecutionException | TimeoutException e) {
            return withdrawn(pending, "no decision arrived");
        }
    }

    /**
     * Waits on this thread like {@link #await(PendingApproval)}, looking at the client's connection
     * meanwhile: a client that disconnects withdraws its request, so approvers are not asked about a
     * statement nobody waits for. The result is the request's own outcome (an approval that won the
     * race against the withdrawal stays an approval).
     */
    public ApprovalResult await(PendingApproval pending, ClientWatch client) {
        long deadline = pending.expiresAt().toEpochMilli() + 5_000;
        boolean watching = true;
        while (true) {
            try {
                return pending.decision().get(watching ? 1 : LOOK_MILLIS, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                if (System.currentTimeMillis() > deadline) {
                    return withdrawn(pending, "no decision arrived");
                }
                if (watching) {
                    ClientWatch.Seen seen = look(client);
                    if (seen == ClientWatch.Seen.GONE) {
                        approvals.withdraw(pending.id(), "the client disconnected while waiting");
                    }
                    watching = seen == ClientWatch.Seen.NOTHING;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return withdrawn(pending, "gateway shutting down");
            } catch (ExecutionException e) {
                return withdrawn(pending, "approval failed: " + e.getCause().getMessage());
            }
        }
    }

    private static ClientWatch.Seen look(ClientWatch client) {
        try {
            return client.look(LOOK_MILLIS);
        } catch (IOException e) {
            return ClientWatch.Seen.GONE;
        }
    }

    /**
     * Ends every held command of this node while its client is still connected, before a stopping
     * gateway closes the connections: each request is withdrawn with {@code reason}, which the
     * engines record as the command's end ({@code command.blocked}, {@code withdrawn}) and tell
     * their clients in their protocol, and this waits (at most five seconds) until each waiting
     * session has taken its answer. A command that asks for approval from then on is refused the
     * same way, so nothing waits for approvers who can no longer answer.
     */
    public void release(String reason) {
        released = reason;
        boolean held = holding.get() > 0;
        approvals.withdrawWaiting(reason);
        long deadline = System.nanoTime() + RELEASE_WAIT_NANOS;
        try {
            while (holding.get() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(RELEASE_POLL_MILLIS);
            }
            if (held) {
                // Taken, a refusal still reaches its client after a round trip (PostgreSQL's failing
                // stand-in runs on the server first): the connections close after it has.
                Thread.sleep(RELEASE_DRAIN_MILLIS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Withdraws a request whose client left or cancelled; the approval's result says so. */
    public ApprovalResult withdrawn(PendingApproval pending, String reason) {
        approvals.withdraw(pending.id(), reason);
        return new ApprovalResult(ApprovalOutcome.WITHDRAWN, List.of(), reason, false);
    }
}
