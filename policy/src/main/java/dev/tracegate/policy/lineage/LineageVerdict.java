package dev.tracegate.policy.lineage;

/**
 * Whether a masked caller's statement may run.
 *
 * @param allowed           whether it may
 * @param reason            why not, and what to do instead; {@code null} when allowed
 * @param catalogMayBeStale refused because a name was not in the catalog snapshot: the caller should
 *                          check again against a fresh one before refusing
 * @param computesOnProtected allowed, and it may compute on protected values the profile grants
 *                          {@code any} on (or run a prepared statement or cursor that may): the
 *                          server's errors then quote the values a cast or function failed on
 *                          ({@code invalid input syntax for type integer: "Ada Lovelace"}), so their
 *                          text must not reach the caller; also a MySQL write that may fire a trigger,
 *                          whose {@code SIGNAL} can quote any row ({@link TriggeredWrite})
 */
public record LineageVerdict(boolean allowed, String reason, boolean catalogMayBeStale, boolean computesOnProtected) {

    public static final LineageVerdict ALLOWED = new LineageVerdict(true, null, false, false);
    public static final LineageVerdict ALLOWED_COMPUTING = new LineageVerdict(true, null, false, true);

    public static LineageVerdict refused(String reason) {
        return new LineageVerdict(false, reason, false, false);
    }

    static LineageVerdict of(LineageRefusal refusal) {
        return new LineageVerdict(false, refusal.reason(), refusal.catalogMayBeStale(), false);
    }
}
