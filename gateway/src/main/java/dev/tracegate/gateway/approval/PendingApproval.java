package dev.tracegate.gateway.approval;

import dev.tracegate.gateway.identity.Identity;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;

/**
 * One approval request and its votes so far; {@link #decision()} completes when it is decided.
 * The {@link ApprovalService} changes it, always while holding its monitor. The one a client
 * waits on lives on the node that holds the client; every node reads the same request from the
 * store as a copy of its own, which is why two of them are equal when their ids are.
 */
public final class PendingApproval {

    private final String id;
    private final ApprovalRequest request;
    private final Instant requestedAt;
    private final Instant expiresAt;
    private final CompletableFuture<ApprovalResult> decision = new CompletableFuture<>();
    private final List<ApproverVote> votes = new ArrayList<>();
    /** The grant each approver asked for, by approver key; absent when they asked for none. */
    private final Map<String, Duration> grantRequests = new HashMap<>();
    private ScheduledFuture<?> expiry;
    private Instant decidedAt;
    private Identity decidedBy;
    private Grant grant;

    PendingApproval(String id, ApprovalRequest request, Instant requestedAt, Instant expiresAt) {
        this.id = id;
        this.request = request;
        this.requestedAt = requestedAt;
        this.expiresAt = expiresAt;
    }

    public String id() {
        return id;
    }

    public ApprovalRequest request() {
        return request;
    }

    public Instant requestedAt() {
        return requestedAt;
    }

    public Instant expiresAt() {
        return expiresAt;
    }

    public CompletableFuture<ApprovalResult> decision() {
        return decision;
    }

    /** The approvals given so far, in order. */
    public synchronized List<ApproverVote> votes() {
        return List.copyOf(votes);
    }

    public boolean decided() {
        return decision.isDone();
    }

    /** When it was decided, expired or withdrawn. */
    public synchronized Optional<Instant> decidedAt() {
        return Optional.ofNullable(decidedAt);
    }

    /** Who ended the wait: the last approver, the denier, the requester (withdrawn) or the gateway (expired). */
    public synchronized Optional<Identity> decidedBy() {
        return Optional.ofNullable(decidedBy);
    }

    /** The time-boxed grant this approval created, if any. */
    public synchronized Optional<Grant> grant() {
        return Optional.ofNullable(grant);
    }

    synchronized void addVote(ApproverVote vote, String approverKey, Duration grantRequest) {
        votes.add(vote);
        if (grantRequest != null) {
            grantRequests.put(approverKey, grantRequest);
        }
    }

    synchronized Map<String, Duration> grantRequests() {
        return Map.copyOf(grantRequests);
    }

    synchronized void expireWith(ScheduledFuture<?> task) {
        expiry = task;
    }

    /** Records the end; the caller completes {@link #decision()} afterwards. */
    synchronized void markDecided(Instant at, Identity by, Grant created) {
        decidedAt = at;
        decidedBy = by;
        grant = created;
        if (expiry != null) {
            expiry.cancel(false);
            expiry = null;
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof PendingApproval that && id.equals(that.id);
    }

    @Override
    public int hashCode() {
        return id.hashCode();
    }

    @Override
    public String toString() {
        return "PendingApproval[" + id + "]";
    }
}
