package dev.tracegate.gateway.approval;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tracegate.gateway.evidence.EventType;
import dev.tracegate.gateway.evidence.EvidenceEvent;
import dev.tracegate.gateway.evidence.EvidenceLog;
import dev.tracegate.gateway.evidence.EvidenceLogUnavailableException;
import dev.tracegate.gateway.guard.PolicyFileWatcher;
import dev.tracegate.gateway.identity.Identity;
import dev.tracegate.policy.rules.ApprovalSpec;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Just-in-time approvals: held commands wait here until enough eligible people approve, someone
 * denies, the request expires, or the requester withdraws. Requesters can never approve their
 * own commands. Every request and every vote is an evidence event linked to the command's session.
 *
 * <p>Requests live in memory: a held command is a live connection on this gateway node, so its
 * request cannot outlive the node anyway. The evidence log keeps the history.
 */
public final class ApprovalService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ApprovalService.class);
    private static final String ID_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789";
    private static final int ID_LENGTH = 12;
    private static final int RECENT_KEPT = 1000;

    private final EvidenceLog log;
    private final Clock clock;
    private final List<ApprovalNotifier> notifiers;
    private final String consoleBaseUrl;
    private final Map<String, PendingApproval> approvals = new ConcurrentHashMap<>();
    private final Deque<String> decidedOrder = new ArrayDeque<>();
    private final List<Grant> grants = new CopyOnWriteArrayList<>();
    private final SecureRandom random = new SecureRandom();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().name("approval-expiry").daemon(true).unstarted(r));

    public ApprovalService(EvidenceLog log, Clock clock, List<ApprovalNotifier> notifiers, String consoleBaseUrl) {
        this.log = log;
        this.clock = clock;
        this.notifiers = List.copyOf(notifiers);
        this.consoleBaseUrl = consoleBaseUrl;
    }

    /** Opens a request; the request is durable in the evidence log before this returns. */
    public PendingApproval request(ApprovalRequest request) throws EvidenceLogUnavailableException {
        Instant now = clock.instant();
        ApprovalSpec spec = request.spec();
        PendingApproval pending = new PendingApproval(newId(), request, now, now.plus(spec.timeout()));
        approvals.put(pending.id(), pending);
        ObjectNode detail = EvidenceEvent.newDetail();
        detail.put("id", pending.id());
        detail.put("command", request.command());
        detail.put("class", request.statementClass());
        detail.put("rule", request.rule());
        detail.put("reason", request.reason());
        strings(detail.putArray("approvers"), spec.approverGroups());
        detail.put("min_approvals", spec.minApprovals());
        strings(detail.putArray("break_glass"), spec.breakGlassGroups());
        detail.put("expires_at", pending.expiresAt().toString());
        log.appendDurably(event(EventType.APPROVAL_REQUESTED, request.requester(), request, detail));
        timer.schedule(() -> expire(pending), Math.max(1, Duration.between(now, pending.expiresAt()).toMillis()),
                TimeUnit.MILLISECONDS);
        String command = approveCommand(pending.id());
        String url = consoleBaseUrl == null ? null : consoleBaseUrl + "/approvals/" + pending.id();
        for (ApprovalNotifier notifier : notifiers) {
            Thread.ofVirtual().start(() -> {
                try {
                    notifier.requested(pending, command, url);
                } catch (RuntimeException e) {
                    LOG.warn("approval notifier failed for {}: {}", pending.id(), e.toString());
                }
            });
        }
        return pending;
    }

    /** The CLI command an approver runs; shown to the waiting client and in notifications. */
    public static String approveCommand(String id) {
        return "tracegate approvals approve " + id;
    }

    /** A grant that lets this caller run this class on this connection without asking again. */
    public Optional<Grant> activeGrant(Identity requester, String connection, String statementClass) {
        Instant now = clock.instant();
        grants.removeIf(g -> !g.expiresAt().isAfter(now));
        return grants.stream()
                .filter(g -> g.subject().equals(key(requester)) && g.connection().equals(connection)
                        && g.statementClass().equals(statementClass))
                .findFirst();
    }

    /**
     * One approver's yes. Decides the request once {@code minApprovals} distinct eligible people
     * approved, or at once for a break-glass approver.
     *
     * @param grant when not null, also lets the requester run the same class on the same
     *              connection without approval for this long
     */
    public void approve(String id, Identity approver, String reason, Duration grant) throws ApprovalException {
        PendingApproval pending = open(id);
        synchronized (pending) {
            if (pending.decided()) {
                throw new ApprovalException(ApprovalException.Kind.ALREADY_DECIDED, "approval " + id + " is already decided");
            }
            ApprovalSpec spec = pending.request().spec();
            boolean breakGlass = eligible(pending, approver, spec.breakGlassGroups());
            if (!breakGlass && !eligible(pending, approver, spec.approverGroups())) {
                throw notAllowed(pending, approver, spec);
            }
            if (pending.votes().stream().anyMatch(v -> key(v.approver()).equals(key(approver)))) {
                throw new ApprovalException(ApprovalException.Kind.FORBIDDEN, "you already approved " + id
                        + "; it needs approvals from " + spec.minApprovals() + " different people");
            }
            pending.addVote(new ApproverVote(approver, reason, clock.instant()));
            boolean enough = breakGlass || pending.votes().size() >= spec.minApprovals();
            if (!enough) {
                recordDecision(pending, "vote", approver, reason, false, null);
                return;
            }
            if (grant != null) {
                grants.add(new Grant(id, key(pending.request().requester()), pending.request().connection(),
                        pending.request().statementClass(), clock.instant().plus(grant), approver.subject()));
            }
            decide(pending, ApprovalOutcome.APPROVED, approver, reason, breakGlass, grant);
        }
    }

    public void deny(String id, Identity approver, String reason) throws ApprovalException {
        PendingApproval pending = open(id);
        synchronized (pending) {
            if (pending.decided()) {
                throw new ApprovalException(ApprovalException.Kind.ALREADY_DECIDED, "approval " + id + " is already decided");
            }
            ApprovalSpec spec = pending.request().spec();
            if (!eligible(pending, approver, spec.approverGroups()) && !eligible(pending, approver, spec.breakGlassGroups())) {
                throw notAllowed(pending, approver, spec);
            }
            decide(pending, ApprovalOutcome.DENIED, approver, reason, false, null);
        }
    }

    /** The requester is gone or cancelled: nobody needs to decide any more. */
    public void withdraw(String id, String why) {
        PendingApproval pending = approvals.get(id);
        if (pending != null) {
            synchronized (pending) {
                decide(pending, ApprovalOutcome.WITHDRAWN, pending.request().requester(), why, false, null);
            }
        }
    }

    public List<PendingApproval> pending() {
        return approvals.values().stream().filter(p -> !p.decided())
                .sorted(Comparator.comparing(PendingApproval::requestedAt)).toList();
    }

    /** A pending or recently decided request. */
    public Optional<PendingApproval> find(String id) {
        return Optional.ofNullable(approvals.get(id));
    }

    public List<Grant> grants() {
        Instant now = clock.instant();
        return grants.stream().filter(g -> g.expiresAt().isAfter(now)).toList();
    }

    private void expire(PendingApproval pending) {
        synchronized (pending) {
            decide(pending, ApprovalOutcome.EXPIRED, PolicyFileWatcher.GATEWAY,
                    "no decision within " + pending.request().spec().timeout(), false, null);
        }
    }

    private void decide(PendingApproval pending, ApprovalOutcome outcome, Identity actor, String reason, boolean breakGlass,
                        Duration grant) {
        if (pending.decided()) {
            return;
        }
        recordDecision(pending, outcome.name().toLowerCase(), actor, reason, breakGlass, grant);
        pending.decision().complete(new ApprovalDecision(outcome, pending.votes(), reason, breakGlass));
        synchronized (decidedOrder) {
            decidedOrder.addLast(pending.id());
            while (decidedOrder.size() > RECENT_KEPT) {
                approvals.remove(decidedOrder.removeFirst());
            }
        }
    }

    private void recordDecision(PendingApproval pending, String outcome, Identity actor, String reason, boolean breakGlass,
                                Duration grant) {
        ObjectNode detail = EvidenceEvent.newDetail();
        detail.put("id", pending.id());
        detail.put("outcome", outcome);
        if (reason != null) {
            detail.put("reason", reason);
        }
        ArrayNode votes = detail.putArray("votes");
        pending.votes().forEach(v -> votes.add(v.approver().subject()));
        detail.put("break_glass", breakGlass);
        if (grant != null) {
            detail.put("grant_seconds", grant.toSeconds());
        }
        log.append(event(EventType.APPROVAL_DECIDED, actor, pending.request(), detail));
    }

    private PendingApproval open(String id) throws ApprovalException {
        PendingApproval pending = approvals.get(id);
        if (pending == null) {
            throw new ApprovalException(ApprovalException.Kind.NOT_FOUND, "no approval " + id);
        }
        return pending;
    }

    private static boolean eligible(PendingApproval pending, Identity approver, List<String> groups) {
        return !key(approver).equals(key(pending.request().requester())) && groups.stream().anyMatch(approver::inGroup);
    }

    private static ApprovalException notAllowed(PendingApproval pending, Identity approver, ApprovalSpec spec) {
        if (key(approver).equals(key(pending.request().requester()))) {
            return new ApprovalException(ApprovalException.Kind.FORBIDDEN, "you cannot approve or deny your own command");
        }
        return new ApprovalException(ApprovalException.Kind.FORBIDDEN, "approval " + pending.id() + " needs a member of "
                + spec.approverGroups() + (spec.breakGlassGroups().isEmpty() ? "" : " (or break-glass " + spec.breakGlassGroups() + ")"));
    }

    private static String key(Identity identity) {
        return identity.issuer() + "|" + identity.subject();
    }

    private String newId() {
        StringBuilder id = new StringBuilder(ID_LENGTH);
        for (int i = 0; i < ID_LENGTH; i++) {
            id.append(ID_ALPHABET.charAt(random.nextInt(ID_ALPHABET.length())));
        }
        return id.toString();
    }

    private static EvidenceEvent event(String type, Identity actor, ApprovalRequest request, ObjectNode detail) {
        return new EvidenceEvent(Instant.now(), type, actor, request.sessionId(), request.trace(),
                new EvidenceEvent.Resource(request.connection(), request.protocol(), null), detail);
    }

    private static void strings(ArrayNode array, List<String> values) {
        values.forEach(array::add);
    }

    @Override
    public void close() {
        timer.shutdownNow();
        pending().forEach(p -> withdraw(p.id(), "the gateway is shutting down"));
    }
}
