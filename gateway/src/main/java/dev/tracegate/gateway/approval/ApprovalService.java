package dev.tracegate.gateway.approval;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tracegate.gateway.evidence.EventType;
import dev.tracegate.gateway.evidence.EvidenceEvent;
import dev.tracegate.gateway.evidence.EvidenceLog;
import dev.tracegate.gateway.evidence.EvidenceLogUnavailableException;
import dev.tracegate.gateway.guard.PolicyFileWatcher;
import dev.tracegate.gateway.identity.Identity;
import dev.tracegate.gateway.recording.SessionRecorder;
import dev.tracegate.gateway.store.StoreException;
import dev.tracegate.policy.rules.ApprovalSpec;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
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
 * <p>Requests live in memory: a held command is a live connection on this gateway node, so its
 * request cannot outlive the node anyway. The evidence log keeps the history; the last
 * {@value #RECENT_KEPT} decided requests stay visible to {@link #find}.
 *
 * <p>Fail closed: a request, an approval or a denial that the evidence log cannot make durable
 * does not happen. Expiry and withdrawal end the wait whatever the log says, because they only
 * ever keep a command from running.
 */
public final class ApprovalService implements AutoCloseable {

    static final int RECENT_KEPT = 1000;
    private static final Logger LOG = LoggerFactory.getLogger(ApprovalService.class);
    /** Lowercase letters and digits without the look-alikes i, l, o, 0, 1: 12 of them carry 59 bits. */
    private static final String ID_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789";
    private static final int ID_LENGTH = 12;
    /** The expiry timer runs on the JVM's clock and the deadline on {@code clock}; a late clock re-arms it after this. */
    private static final Duration MIN_RECHECK = Duration.ofMillis(20);

    private final EvidenceLog log;
    private final Clock clock;
    private final List<ApprovalNotifier> notifiers;
    private final String consoleBaseUrl;
    private final Map<String, PendingApproval> approvals = new ConcurrentHashMap<>();
    private final Deque<String> decidedOrder = new ArrayDeque<>();
    private final List<Grant> grants = new CopyOnWriteArrayList<>();
    private final SecureRandom random = new SecureRandom();
    private final ScheduledThreadPoolExecutor timer;

    /**
     * @param notifiers      told about every new request, each on a virtual thread of its own
     * @param consoleBaseUrl the web console's base URL for approval links, or null for none
     */
    public ApprovalService(EvidenceLog log, Clock clock, List<ApprovalNotifier> notifiers, String consoleBaseUrl) {
        this.log = Objects.requireNonNull(log, "log");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.notifiers = notifiers == null ? List.of() : List.copyOf(notifiers);
        this.consoleBaseUrl = consoleBaseUrl == null || consoleBaseUrl.isBlank() ? null
                : consoleBaseUrl.replaceAll("/+$", "");
        this.timer = new ScheduledThreadPoolExecutor(1, r -> Thread.ofPlatform().name("approval-expiry").daemon(true).unstarted(r));
        // Decided requests cancel their expiry; drop those tasks at once rather than at their deadline.
        timer.setRemoveOnCancelPolicy(true);
    }

    /**
     * Opens a request. It is durable in the evidence log before it exists for approvers, and
     * before this returns; approvers are then notified without the caller waiting for them.
     */
    public PendingApproval request(ApprovalRequest request) throws EvidenceLogUnavailableException {
        Objects.requireNonNull(request.requester(), "requester");
        ApprovalSpec spec = Objects.requireNonNull(request.spec(), "spec");
        Instant now = clock.instant();
        PendingApproval pending = new PendingApproval(newId(), request, now, now.plus(spec.timeout()));
        ObjectNode detail = EvidenceEvent.newDetail();
        detail.put("id", pending.id());
        putCommand(detail, request.recordedCommand());
        detail.put("class", request.statementClass());
        detail.put("rule", request.rule());
        detail.put("reason", request.reason());
        spec.approverGroups().forEach(detail.putArray("approver_groups")::add);
        detail.put("min_approvals", spec.minApprovals());
        spec.breakGlassGroups().forEach(detail.putArray("break_glass_groups")::add);
        detail.put("expires_at", pending.expiresAt().toString());
        log.appendDurably(event(now, EventType.APPROVAL_REQUESTED, request.requester(), request, detail));
        approvals.put(pending.id(), pending);
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

    /** A grant that lets this caller run this class on this connection without asking again. */
    public Optional<Grant> activeGrant(Identity requester, String connection, String statementClass) {
        Instant now = clock.instant();
        grants.removeIf(g -> !g.expiresAt().isAfter(now));
        String subject = key(requester);
        return grants.stream()
                .filter(g -> g.subject().equals(subject) && g.connection().equals(connection)
                        && g.statementClass().equals(statementClass))
                .max(Comparator.comparing(Grant::expiresAt));
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
        if (grant != null && (grant.isNegative() || grant.isZero())) {
            throw new ApprovalException(ApprovalException.Kind.INVALID, "a grant must be a positive duration such as 30m");
        }
        PendingApproval pending = open(id);
        synchronized (pending) {
            ApprovalSpec spec = pending.request().spec();
            requireUndecided(pending);
            requireNotRequester(pending, approver);
            boolean regular = inAny(approver, spec.approverGroups());
            boolean breakGlassMember = inAny(approver, spec.breakGlassGroups());
            if (!regular && !breakGlassMember) {
                throw notAnApprover(pending, spec);
            }
            String approverKey = key(approver);
            if (pending.votes().stream().anyMatch(v -> key(v.approver()).equals(approverKey))) {
                throw new ApprovalException(ApprovalException.Kind.ALREADY_VOTED, "you already approved " + id
                        + "; it needs approvals from " + spec.minApprovals() + " different people");
            }
            Instant now = clock.instant();
            ApproverVote vote = new ApproverVote(approver, reason, now);
            List<ApproverVote> votes = new ArrayList<>(pending.votes());
            votes.add(vote);
            boolean enough = regular && votes.size() >= spec.minApprovals();
            boolean breakGlass = !enough && breakGlassMember;
            if (!enough && !breakGlass) {
                recordDurably(decided(pending, now, approver, "vote", reason, votes, false, null));
                pending.addVote(vote, approverKey, grant);
                return;
            }
            Grant created = grantFor(pending, approverKey, grant, breakGlass, votes, now);
            recordDurably(decided(pending, now, approver, "approved", reason, votes, breakGlass, created));
            pending.addVote(vote, approverKey, grant);
            if (created != null) {
                grants.add(created);
            }
            finish(pending, now, ApprovalOutcome.APPROVED, approver, reason, breakGlass, created);
        }
    }

    /** One eligible approver's no, which ends the wait. The requester cannot deny (nor approve) their own command. */
    public void deny(String id, Identity approver, String reason) throws ApprovalException {
        PendingApproval pending = open(id);
        synchronized (pending) {
            ApprovalSpec spec = pending.request().spec();
            requireUndecided(pending);
            requireNotRequester(pending, approver);
            if (!inAny(approver, spec.approverGroups()) && !inAny(approver, spec.breakGlassGroups())) {
                throw notAnApprover(pending, spec);
            }
            Instant now = clock.instant();
            recordDurably(decided(pending, now, approver, "denied", reason, pending.votes(), false, null));
            finish(pending, now, ApprovalOutcome.DENIED, approver, reason, false, null);
        }
    }

    /** The requester is gone or cancelled: nobody needs to decide any more. Unknown or decided ids are ignored. */
    public void withdraw(String id, String why) {
        PendingApproval pending = approvals.get(id);
        if (pending == null) {
            return;
        }
        synchronized (pending) {
            end(pending, ApprovalOutcome.WITHDRAWN, pending.request().requester(), why);
        }
    }

    /** Undecided requests, the longest waiting first. */
    /** How many commands of {@code requester} wait for a decision now. */
    public long pendingOf(Identity requester) {
        return approvals.values().stream().filter(p -> !p.decided() && p.request().requester().samePerson(requester)).count();
    }

    public List<PendingApproval> pending() {
        return approvals.values().stream().filter(p -> !p.decided())
                .sorted(Comparator.comparing(PendingApproval::requestedAt)).toList();
    }

    /** Undecided and recently decided requests, the most recent first. */
    public List<PendingApproval> recent() {
        return approvals.values().stream()
                .sorted(Comparator.comparing(PendingApproval::requestedAt).reversed()).toList();
    }

    /** A pending or recently decided request. */
    public Optional<PendingApproval> find(String id) {
        return id == null ? Optional.empty() : Optional.ofNullable(approvals.get(id));
    }

    /** Grants still in force. */
    public List<Grant> grants() {
        Instant now = clock.instant();
        return grants.stream().filter(g -> g.expiresAt().isAfter(now)).toList();
    }

    /**
     * Expires every undecided request whose deadline has passed on {@code clock}. The timer calls
     * this on its own; with a clock that does not follow real time (tests), call it after moving
     * the clock.
     */
    void expireDue() {
        Instant now = clock.instant();
        for (PendingApproval pending : pending()) {
            if (!now.isBefore(pending.expiresAt())) {
                expire(pending);
            }
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
        synchronized (pending) {
            end(pending, ApprovalOutcome.EXPIRED, PolicyFileWatcher.GATEWAY,
                    "no decision within " + describe(pending.request().spec().timeout()));
        }
    }

    /** Expiry and withdrawal: the wait ends even when the log cannot record it, since the command does not run. */
    private void end(PendingApproval pending, ApprovalOutcome outcome, Identity actor, String reason) {
        if (pending.decided()) {
            return;
        }
        Instant now = clock.instant();
        // Recorded before the waiting command learns the outcome, so the log shows it first. If the
        // log cannot take it the wait ends anyway: the command does not run either way.
        try {
            log.appendDurably(decided(pending, now, actor, outcome.name().toLowerCase(Locale.ROOT), reason,
                    pending.votes(), false, null));
        } catch (dev.tracegate.gateway.evidence.EvidenceLogUnavailableException e) {
            LOG.error("approval {} {} but the evidence log did not record it: {}", pending.id(),
                    outcome.name().toLowerCase(Locale.ROOT), e.getMessage());
        }
        finish(pending, now, outcome, actor, reason, false, null);
    }

    private void finish(PendingApproval pending, Instant now, ApprovalOutcome outcome, Identity by, String reason,
                        boolean breakGlass, Grant created) {
        pending.markDecided(now, by, created);
        pending.decision().complete(new ApprovalResult(outcome, pending.votes(), reason, breakGlass));
        synchronized (decidedOrder) {
            decidedOrder.addLast(pending.id());
            while (decidedOrder.size() > RECENT_KEPT) {
                approvals.remove(decidedOrder.removeFirst());
            }
        }
    }

    /** The grant an approval creates: only when everyone whose vote counts asked for one, for the shortest asked. */
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
        List<String> grantedBy = breakGlass ? List.of(approverKey) : votes.stream().map(v -> key(v.approver())).toList();
        return new Grant(pending.id(), key(request.requester()), request.connection(), request.statementClass(),
                now.plus(shortest), String.join(", ", grantedBy));
    }

    /** One {@code approval.decided} event: a vote, or the end of the wait. */
    private static EvidenceEvent decided(PendingApproval pending, Instant now, Identity actor, String outcome, String reason,
                                         List<ApproverVote> votes, boolean breakGlass, Grant grant) {
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
        detail.put("min_approvals", pending.request().spec().minApprovals());
        detail.put("break_glass", breakGlass);
        if (grant != null) {
            detail.putObject("grant").put("statement_class", grant.statementClass())
                    .put("connection", grant.connection()).put("expires_at", grant.expiresAt().toString());
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

    private PendingApproval open(String id) throws ApprovalException {
        PendingApproval pending = id == null ? null : approvals.get(id);
        if (pending == null) {
            throw new ApprovalException(ApprovalException.Kind.NOT_FOUND, "no approval " + id);
        }
        return pending;
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
    }

    private static ApprovalException notAnApprover(PendingApproval pending, ApprovalSpec spec) {
        return new ApprovalException(ApprovalException.Kind.FORBIDDEN, "approval " + pending.id() + " needs a member of "
                + spec.approverGroups() + (spec.breakGlassGroups().isEmpty() ? "" : " (or break-glass " + spec.breakGlassGroups() + ")"));
    }

    private static boolean inAny(Identity identity, Collection<String> groups) {
        return groups.stream().anyMatch(identity::inGroup);
    }

    /** Issuer and subject: the same subject at another issuer is another person. */
    private static String key(Identity identity) {
        return identity.issuer() + "|" + identity.subject();
    }

    private String newId() {
        while (true) {
            StringBuilder id = new StringBuilder(ID_LENGTH);
            for (int i = 0; i < ID_LENGTH; i++) {
                id.append(ID_ALPHABET.charAt(random.nextInt(ID_ALPHABET.length())));
            }
            if (!approvals.containsKey(id.toString())) {
                return id.toString();
            }
        }
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

    /** Stops the expiry timer and withdraws every request still waiting, so no client waits on a gateway that is gone. */
    @Override
    public void close() {
        timer.shutdownNow();
        pending().forEach(p -> withdraw(p.id(), "the gateway is shutting down"));
    }
}
