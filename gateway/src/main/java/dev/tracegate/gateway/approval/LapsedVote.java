package dev.tracegate.gateway.approval;

/**
 * An earlier vote that no longer counts when a later vote would decide: its voter's sign-in ended
 * or its key was revoked, so nothing vouches any more that they hold the approver group they voted
 * through. Recorded in the deciding event, and dropped so the voter may vote again.
 *
 * @param vote the vote as it was cast
 * @param why  what ended its standing
 */
public record LapsedVote(ApproverVote vote, String why) {
}
