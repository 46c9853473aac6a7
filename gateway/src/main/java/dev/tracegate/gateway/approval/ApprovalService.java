package dev.tracegate.gateway.approval;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tracegate.gateway.config.ApprovalsConfig;
import dev.tracegate.gateway.evidence.EventType;
import dev.tracegate.gateway.evidence.EvidenceEvent;
import dev.tracegate.gateway.evidence.EvidenceLog;
import dev.tracegate.gateway.evidence.EvidenceLogUnavailableException;
import dev.tracegate.gateway.guard.PolicyFileWatcher;
import dev.tracegate.gateway.identity.ActiveKeys;
import dev.tracegate.gateway.identity.CredentialRef;
import dev.tracegate.gateway.identity.Identity;
import dev.tracegate.gateway.identity.KeyCreator;
import dev.tracegate.gateway.identity.KeyCreators;
import dev.tracegate.gateway.identity.SignIn;
import dev.tracegate.gateway.recording.SessionRecorder;
import dev.tracegate.gateway.store.StoreException;
import dev.tracegate.gateway.store.StoreTransaction;
import dev.tracegate.policy.rules.ApprovalSpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Just-in-time approvals: held commands wait here until enough eligible people approve, someone
 * denies, the request expires, or the requester withdraws. Requesters can never approve their
 * own commands. Every request, every vote and every end of a wait is an evidence event linked to
 * the command's session.
 *
 * <p>Requests, votes and grants live in the store ({@link StoredApprovals}), so every node that
 * shares it lists and decides them; the evidence log stays the history, the tables are only the
 * state the next decision is taken against. The client of a held command waits on the node that
 * holds its connection (the owner): a decision taken on another node is announced through the
 * store ({@link ApprovalReleases}), and each decision takes the request's row lock and ends it
 * with one conditional UPDATE, so two approvers, an approval and the expiry, or an approval and a
 * withdrawal on different nodes never both win. A node that dies takes its clients with it: its
 * pending requests are withdrawn when it starts again, or by any node once its lease lapses
 * ({@link NodeLease}), and an approval of such a request is refused.
 *
 * <p>Fail closed: a request, an approval or a denial that the evidence log or the store cannot
 * make durable does not happen. Expiry and withdrawal end the wait whatever the log says, because
 * they only ever keep a command from running.
 */
public final class ApprovalService implements AutoCloseable {

    static final int RECENT_KEPT = 1000;
    /** How often a node reconciles what it holds with the store (the fallback for lost notifications) and renews its lease. */
    public static final Duration RELEASE_POLL = Duration.ofSeconds(2);
    /** Decided requests stay in the store this long for the API and console; the evidence log keeps them for good. */
    private static final Duration DECIDED_KEPT = Duration.ofDays(7);
    private static final Duration FORGET_EVERY = Duration.ofMinutes(10);
    private static final String NODE_GONE = "the gateway node holding the statement stopped, and its client with it";
    private static final Logger LOG = LoggerFactory.getLogger(ApprovalService.class);
    /** Lowercase letters and digits without the look-alikes i, l, o, 0, 1: 12 of them carry 59 bits. */
    private static final String ID_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789";
    private static final int ID_LENGTH = 12;
    /** The expiry timer runs on the JVM's clock and the deadline on {@code clock}; a late clock re-arms it after this. */
    private static final Duration MIN_RECHECK = Duration.ofMillis(20);
    /** What a vote through {@link #approve(String, Identity, String, Duration)} was presented with: no credential. */
    private static final String IN_PROCESS = "in-process";
    /** A request whose command has no number in its session (one not held by {@link dev.tracegate.gateway.engine.CommandGate}). */
    private static final long NO_SEQ = -1;
    /** The outcome of an event that voids a vote or decision the store could not keep. */
    static final String NOT_TAKEN = "not_taken";

    private final EvidenceLog log;
    private final Clock clock;
    private final List<ApprovalNotifier> notifiers;
    private final String consoleBaseUrl;
    private final StoredApprovals stored;
    private final NodeLease lease;
    /** The longest grant an approver may give (configuration's {@code approvals.maxGrantHours}). */
    private final Duration maxGrant;
    /** Whether the key an earlier vote's sign-in began with is still active, when a later vote would decide. */
    private final ActiveKeys activeKeys;
    private final KeyCreators keyCreators;
    /** The requests whose clients wait on this node, until their decision is known here. */
    private final Map<String, PendingApproval> waiting = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private final ScheduledThreadPoolExecutor timer;
    private final ApprovalReleases releases;
    private volatile Instant forgotten = Instant.MIN;

    /**
     * A service on a node of its own (a new node id each time): for tests and tools.
     *
     * @param notifiers      told about every new request, each on a virtual thread of its own
     * @param consoleBaseUrl the web console's base URL for approval links, or null for none
     */
    public ApprovalService(EvidenceLog log, Clock clock, List<ApprovalNotifier> notifiers, String consoleBaseUrl) {
        this(log, clock, notifiers, consoleBaseUrl, NodeLease.randomId(), RELEASE_POLL, ApprovalsConfig.DEFAULT_MAX_GRANT_HOURS,
                ActiveKeys.NONE);
    }

    /**
     * @param nodeId this node's id in the store ({@link #nodeId(Path)}): requests it still holds
     *               from an earlier run are withdrawn now, since their clients went with that run
     * @param poll   how often to reconcile with the store and renew the lease
     * @param maxGrantHours the longest grant an approver may give
     * @param activeKeys    whether the key an earlier vote was cast with is still active, when a later vote would
     *                      decide ({@link VoteStanding})
     */
    public ApprovalService(EvidenceLog log, Clock clock, List<ApprovalNotifier> notifiers, String consoleBaseUrl,
                           String nodeId, Duration poll, int maxGrantHours, ActiveKeys activeKeys) {
        this(log, clock, notifiers, consoleBaseUrl, nodeId, poll, maxGrantHours, activeKeys, KeyCreators.NONE);
    }

    /**
     * As above, knowing who created the keys approvers sign in with: a vote cast with a key the
     * requester created is theirs ({@link #requireNotRequester}).
     */
    public ApprovalService(EvidenceLog log, Clock clock, List<ApprovalNotifier> notifiers, String consoleBaseUrl,
                           String nodeId, Duration poll, int maxGrantHours, ActiveKeys activeKeys, KeyCreators keyCreators) {
        this.keyCreators = Objects.requireNonNull(keyCreators, "keyCreators");
        this.log = Objects.requireNonNull(log, "log");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.notifiers = notifiers == null ? List.of() : List.copyOf(notifiers);
        this.consoleBaseUrl = consoleBaseUrl == null || consoleBaseUrl.isBlank() ? null
                : consoleBaseUrl.replaceAll("/+$", "");
        this.stored = new StoredApprovals(log.store());
        this.lease = new NodeLease(log.store(), nodeId, clock);
        this.maxGrant = Duration.ofHours(maxGrantHours);
        this.activeKeys = Objects.requireNonNull(activeKeys, "activeKeys");
        this.timer = new ScheduledThreadPoolExecutor(1, r -> Thread.ofPlatform().name("approval-expiry").daemon(true).unstarted(r));
        // Decided requests cancel their expiry; drop those tasks at once rather than at their deadline.
        timer.setRemoveOnCancelPolicy(true);
        try {
            lease.renew(true);
            for (String id : stored.pendingOwnedBy(nodeId)) {
                end(id, ApprovalOutcome.WITHDRAWN, PolicyFileWatcher.GATEWAY,
                        "the gateway node holding the statement restarted, and its client was disconnected");
            }
        } catch (SQLException e) {
            timer.shutdownNow();
            throw new StoreException("cannot take part in approvals through the store: " + e.getMessage(), e);
        }
        this.releases = new ApprovalReleases(log.store(), poll, this::reconcile, this::tick);
        releases.start();
    }

    /** The id this gateway keeps under its data directory, the same across restarts. */
    public static String nodeId(Path dataDir) {
        return NodeLease.persistentId(dataDir);
    }

    /**
     * Opens a request. It is durable in the evidence log before it exists for approvers (its row is
     * committed only after the event), and before this returns; approvers are then notified
     * without the caller waiting for them.
     */
    public PendingApproval request(ApprovalRequest request) throws EvidenceLogUnavailableException {
        return request(request, NO_SEQ);
    }

    /**
     * As {@link #request(ApprovalRequest)}, for command {@code heldSeq} of the request's session,
     * which the event states as {@code seq}. Why: a session's channels (SSH) run side by side, so
     * the session's latest command is not always the held one, and the auditor's report links a
     * request to its command by it.
     */
    public PendingApproval request(ApprovalRequest request, long heldSeq) throws EvidenceLogUnavailableException {
        Objects.requireNonNull(request.requester(), "requester");
        ApprovalSpec spec = Objects.requireNonNull(request.spec(), "spec");
        Instant now = clock.instant();
        PendingApproval pending = new PendingApproval(newId(), request, now, now.plus(spec.timeout()));
        ObjectNode detail = EvidenceEvent.newDetail();
        detail.put("id", pending.id());
        if (heldSeq != NO_SEQ) {
            detail.put("seq", heldSeq);
        }
        putCommand(detail, request.recordedCommand());
        detail.put("class", request.statementClass());
        detail.put("rule", request.rule());
        detail.put("reason", request.reason());
        spec.approverGroups().forEach(detail.putArray("approver_groups")::add);
        detail.put("min_approvals", spec.minApprovals());
        spec.breakGlassGroups().forEach(detail.putArray("break_glass_groups")::add);
        detail.put("expires_at", pending.expiresAt().toString());
        putKey(detail, "requester_key", request.requesterKey());
        EvidenceEvent requested = event(now, EventType.APPROVAL_REQUESTED, request.requester(), request, detail);
        boolean recorded = false;
        try (StoreTransaction tx = stored.begin()) {
            stored.insert(tx, pending, lease.nodeId());
            log.appendDurably(requested);
            recorded = true;
            waiting.put(pending.id(), pending);
            tx.commit();
        } catch (SQLException e) {
            waiting.remove(pending.id());
            if (recorded) {
                // The log says it was requested: say how it ended, so no request is left open there.
                end(pending, ApprovalOutcome.WITHDRAWN, PolicyFileWatcher.GATEWAY, "the store could not keep the request");
            }
            throw new EvidenceLogUnavailableException("the store cannot keep the approval request: " + e.getMessage(), e);
        }
        armExpiry(pending, spec.timeout());
        notifyApprovers(pending);
        return pending;
    }

    /** As in {@code command} events: a long text goes into a blob (the same one) and the leaf keeps its hash and size. */
    private void putCommand(ObjectNode detail, String command) throws EvidenceLogUnavailableException {
        byte[] bytes = command == null ? new byte[0] : command.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= SessionRecorder.INLINE_TEXT_BYTES) {
            detail.put("command", command);
            return;
        }
        try {
            detail.putObject("command").put("blob", log.blobs().put(bytes)).put("size", bytes.length);
        } catch (StoreException e) {
            throw new EvidenceLogUnavailableException("the command text cannot be stored: " + e.getMessage(), e);
        }
    }

    /** The CLI command an approver runs; shown to the waiting client and in notifications. */
    public static String approveCommand(String id) {
        return "tracegate approvals approve " + id;
    }

    /** Where the console shows this approval, or null when no console URL is configured. */
    public String approveUrl(String id) {
        return consoleBaseUrl == null ? null : consoleBaseUrl + "/approvals/" + id;
    }

    /**
     * A grant that lets this caller run this class on this connection without asking again, given
     * by the approvers of {@code rule}, the rule that holds the statement now, while it still asks
     * the same people ({@code spec}, the rule as the policy in force says), and while the sign-ins
     * its approvers approved with stand; none when the store does not answer.
     */
    public Optional<Grant> activeGrant(Identity requester, String connection, String statementClass, String rule,
                                       ApprovalSpec spec) {
        return grantCoverage(requester, null, connection, statementClass, rule, spec).covering();
    }

    /**
     * As {@link #activeGrant}, with the unexpired grants that no longer stand and why, for the
     * evidence. {@code requesterKey} is the key the command's session signed in with (null: none):
     * a grant does not cover a command run with a key one of its approvers created, or created by
     * whoever created the key an approver gave it with, as they could not approve that command
     * ({@link #requireNotTheRequestersKey}).
     */
    public GrantCoverage grantCoverage(Identity requester, CredentialRef requesterKey, String connection, String statementClass,
                                       String rule, ApprovalSpec spec) {
        Instant now = clock.instant();
        List<Grant> unexpired;
        try {
            unexpired = stored.unexpiredGrants(requester, connection, statementClass, rule, Grant.termsOf(spec), now);
        } catch (SQLException e) {
            LOG.warn("grants cannot be read from the store, so the command waits for approval: {}", e.getMessage());
            return GrantCoverage.NONE;
        }
        List<LapsedGrant> lapsed = new ArrayList<>();
        for (Grant grant : unexpired) {
            String why = grant.lapse(now, activeKeys);
            why = why != null ? why : heldByAnApprover(grant, requesterKey);
            if (why == null) {
                return new GrantCoverage(Optional.of(grant), lapsed);
            }
            lapsed.add(new LapsedGrant(grant, why));
        }
        return new GrantCoverage(Optional.empty(), lapsed);
    }

    /**
     * One approver's yes. The request is approved once {@code minApprovals} distinct eligible
     * people approved (from any of the approver groups), or at once by a member of a break-glass
     * group when the vote would not otherwise be enough; only then is it marked break-glass.
     *
     * @param grant when not null, also lets the requester run the same class on the same
     *              connection without approval for this long. With several approvers, a grant is
     *              created only when every one of them asked for one, for the shortest they asked.
     */
    public void approve(String id, Identity approver, String reason, Duration grant) throws ApprovalException {
        approve(id, vouchedFor(approver), reason, grant);
    }

    /**
     * For tools and tests, whose caller vouches for the approver's groups: a sign-in that neither
     * ends nor names a key, so the vote counts until the request is decided.
     */
    private SignIn vouchedFor(Identity approver) {
        return new SignIn(approver, clock.instant(), Instant.MAX, null, null, new CredentialRef(IN_PROCESS, null));
    }

    /**
     * As {@link #approve(String, Identity, String, Duration)}, with the sign-in the approver votes
     * with: an earlier vote counts toward the decision only while its own sign-in stands (not
     * ended, its key still active), because that sign-in's groups are what made its voter an
     * approver. Votes that no longer stand are dropped from the request, listed with why in the
     * event of this vote ({@code lapsed_votes}), and their approvers may vote again.
     */
    public void approve(String id, SignIn signIn, String reason, Duration grant) throws ApprovalException {
        Identity approver = signIn.identity();
        requireGrantWithinLimits(grant);
        Ended ended = null;
        Recorded recorded = null;
        try (StoreTransaction tx = stored.begin()) {
            OpenRequest open = openForDecision(tx, id);
            PendingApproval pending = open.pending();
            Instant now = open.at();
            ApprovalSpec spec = pending.request().spec();
            requireNotRequester(pending, approver);
            requireNotTheRequestersKey(pending, signIn);
            boolean regular = inAny(approver, spec.approverGroups());
            boolean breakGlassMember = inAny(approver, spec.breakGlassGroups());
            if (!regular && !breakGlassMember) {
                throw notAnApprover(pending, spec);
            }
            requireStanding(signIn, now);
            VoteStanding standing = VoteStanding.of(pending.votes(), now, activeKeys);
            stored.removeVotes(tx, id, standing.lapsed());
            String approverKey = key(approver);
            if (standing.counted().stream().anyMatch(v -> key(v.approver()).equals(approverKey))) {
                throw new ApprovalException(ApprovalException.Kind.ALREADY_VOTED, "you already approved " + id
                        + "; it needs approvals from " + spec.minApprovals() + " different people");
            }
            Optional<ApproverVote> sameEmail = standing.counted().stream().filter(v -> v.approver().sharesEmail(approver)).findFirst();
            if (sameEmail.isPresent()) {
                throw new ApprovalException(ApprovalException.Kind.ALREADY_VOTED, "you already approved " + id + " as "
                        + key(sameEmail.get().approver()) + ", which has your email address; it needs approvals from "
                        + spec.minApprovals() + " different people");
            }
            ApproverVote vote = new ApproverVote(approver, reason, now, signIn);
            List<ApproverVote> votes = new ArrayList<>(standing.counted());
            votes.add(vote);
            boolean enough = regular && votes.size() >= spec.minApprovals();
            boolean breakGlass = !enough && breakGlassMember;
            stored.addVote(tx, id, vote, grant);
            if (!enough && !breakGlass) {
                recordDurably(signedInWith(decided(pending, now, approver, "vote", reason, votes, standing.lapsed(), false, null),
                        signIn));
                recorded = new Recorded(pending, now, approver, "vote");
                tx.commit();
                addVoteHere(id, vote, approverKey, grant);
                return;
            }
            Grant created = grantFor(pending, approverKey, grant, breakGlass, votes, now);
            if (!stored.end(tx, pending, ApprovalOutcome.APPROVED, now, approver, reason, breakGlass, created)) {
                throw alreadyDecided(id);
            }
            recordDurably(signedInWith(decided(pending, now, approver, "approved", reason, votes, standing.lapsed(), breakGlass,
                    created), signIn));
            recorded = new Recorded(pending, now, approver, "approved");
            stored.announce(tx, id);
            tx.commit();
            ended = new Ended(id, now, approver, created, new ApprovalResult(ApprovalOutcome.APPROVED, votes, reason, breakGlass));
        } catch (SQLException e) {
            recordNotTaken(recorded, e);
            throw storeUnavailable(e);
        }
        releaseHere(ended);
    }

    /**
     * The vote's own sign-in must still stand when it is counted, under the request's lock, not only
     * when its HTTP request was signed in: a vote that waited for the lock (another decision, a slow
     * store) while its approver signed out of the console or had their key revoked would otherwise
     * decide the request after its sign-in ended, which no later vote could undo.
     */
    private void requireStanding(SignIn signIn, Instant now) throws ApprovalException {
        String lapsed = SignInStanding.lapse(signIn, now, activeKeys, "cast");
        if (lapsed != null) {
            throw new ApprovalException(ApprovalException.Kind.FORBIDDEN, "the vote was not counted: " + lapsed);
        }
    }

    /**
     * Checked before anything is voted: a grant is standing access nobody reviews again until it
     * ends, so it may not outlast the configured maximum (a longer one is refused, not shortened,
     * so the approver knows what they gave).
     */
    private void requireGrantWithinLimits(Duration grant) throws ApprovalException {
        if (grant == null) {
            return;
        }
        if (grant.isNegative() || grant.isZero()) {
            throw new ApprovalException(ApprovalException.Kind.INVALID, "a grant must be a positive duration such as 30m");
        }
        if (grant.compareTo(maxGrant) > 0) {
            throw new ApprovalException(ApprovalException.Kind.INVALID, "a grant lasts at most " + describe(maxGrant)
                    + " (approvals.maxGrantHours); ask for " + describe(maxGrant) + " or less");
        }
    }

    /** One eligible approver's no, which ends the wait. The requester cannot deny (nor approve) their own command. */
    public void deny(String id, Identity approver, String reason) throws ApprovalException {
        deny(id, vouchedFor(approver), reason);
    }

    /**
     * As {@link #deny(String, Identity, String)}, with the sign-in the approver denies with, asked
     * what an approval is asked: not the requester, nor through a key the requester created or
     * holds the creator of ({@link #requireNotTheRequestersKey}), and a sign-in that still stands.
     * A denial keeps a command from running, but it is a decision in the evidence all the same:
     * until 2026-12-07 the requester could deny their own command with a key they created, and the
     * evidence named the key's account as the one who said no, not the requester who held it.
     */
    public void deny(String id, SignIn signIn, String reason) throws ApprovalException {
        Identity approver = signIn.identity();
        Ended ended;
        Recorded recorded = null;
        try (StoreTransaction tx = stored.begin()) {
            OpenRequest open = openForDecision(tx, id);
            PendingApproval pending = open.pending();
            Instant now = open.at();
            ApprovalSpec spec = pending.request().spec();
            requireNotRequester(pending, approver);
            requireNotTheRequestersKey(pending, signIn);
            if (!inAny(approver, spec.approverGroups()) && !inAny(approver, spec.breakGlassGroups())) {
                throw notAnApprover(pending, spec);
            }
            requireStanding(signIn, now);
            if (!stored.end(tx, pending, ApprovalOutcome.DENIED, now, approver, reason, false, null)) {
                throw alreadyDecided(id);
            }
            recordDurably(signedInWith(decided(pending, now, approver, "denied", reason, pending.votes(), false, null), signIn));
            recorded = new Recorded(pending, now, approver, "denied");
            stored.announce(tx, id);
            tx.commit();
            ended = new Ended(id, now, approver, null, new ApprovalResult(ApprovalOutcome.DENIED, pending.votes(), reason, false));
        } catch (SQLException e) {
            recordNotTaken(recorded, e);
            throw storeUnavailable(e);
        }
        releaseHere(ended);
    }

    /** The requester is gone or cancelled: nobody needs to decide any more. Unknown or decided ids are ignored. */
    public void withdraw(String id, String why) {
        PendingApproval pending = waiting.get(id);
        if (pending != null) {
            end(pending, ApprovalOutcome.WITHDRAWN, pending.request().requester(), why);
        } else {
            end(id, ApprovalOutcome.WITHDRAWN, null, why);
        }
    }

    /** How many commands of {@code requester} wait for a decision now, on any node. */
    public long pendingOf(Identity requester) {
        try {
            return stored.pendingOf(requester);
        } catch (SQLException e) {
            // A new request would fail on the same store anyway; until then count what waits here.
            return waiting.values().stream().filter(p -> p.request().requester().samePerson(requester)).count();
        }
    }

    /** The ids of the requests whose commands wait on this node now, read without the store. */
    public java.util.Set<String> waitingHere() {
        return java.util.Set.copyOf(waiting.keySet());
    }

    /** Undecided requests of every node, the longest waiting first. */
    public List<PendingApproval> pending() {
        try {
            return stored.pending().stream().map(StoredApproval::approval).toList();
        } catch (SQLException e) {
            throw new StoreException("cannot read the pending approvals: " + e.getMessage(), e);
        }
    }

    /** Undecided and recently decided requests, the most recent first. */
    public List<PendingApproval> recent() {
        try {
            return stored.recent(RECENT_KEPT).stream().map(StoredApproval::approval).toList();
        } catch (SQLException e) {
            throw new StoreException("cannot read the recent approvals: " + e.getMessage(), e);
        }
    }

    /** A pending or recently decided request, as the store has it now. */
    public Optional<PendingApproval> find(String id) {
        if (id == null) {
            return Optional.empty();
        }
        try {
            return stored.find(id).map(StoredApproval::approval);
        } catch (SQLException e) {
            throw new StoreException("cannot read approval " + id + ": " + e.getMessage(), e);
        }
    }

    /** Grants still in force. */
    public List<Grant> grants() {
        try {
            return stored.grants(clock.instant());
        } catch (SQLException e) {
            throw new StoreException("cannot read the grants: " + e.getMessage(), e);
        }
    }

    /**
     * Expires every undecided request whose deadline has passed on {@code clock}, whichever node
     * holds it. The timer and the releases' tick call this on their own; with a clock that does
     * not follow real time (tests), call it after moving the clock.
     */
    void expireDue() {
        Instant now = clock.instant();
        for (PendingApproval pending : pending()) {
            if (!now.isBefore(pending.expiresAt())) {
                expire(pending);
            }
        }
    }

    /** Every poll: renew the lease, expire what is due, withdraw what dead nodes held, and release what was decided elsewhere. */
    private void tick() {
        try {
            lease.renew(false);
            expireDue();
            for (String id : stored.pendingOfDeadNodes(lease.aliveSince())) {
                end(id, ApprovalOutcome.WITHDRAWN, PolicyFileWatcher.GATEWAY, NODE_GONE);
            }
            waiting.keySet().forEach(this::reconcile);
            Instant now = clock.instant();
            if (forgotten.plus(FORGET_EVERY).isBefore(now)) {
                stored.forgetBefore(now.minus(DECIDED_KEPT));
                forgotten = now;
            }
        } catch (SQLException e) {
            throw new StoreException(e.getMessage(), e);
        }
    }

    /** A request held here was announced (or may have been) decided elsewhere: release its client if so. */
    private void reconcile(String id) {
        if (!waiting.containsKey(id)) {
            return;
        }
        try {
            stored.find(id).map(StoredApproval::approval).filter(PendingApproval::decided).ifPresent(decided -> releaseHere(
                    new Ended(id, decided.decidedAt().orElseThrow(), decided.decidedBy().orElse(null),
                            decided.grant().orElse(null), decided.decision().join())));
        } catch (SQLException e) {
            LOG.warn("approval {}: cannot read its state from the store: {}", id, e.getMessage());
        }
    }

    private void armExpiry(PendingApproval pending, Duration delay) {
        long millis = Math.max(MIN_RECHECK.toMillis(), delay.toMillis());
        try {
            pending.expireWith(timer.schedule(() -> expireWhenDue(pending), millis, TimeUnit.MILLISECONDS));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // Shutting down: close() withdraws every request that is still waiting.
        }
    }

    private void expireWhenDue(PendingApproval pending) {
        Instant now = clock.instant();
        if (now.isBefore(pending.expiresAt())) {
            armExpiry(pending, Duration.between(now, pending.expiresAt()));
            return;
        }
        expire(pending);
    }

    private void expire(PendingApproval pending) {
        end(pending, ApprovalOutcome.EXPIRED, PolicyFileWatcher.GATEWAY, expiredReason(pending));
    }

    private static String expiredReason(PendingApproval pending) {
        return "no decision within " + describe(pending.request().spec().timeout());
    }

    /** Ends the request with this id as the store has it; {@code actor} null means its requester. */
    private void end(String id, ApprovalOutcome outcome, Identity actor, String reason) {
        try {
            stored.find(id).map(StoredApproval::approval).filter(p -> !p.decided()).ifPresent(p ->
                    end(p, outcome, actor == null ? p.request().requester() : actor, reason));
        } catch (SQLException e) {
            LOG.error("approval {} cannot be {}: the store does not answer: {}", id, outcome.name().toLowerCase(Locale.ROOT),
                    e.getMessage());
        }
    }

    /**
     * Expiry and withdrawal: the wait ends even when the log cannot record it, since the command
     * does not run. In the store it ends only if nothing else ended it first; a client waiting here
     * ends its wait in any case.
     */
    private void end(PendingApproval pending, ApprovalOutcome outcome, Identity actor, String reason) {
        Ended ended = null;
        try (StoreTransaction tx = stored.begin()) {
            StoredApproval locked = stored.lock(tx, pending.id());
            if (locked == null || locked.approval().decided()) {
                tx.commit();
            } else {
                Instant now = clock.instant();
                List<ApproverVote> votes = locked.approval().votes();
                stored.end(tx, locked.approval(), outcome, now, actor, reason, false, null);
                // Recorded before the waiting command learns the outcome, so the log shows it first.
                try {
                    log.appendDurably(decided(locked.approval(), now, actor, outcome.name().toLowerCase(Locale.ROOT), reason,
                            votes, false, null));
                } catch (EvidenceLogUnavailableException e) {
                    LOG.error("approval {} {} but the evidence log did not record it: {}", pending.id(),
                            outcome.name().toLowerCase(Locale.ROOT), e.getMessage());
                }
                stored.announce(tx, pending.id());
                tx.commit();
                ended = new Ended(pending.id(), now, actor, null, new ApprovalResult(outcome, votes, reason, false));
            }
        } catch (SQLException e) {
            LOG.error("approval {} {} here, but the store did not record it: {}", pending.id(),
                    outcome.name().toLowerCase(Locale.ROOT), e.getMessage());
            ended = new Ended(pending.id(), clock.instant(), actor, null, new ApprovalResult(outcome, pending.votes(), reason, false));
        }
        if (ended != null) {
            releaseHere(ended);
        } else {
            reconcile(pending.id());
        }
    }

    /** A vote or decision whose event is durable while its store transaction has yet to commit. */
    private record Recorded(PendingApproval pending, Instant at, Identity actor, String outcome) {
    }

    /**
     * The store could not keep a vote or decision whose event the log already holds: the approver
     * is told it was not taken and may try again, so the log says so too ({@code not_taken}, naming
     * the event it voids by outcome, actor and time). Otherwise the log would show the vote twice
     * after the retry, or an approval whose command never ran, which the audit report would count.
     */
    private void recordNotTaken(Recorded recorded, SQLException cause) {
        if (recorded == null) {
            return;
        }
        ObjectNode detail = EvidenceEvent.newDetail();
        detail.put("id", recorded.pending().id());
        detail.put("outcome", NOT_TAKEN);
        detail.put("reason", "the store could not keep this " + recorded.outcome() + ", so it was not taken");
        detail.putObject(NOT_TAKEN).put("outcome", recorded.outcome()).put("iss", recorded.actor().issuer())
                .put("sub", recorded.actor().subject()).put("at", recorded.at().toString());
        try {
            log.appendDurably(event(clock.instant(), EventType.APPROVAL_DECIDED, PolicyFileWatcher.GATEWAY, recorded.pending().request(),
                    detail));
        } catch (EvidenceLogUnavailableException e) {
            LOG.error("approval {}: the store could not keep a {} ({}) and the evidence log cannot say it was not taken: {}",
                    recorded.pending().id(), recorded.outcome(), cause.getMessage(), e.getMessage());
        }
    }

    /** What ended a request, for the client that may wait for it on this node. */
    private record Ended(String id, Instant at, Identity by, Grant grant, ApprovalResult result) {
    }

    /** Completes the wait of a client on this node, if one waits for this request. */
    private void releaseHere(Ended ended) {
        if (ended == null) {
            return;
        }
        PendingApproval live = waiting.remove(ended.id());
        if (live == null) {
            return;
        }
        synchronized (live) {
            if (!live.decided()) {
                live.markDecided(ended.at(), ended.by(), ended.grant());
                live.decision().complete(ended.result());
            }
        }
    }

    private void addVoteHere(String id, ApproverVote vote, String approverKey, Duration grant) {
        PendingApproval live = waiting.get(id);
        if (live != null) {
            live.addVote(vote, approverKey, grant);
        }
    }

    /** A request locked for a decision, and the time the decision is taken at. */
    private record OpenRequest(PendingApproval pending, Instant at) {
    }

    /**
     * Locks the request's row and checks that it can still be decided. One whose deadline passed,
     * or whose node is gone, is ended here (expired, or withdrawn) and the decision refused: that
     * end is committed, recorded and announced like any other. The decision's time is read once
     * the lock is held, not before: a vote that waited for another decision to commit (up to the
     * evidence log's durable wait, on any node) is taken when it gets the request, so one sent
     * before the deadline and let in after it finds the request expired.
     */
    private OpenRequest openForDecision(StoreTransaction tx, String id) throws ApprovalException, SQLException {
        StoredApproval locked = id == null ? null : stored.lock(tx, id);
        if (locked == null) {
            throw new ApprovalException(ApprovalException.Kind.NOT_FOUND, "no approval " + id);
        }
        Instant now = clock.instant();
        PendingApproval pending = locked.approval();
        requireUndecided(pending);
        boolean expired = !now.isBefore(pending.expiresAt());
        if (!expired && lease.alive(tx.connection(), locked.ownerNode())) {
            return new OpenRequest(pending, now);
        }
        ApprovalOutcome outcome = expired ? ApprovalOutcome.EXPIRED : ApprovalOutcome.WITHDRAWN;
        String reason = expired ? expiredReason(pending) : NODE_GONE;
        stored.end(tx, pending, outcome, now, PolicyFileWatcher.GATEWAY, reason, false, null);
        try {
            log.appendDurably(decided(pending, now, PolicyFileWatcher.GATEWAY, outcome.name().toLowerCase(Locale.ROOT), reason,
                    pending.votes(), false, null));
        } catch (EvidenceLogUnavailableException e) {
            LOG.error("approval {} {} but the evidence log did not record it: {}", id, outcome.name().toLowerCase(Locale.ROOT),
                    e.getMessage());
        }
        stored.announce(tx, id);
        tx.commit();
        releaseHere(new Ended(id, now, PolicyFileWatcher.GATEWAY, null, new ApprovalResult(outcome, pending.votes(), reason, false)));
        throw new ApprovalException(ApprovalException.Kind.ALREADY_DECIDED, "approval " + id + " is already "
                + outcome.name().toLowerCase(Locale.ROOT) + ": " + reason);
    }

    private static ApprovalException alreadyDecided(String id) {
        return new ApprovalException(ApprovalException.Kind.ALREADY_DECIDED, "approval " + id + " was decided meanwhile");
    }

    private static ApprovalException storeUnavailable(SQLException e) {
        return new ApprovalException(ApprovalException.Kind.UNAVAILABLE,
                "the store cannot record this decision, so it was not taken: " + e.getMessage());
    }

    /**
     * The grant an approval creates: only when everyone whose vote counts asked for one, for the
     * shortest asked, and never past the end of a sign-in they approved with ({@link Grant}).
     */
    private Grant grantFor(PendingApproval pending, String approverKey, Duration grant, boolean breakGlass,
                           List<ApproverVote> votes, Instant now) {
        if (grant == null) {
            return null;
        }
        Duration shortest = grant;
        if (!breakGlass) {
            Map<String, Duration> asked = pending.grantRequests();
            for (ApproverVote vote : votes) {
                String voter = key(vote.approver());
                if (voter.equals(approverKey)) {
                    continue;
                }
                Duration theirs = asked.get(voter);
                if (theirs == null) {
                    return null;
                }
                shortest = theirs.compareTo(shortest) < 0 ? theirs : shortest;
            }
        }
        ApprovalRequest request = pending.request();
        List<ApproverVote> givers = breakGlass ? List.of(votes.getLast()) : votes;
        List<SignIn> signIns = givers.stream().map(ApproverVote::signIn).toList();
        Instant expires = now.plus(shortest);
        for (SignIn signIn : signIns) {
            expires = signIn.notAfter().isBefore(expires) ? signIn.notAfter() : expires;
        }
        return new Grant(pending.id(), key(request.requester()), request.connection(), request.statementClass(),
                request.rule(), Grant.termsOf(request.spec()), expires,
                String.join(", ", givers.stream().map(v -> key(v.approver())).toList()), signIns);
    }

    /** One {@code approval.decided} event: a vote, or the end of the wait. */
    private static EvidenceEvent decided(PendingApproval pending, Instant now, Identity actor, String outcome, String reason,
                                         List<ApproverVote> votes, boolean breakGlass, Grant grant) {
        return decided(pending, now, actor, outcome, reason, votes, List.of(), breakGlass, grant);
    }

    /** With the earlier votes that no longer counted when this one was cast ({@link LapsedVote}), and why. */
    private static EvidenceEvent decided(PendingApproval pending, Instant now, Identity actor, String outcome, String reason,
                                         List<ApproverVote> votes, List<LapsedVote> lapsed, boolean breakGlass, Grant grant) {
        ObjectNode detail = EvidenceEvent.newDetail();
        detail.put("id", pending.id());
        detail.put("outcome", outcome);
        if (reason != null) {
            detail.put("reason", reason);
        }
        ArrayNode voters = detail.putArray("votes");
        for (ApproverVote vote : votes) {
            voters.addObject().put("iss", vote.approver().issuer()).put("sub", vote.approver().subject())
                    .put("at", vote.at().toString());
        }
        if (!lapsed.isEmpty()) {
            ArrayNode dropped = detail.putArray("lapsed_votes");
            for (LapsedVote vote : lapsed) {
                dropped.addObject().put("iss", vote.vote().approver().issuer()).put("sub", vote.vote().approver().subject())
                        .put("at", vote.vote().at().toString()).put("why", vote.why());
            }
        }
        detail.put("min_approvals", pending.request().spec().minApprovals());
        detail.put("break_glass", breakGlass);
        if (grant != null) {
            ObjectNode given = detail.putObject("grant").put("statement_class", grant.statementClass()).put("rule", grant.rule())
                    .put("connection", grant.connection()).put("expires_at", grant.expiresAt().toString());
            grant.approverSignIns().stream().filter(signIn -> signIn.notAfter().equals(grant.expiresAt())).findFirst()
                    .ifPresent(signIn -> given.put("ends_with_sign_in_of", key(signIn.identity())));
        }
        return event(now, EventType.APPROVAL_DECIDED, actor, pending.request(), detail);
    }

    /** Votes, approvals and denials take effect only once they are in the log. */
    private void recordDurably(EvidenceEvent event) throws ApprovalException {
        try {
            log.appendDurably(event);
        } catch (EvidenceLogUnavailableException e) {
            throw new ApprovalException(ApprovalException.Kind.UNAVAILABLE,
                    "the evidence log cannot record this decision, so it was not taken: " + e.getMessage());
        }
    }

    private void notifyApprovers(PendingApproval pending) {
        String command = approveCommand(pending.id());
        String url = approveUrl(pending.id());
        for (ApprovalNotifier notifier : notifiers) {
            Thread.ofVirtual().name("approval-notify-" + pending.id()).start(() -> {
                try {
                    notifier.requested(pending, command, url);
                } catch (RuntimeException e) {
                    LOG.warn("approval notifier {} failed for {}: {}", notifier.getClass().getSimpleName(), pending.id(), e.toString());
                }
            });
        }
    }

    private static void requireUndecided(PendingApproval pending) throws ApprovalException {
        if (pending.decided()) {
            throw new ApprovalException(ApprovalException.Kind.ALREADY_DECIDED, "approval " + pending.id() + " is already "
                    + pending.decision().join().outcome().name().toLowerCase(Locale.ROOT));
        }
    }

    private static void requireNotRequester(PendingApproval pending, Identity approver) throws ApprovalException {
        if (key(approver).equals(key(pending.request().requester()))) {
            throw new ApprovalException(ApprovalException.Kind.FORBIDDEN, "you cannot approve or deny your own command");
        }
        if (approver.sharesEmail(pending.request().requester())) {
            throw new ApprovalException(ApprovalException.Kind.FORBIDDEN, "you cannot approve or deny your own command: "
                    + key(pending.request().requester()) + ", who asked, has your email address");
        }
    }

    /**
     * Whoever created a service-account key holds its secret (it was shown once, to them), so what
     * is done with the key is done on their side too. A decision is refused when it comes from the
     * requester's side through a key: cast with a key the requester created (an administrator who is
     * also a DBA created {@code sa:helper} in the dba group and approved their own statement with it);
     * on a command run with a key the approver created (they ran it through the key and approve it
     * as themselves, until 2026-12-07 allowed); or with a key of the same creator as the one the
     * command ran with (they hold both). Keys record their creator by subject alone; read as the
     * same person whatever the issuer, which at worst asks for someone else's decision, and by the email
     * address the creator had: the same person signed in as another identity (an API key when they
     * created it, their account at the identity provider when they decide) holds the key all the same.
     */
    private void requireNotTheRequestersKey(PendingApproval pending, SignIn signIn) throws ApprovalException {
        Identity requester = pending.request().requester();
        Identity approver = signIn.identity();
        CredentialRef requesterKey = pending.request().requesterKey();
        Optional<KeyCreator> approverKeyCreator = creatorOf(signIn.key());
        Optional<KeyCreator> requesterKeyCreator = creatorOf(requesterKey);
        if (approverKeyCreator.isPresent() && approverKeyCreator.get().is(requester)) {
            throw new ApprovalException(ApprovalException.Kind.FORBIDDEN, "you cannot approve or deny your own command: the key "
                    + signIn.key().id() + " of " + key(approver) + " you signed in with was created by "
                    + key(requester) + ", who asked");
        }
        if (requesterKeyCreator.isPresent() && requesterKeyCreator.get().is(approver)) {
            throw new ApprovalException(ApprovalException.Kind.FORBIDDEN, "you cannot approve or deny your own command: it was run"
                    + " with the key " + requesterKey.id() + " of " + key(requester) + ", which you created, so you hold its secret");
        }
        if (requesterKeyCreator.isPresent() && requesterKeyCreator.get().samePersonAs(approverKeyCreator.orElse(null))) {
            throw new ApprovalException(ApprovalException.Kind.FORBIDDEN, "you cannot approve or deny this command: it was run with"
                    + " the key " + requesterKey.id() + " of " + key(requester) + " and you signed in with the key "
                    + signIn.key().id() + " of " + key(approver) + ", both created by " + requesterKeyCreator.get()
                    + ", who holds both secrets");
        }
    }

    /**
     * Why {@code signIn} may not decide {@code pending} for holding a key of the requester's side
     * ({@link #requireNotTheRequestersKey}), or empty: for what the console offers, so it shows no
     * Approve and Deny to someone the decision would refuse. A decision asks again.
     */
    public Optional<String> keyHolderRefusal(PendingApproval pending, SignIn signIn) {
        if (signIn == null) {
            return Optional.empty();
        }
        try {
            requireNotTheRequestersKey(pending, signIn);
            return Optional.empty();
        } catch (ApprovalException e) {
            return Optional.of(e.getMessage());
        }
    }

    /**
     * Why {@code grant} does not cover a command run with {@code key}: one of its approvers created
     * the key, or the key an approver gave it with has the same creator; null when neither. Until
     * 2026-12-07 a DBA's grant to {@code sa:ci} covered what the DBA then ran with a key of
     * {@code sa:ci} they had created, unasked.
     */
    private String heldByAnApprover(Grant grant, CredentialRef key) {
        Optional<KeyCreator> creator = creatorOf(key);
        if (creator.isEmpty()) {
            return null;
        }
        for (SignIn signIn : grant.approverSignIns()) {
            if (creator.get().is(signIn.identity()) || creator.get().samePersonAs(creatorOf(signIn.key()).orElse(null))) {
                return "the command runs with the key " + key.id() + ", created by " + creator.get() + ", who holds its secret and"
                        + " gave this grant (as " + key(signIn.identity()) + "): nobody decides what is run with a key they hold";
            }
        }
        return null;
    }

    private Optional<KeyCreator> creatorOf(CredentialRef key) {
        return key == null ? Optional.empty() : keyCreators.creatorOf(key);
    }

    /**
     * The key a decision was signed in with, and who created it, in the decision's event: the actor
     * is the key's account, and the person who holds the key is its creator, so the evidence names
     * both.
     */
    private EvidenceEvent signedInWith(EvidenceEvent event, SignIn signIn) {
        putKey(event.detail(), "signed_in_with", signIn.key());
        return event;
    }

    /** A key named by its public id (never its secret) and its creator when the gateway keeps it, under {@code name}. */
    private void putKey(ObjectNode detail, String name, CredentialRef key) {
        if (key == null || key.id() == null) {
            return;
        }
        ObjectNode named = detail.putObject(name).put("key", key.toClaim());
        creatorOf(key).ifPresent(creator -> {
            named.put("created_by", creator.subject());
            // So an auditor reads the creator as the gateway does: the same mailbox under another identity is them too.
            if (creator.email() != null) {
                named.put("created_by_email", creator.email());
            }
        });
    }

    private static ApprovalException notAnApprover(PendingApproval pending, ApprovalSpec spec) {
        return new ApprovalException(ApprovalException.Kind.FORBIDDEN, "approval " + pending.id() + " needs a member of "
                + spec.approverGroups() + (spec.breakGlassGroups().isEmpty() ? "" : " (or break-glass " + spec.breakGlassGroups() + ")"));
    }

    private static boolean inAny(Identity identity, Collection<String> groups) {
        return groups.stream().anyMatch(identity::inGroup);
    }

    private static String key(Identity identity) {
        return StoredApprovals.key(identity);
    }

    /** 59 random bits: a clash between nodes would fail the row's insert rather than merge two requests. */
    private String newId() {
        StringBuilder id = new StringBuilder(ID_LENGTH);
        for (int i = 0; i < ID_LENGTH; i++) {
            id.append(ID_ALPHABET.charAt(random.nextInt(ID_ALPHABET.length())));
        }
        return id.toString();
    }

    /** {@code 10m}, {@code 1h30m}, {@code 45s}: as policies write timeouts. */
    static String describe(Duration duration) {
        StringBuilder out = new StringBuilder();
        if (duration.toHours() > 0) {
            out.append(duration.toHours()).append('h');
        }
        if (duration.toMinutesPart() > 0) {
            out.append(duration.toMinutesPart()).append('m');
        }
        if (duration.toSecondsPart() > 0) {
            out.append(duration.toSecondsPart()).append('s');
        }
        return out.isEmpty() ? duration.toMillis() + "ms" : out.toString();
    }

    private static EvidenceEvent event(Instant time, String type, Identity actor, ApprovalRequest request, ObjectNode detail) {
        return new EvidenceEvent(time, type, actor, request.sessionId(), request.trace(),
                new EvidenceEvent.Resource(request.connection(), request.protocol(), null), detail);
    }

    /** Withdraws every request whose client waits on this node, with {@code reason}. */
    public void withdrawWaiting(String reason) {
        List.copyOf(waiting.values()).forEach(p -> withdraw(p.id(), reason));
    }

    /**
     * Stops the timer and the releases, withdraws every request whose client waits on this node,
     * so no client waits on a gateway that is gone, and gives up the node's lease.
     */
    @Override
    public void close() {
        timer.shutdownNow();
        releases.close();
        withdrawWaiting("the gateway is shutting down");
        try {
            lease.release();
        } catch (SQLException | RuntimeException e) {
            LOG.warn("cannot give up this node's lease in the store (it lapses on its own): {}", e.getMessage());
        }
    }
}
