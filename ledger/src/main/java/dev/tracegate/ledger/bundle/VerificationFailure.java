package dev.tracegate.ledger.bundle;

import java.util.OptionalLong;

/**
 * The first thing in a bundle that did not verify: the file, the 1-based line within it when the
 * failure is about one line, the event index when it is about one event, and why.
 */
public record VerificationFailure(String file, OptionalLong line, OptionalLong eventIndex, String reason) {
    static VerificationFailure of(String file, String reason) {
        return new VerificationFailure(file, OptionalLong.empty(), OptionalLong.empty(), reason);
    }

    static VerificationFailure atLine(String file, long line, String reason) {
        return new VerificationFailure(file, OptionalLong.of(line), OptionalLong.empty(), reason);
    }

    static VerificationFailure atEvent(String file, long line, long eventIndex, String reason) {
        return new VerificationFailure(file, OptionalLong.of(line), OptionalLong.of(eventIndex), reason);
    }

    /** {@code events.jsonl line 17 (event index 16): reason}. */
    public String describe() {
        StringBuilder where = new StringBuilder(file);
        line.ifPresent(n -> where.append(" line ").append(n));
        eventIndex.ifPresent(i -> where.append(" (event index ").append(i).append(')'));
        return where + ": " + reason;
    }
}
