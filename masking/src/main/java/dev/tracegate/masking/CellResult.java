package dev.tracegate.masking;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The masker's answer for one value.
 *
 * @param value    the value to send when {@link CellOutcome#replacesValue()}; {@code null} means NULL.
 *                 For UNCHANGED and PASSED_UNSCANNED it is the input (or {@code null} for bytes input)
 * @param findings entity label (EMAIL, CARD, CUSTOM:employee_id, ...) to the number masked in this value
 * @param fallback why the value was not scanned, or {@code null}
 */
public record CellResult(String value, CellOutcome outcome, Map<String, Integer> findings, FallbackReason fallback) {

    public CellResult {
        findings = Map.copyOf(findings);
    }

    static CellResult unchanged(String value) {
        return new CellResult(value, CellOutcome.UNCHANGED, Map.of(), null);
    }

    public boolean changed() {
        return outcome.replacesValue();
    }

    /** The new value as UTF-8 bytes for the wire, or {@code null} for NULL. */
    public byte[] utf8() {
        return value == null ? null : value.getBytes(StandardCharsets.UTF_8);
    }
}
