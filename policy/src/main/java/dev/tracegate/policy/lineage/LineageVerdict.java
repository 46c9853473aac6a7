package dev.tracegate.policy.lineage;

/**
 * Whether a masked caller's statement may run.
 *
 * @param allowed           whether it may
 * @param reason            why not, and what to do instead; {@code null} when allowed
 * @param catalogMayBeStale refused because a name was not in the catalog snapshot: the caller should
 *                          check again against a fresh one before refusing
 */
public record LineageVerdict(boolean allowed, String reason, boolean catalogMayBeStale) {

    public static final LineageVerdict ALLOWED = new LineageVerdict(true, null, false);

    public static LineageVerdict refused(String reason) {
        return new LineageVerdict(false, reason, false);
    }

    static LineageVerdict of(LineageRefusal refusal) {
        return new LineageVerdict(false, refusal.reason(), refusal.catalogMayBeStale());
    }
}
