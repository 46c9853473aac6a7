package dev.tracegate.gateway.engine;

import java.util.List;

/**
 * A value a command runs with that approvers would not see whole: the evidence keeps such a value
 * by its size only (a PostgreSQL bind value over 4 KiB) or cut short (MySQL long data over 64 KiB),
 * so approvers would be asked about a run they cannot read. The gate refuses such a run from
 * approval rather than ask ({@link CommandGate#admit(dev.tracegate.gateway.recording.SessionRecorder,
 * long, dev.tracegate.gateway.guard.Ruling, List)}). A digest is no way out: approvers cannot read a
 * digest either, and one of a value known but for a card number would confirm a guess.
 *
 * @param position   the parameter's position, from 1 as {@code $1} counts
 * @param bytes      the value's size
 * @param shownBytes the most of one value approvers are shown
 */
public record UnshownValue(int position, long bytes, long shownBytes) {

    /** Why a run with these values is not put to approvers, for the client and the evidence. */
    static String reason(List<UnshownValue> unshown) {
        UnshownValue first = unshown.getFirst();
        return "parameter " + first.position + " is " + first.bytes + " bytes, more than approvers are shown ("
                + first.shownBytes + " bytes), so they cannot approve this run; bind a shorter value or ask an"
                + " approver for a grant";
    }
}
