package dev.tracegate.gateway.recording;

import dev.tracegate.masking.MaskingSummary;

/**
 * What a command's response data contributes to the evidence, beyond its status and counts.
 *
 * @param data      the kept response data, already masked (JSON Lines for SQL results), or {@code null}
 * @param rowsKept  rows (or records) in {@code data}
 * @param truncated whether data was left out for the size budget
 * @param masking   what the caller's masking profile did, or {@code null} when the caller saw clear text
 * @param recorded  what was masked in the kept data alone, when the caller saw clear text; {@code null} otherwise
 * @param requestData the kept request body, masked (HTTP), or {@code null}
 * @param format    what {@code data} is: {@code jsonl} for SQL rows, the content type for HTTP bodies
 */
public record ResultEvidence(byte[] data, long rowsKept, boolean truncated, MaskingApplied masking,
                             MaskingSummary recorded, byte[] requestData, String format) {

    /** SQL result rows, kept as JSON Lines. */
    public ResultEvidence(byte[] data, long rowsKept, boolean truncated, MaskingApplied masking, MaskingSummary recorded) {
        this(data, rowsKept, truncated, masking, recorded, null, "jsonl");
    }

    /**
     * One masking profile's work on one command.
     *
     * @param rule    the policy rule that chose the profile
     * @param profile the profile's name
     * @param summary columns or fields, entity types and counts; never a value
     */
    public record MaskingApplied(String rule, String profile, MaskingSummary summary) {
    }
}
