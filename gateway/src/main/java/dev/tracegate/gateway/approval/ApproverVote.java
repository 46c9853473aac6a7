package dev.tracegate.gateway.approval;

import dev.tracegate.gateway.identity.Identity;
import dev.tracegate.gateway.identity.SignIn;
import java.time.Instant;

/**
 * One approver's yes, with their reason.
 *
 * @param signIn the sign-in the vote was cast with, whose groups made the voter an approver: the
 *               vote counts only while it stands ({@link VoteStanding}); null for a vote stored
 *               before votes kept it, which no longer counts
 */
public record ApproverVote(Identity approver, String reason, Instant at, SignIn signIn) {
}
