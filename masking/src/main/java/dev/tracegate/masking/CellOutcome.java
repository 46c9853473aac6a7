package dev.tracegate.masking;

/** What the masker did to one value. */
public enum CellOutcome {
    /** Nothing to mask; the caller keeps the original value (or bytes) as they were. */
    UNCHANGED,
    /** Entities were masked; {@link CellResult#value()} is the new value ({@code null} means NULL). */
    MASKED,
    /** The value could not be scanned and the profile's fallback replaced it; see {@link CellResult#fallback()}. */
    FALLBACK,
    /** The value could not be scanned and the profile lets such values through unchanged (invalid UTF-8 only). */
    PASSED_UNSCANNED;

    /** Whether the caller must write {@link CellResult#value()} instead of the original. */
    public boolean replacesValue() {
        return this == MASKED || this == FALLBACK;
    }
}
