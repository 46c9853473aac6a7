package dev.tracegate.masking;

/**
 * Bounds on the work spent on one value, and what happens beyond them.
 *
 * @param maxCellChars longest value scanned, in characters (bytes for {@link ColumnMasker#maskUtf8});
 *                     also the longest JSON string value scanned inside a document
 * @param maxJsonDepth deepest JSON nesting accepted; deeper documents are refused, never truncated
 * @param overLimit    for values over a limit, unparseable JSON in a cell, and exhausted scan budgets:
 *                     REDACT, NULLIFY or REFUSE (never PASS: the value was not scanned)
 * @param invalidUtf8  for cell bytes that are not UTF-8: REDACT, NULLIFY, PASS or REFUSE
 * @param unmaskable   for values a column rule or detector would look at but that arrive in a form
 *                     the masker cannot read (a binary-format cell of a type without a text
 *                     decoding, such as a composite or an array): NULLIFY or PASS
 */
public record Limits(int maxCellChars, int maxJsonDepth, FallbackAction overLimit, FallbackAction invalidUtf8,
        FallbackAction unmaskable) {

    public static final int DEFAULT_MAX_CELL_CHARS = 1 << 20;
    public static final int DEFAULT_MAX_JSON_DEPTH = 1000;
    /** Beyond this, nesting costs more memory than any honest document needs. */
    public static final int HARD_MAX_JSON_DEPTH = 10_000;

    public static final Limits DEFAULT = new Limits(DEFAULT_MAX_CELL_CHARS, DEFAULT_MAX_JSON_DEPTH,
            FallbackAction.REDACT, FallbackAction.REDACT, FallbackAction.NULLIFY);

    public Limits {
        if (maxCellChars < 1) {
            throw new IllegalArgumentException("limits.maxCellChars must be positive");
        }
        if (maxJsonDepth < 1 || maxJsonDepth > HARD_MAX_JSON_DEPTH) {
            throw new IllegalArgumentException("limits.maxJsonDepth must be between 1 and " + HARD_MAX_JSON_DEPTH);
        }
        if (overLimit == null || overLimit == FallbackAction.PASS) {
            throw new IllegalArgumentException(
                    "limits.overLimit must be redact, nullify or refuse: an unscanned value may hold personal data");
        }
        if (unmaskable != FallbackAction.NULLIFY && unmaskable != FallbackAction.PASS) {
            throw new IllegalArgumentException("limits.unmaskable must be nullify or pass");
        }
        if (invalidUtf8 == null) {
            throw new IllegalArgumentException("limits.invalidUtf8 must be redact, nullify, pass or refuse");
        }
    }
}
