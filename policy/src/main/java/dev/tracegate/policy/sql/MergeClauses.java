package dev.tracegate.policy.sql;

import java.util.Optional;

/**
 * The WHEN clauses of a MERGE, read in one pass over the statement's own level:
 * {@code WHEN [NOT] MATCHED [BY SOURCE | BY TARGET] [AND condition] THEN action}, with the action
 * UPDATE, DELETE, INSERT or DO NOTHING.
 *
 * <p>Brackets and {@code CASE ... END} are stepped over whole (through {@link TokenSpan}'s pairs),
 * so a CASE in a clause's condition or in an UPDATE's SET list cannot pass for a clause of its
 * own, and a MERGE with any number of clauses costs time linear in its length. A WHEN or THEN out
 * of place, or an action that is none of the four, makes the MERGE unrecognised.
 *
 * @param firstWhen index of the first clause's WHEN: the ON condition ends there
 * @param changesMatched a WHEN MATCHED clause updates or deletes
 * @param changesNotMatchedBySource a WHEN NOT MATCHED BY SOURCE clause updates or deletes target rows
 *     the source does not mention
 */
record MergeClauses(int firstWhen, boolean changesMatched, boolean changesNotMatchedBySource) {

    private enum Match { MATCHED, NOT_MATCHED_BY_SOURCE, NOT_MATCHED_BY_TARGET }

    /** The clauses after the ON at {@code conditionStart}; empty when they are not what MERGE allows. */
    static Optional<MergeClauses> read(TokenSpan t, int conditionStart) {
        int firstWhen = -1;
        Match pending = null;
        boolean changesMatched = false;
        boolean changesNotMatchedBySource = false;
        for (int i = conditionStart; i < t.size(); i++) {
            if (t.isOpening(i)) {
                i = t.closing(i);
            } else if (t.isWord(i, "case")) {
                i = t.caseEnd(i);
            } else if (t.isWord(i, "when")) {
                if (pending != null) {
                    return Optional.empty();
                }
                pending = match(t, i + 1);
                if (pending == null) {
                    return Optional.empty();
                }
                firstWhen = firstWhen < 0 ? i : firstWhen;
            } else if (t.isWord(i, "then")) {
                if (pending == null) {
                    return Optional.empty();
                }
                String action = t.word(i + 1);
                if (!action.equals("update") && !action.equals("delete") && !action.equals("insert")
                        && !(action.equals("do") && t.isWord(i + 2, "nothing"))) {
                    return Optional.empty();
                }
                boolean changes = action.equals("update") || action.equals("delete");
                changesMatched |= changes && pending == Match.MATCHED;
                changesNotMatchedBySource |= changes && pending == Match.NOT_MATCHED_BY_SOURCE;
                pending = null;
            }
        }
        if (firstWhen < 0 || pending != null) {
            return Optional.empty();
        }
        return Optional.of(new MergeClauses(firstWhen, changesMatched, changesNotMatchedBySource));
    }

    /** What the clause at {@code i} (just after WHEN) matches, or null when it is not a MERGE clause. */
    private static Match match(TokenSpan t, int i) {
        if (t.isWord(i, "matched")) {
            return Match.MATCHED;
        }
        if (!t.isWord(i, "not") || !t.isWord(i + 1, "matched")) {
            return null;
        }
        if (!t.isWord(i + 2, "by")) {
            return Match.NOT_MATCHED_BY_TARGET;
        }
        return switch (t.word(i + 3)) {
            case "source" -> Match.NOT_MATCHED_BY_SOURCE;
            case "target" -> Match.NOT_MATCHED_BY_TARGET;
            default -> null;
        };
    }
}
