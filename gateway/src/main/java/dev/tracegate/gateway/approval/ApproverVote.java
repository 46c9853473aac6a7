package dev.tracegate.gateway.approval;

import dev.tracegate.gateway.identity.Identity;
import java.time.Instant;

/** One approver's yes, with their reason. */
public record ApproverVote(Identity approver, String reason, Instant at) {
}
