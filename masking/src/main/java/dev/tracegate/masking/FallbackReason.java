package dev.tracegate.masking;

/** Why a value could not be scanned, so that the profile's fallback applied to all of it. */
public enum FallbackReason {
    /** Longer than {@link Limits#maxCellChars()}. */
    OVERSIZED,
    /** A detector would have needed more work than its budget (a crafted text, a backtracking pattern). */
    SCAN_BUDGET,
    /** Bytes that are not valid UTF-8: never decoded with replacement characters and masked as misread text. */
    INVALID_UTF8,
    /** A JSON value that does not parse. */
    INVALID_JSON,
    /** JSON nested deeper than {@link Limits#maxJsonDepth()}. */
    TOO_DEEP,
    /** A value in a form the masker cannot read, such as a binary-format cell of a composite type. */
    UNMASKABLE
}
