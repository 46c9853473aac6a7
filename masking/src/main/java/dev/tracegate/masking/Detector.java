package dev.tracegate.masking;

import java.util.List;

/**
 * Finds entities of one kind in a text. Implementations are immutable and thread-safe, run in time
 * linear in the text's length, and are cheap on text without candidates: each one looks for a
 * character its entity cannot do without (an {@code @}, a digit, ...) before doing any real work.
 */
public interface Detector {

    /** The kind of entity this detector reports. */
    EntityType type();

    /**
     * Whether this detector can find anything at all in a text with these facts; the scanner skips
     * it when not. The default, {@code true}, is always correct.
     */
    default boolean mayMatch(TextFacts facts) {
        return true;
    }

    /** Appends every match in {@code text} to {@code out}, in order of start, without overlaps of its own. */
    void find(CharSequence text, List<Match> out);
}
