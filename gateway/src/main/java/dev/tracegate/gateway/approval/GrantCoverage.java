package dev.tracegate.gateway.approval;

import java.util.List;
import java.util.Optional;

/**
 * What the grants for a held command say: the one that lets it run without asking, if any, and
 * those that would have but no longer stand, so the evidence says why the command was held.
 *
 * @param covering the standing grant that covers the command, if one does
 * @param lapsed   unexpired grants for the command whose approvers' sign-ins no longer stand
 */
public record GrantCoverage(Optional<Grant> covering, List<LapsedGrant> lapsed) {

    public static final GrantCoverage NONE = new GrantCoverage(Optional.empty(), List.of());

    public GrantCoverage {
        lapsed = List.copyOf(lapsed);
    }
}
