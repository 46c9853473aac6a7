package dev.tracegate.gateway.approval;

import dev.tracegate.gateway.identity.ActiveKeys;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Which earlier votes still count when a request is decided. A voter was an approver through the
 * groups of the sign-in they voted with; once that sign-in has ended (an OIDC token's expiry, a
 * console session's end) or its key was revoked (a service-account key, an API key no longer
 * configured), nothing vouches that they still are one: their group may have been taken away at
 * the identity provider meanwhile. Such a vote lapses rather than deciding anything.
 *
 * @param counted the votes that still count, in the order cast
 * @param lapsed  the votes that no longer do, each with why
 */
record VoteStanding(List<ApproverVote> counted, List<LapsedVote> lapsed) {

    VoteStanding {
        counted = List.copyOf(counted);
        lapsed = List.copyOf(lapsed);
    }

    static VoteStanding of(List<ApproverVote> votes, Instant now, ActiveKeys activeKeys) {
        List<ApproverVote> counted = new ArrayList<>();
        List<LapsedVote> lapsed = new ArrayList<>();
        for (ApproverVote vote : votes) {
            String why = SignInStanding.lapse(vote.signIn(), now, activeKeys, "cast");
            if (why == null) {
                counted.add(vote);
            } else {
                lapsed.add(new LapsedVote(vote, why));
            }
        }
        return new VoteStanding(counted, lapsed);
    }
}
