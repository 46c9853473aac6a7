package dev.tracegate.gateway.approval;

/**
 * A grant that has not expired but covers nothing more: a sign-in one of its approvers approved
 * with ended or its key was revoked ({@link Grant}). Recorded with the command it would have let
 * through, which waits for approvers instead.
 *
 * @param grant the grant as it was given
 * @param why   what ended its standing
 */
public record LapsedGrant(Grant grant, String why) {
}
