package dev.tracegate.gateway.approval;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** One approval request and its votes so far; {@link #decision()} completes when it is decided. */
public final class PendingApproval {

    private final String id;
    private final ApprovalRequest request;
    private final Instant requestedAt;
    private final Instant expiresAt;
    private final CompletableFuture<ApprovalDecision> decision = new CompletableFuture<>();
    private final List<ApproverVote> votes = new ArrayList<>();

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

    public CompletableFuture<ApprovalDecision> decision() {
        return decision;
    }

    public synchronized List<ApproverVote> votes() {
        return List.copyOf(votes);
    }

    synchronized void addVote(ApproverVote vote) {
        votes.add(vote);
    }

    public boolean decided() {
        return decision.isDone();
    }
}
