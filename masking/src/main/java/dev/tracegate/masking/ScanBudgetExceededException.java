package dev.tracegate.masking;

/**
 * Thrown by a detector that would need more work on one text than its budget allows: a text crafted
 * to make every position a candidate, or a custom pattern that backtracks. The masker does not pass
 * such a text: it applies the profile's fallback to the whole value and reports {@link
 * FallbackReason#SCAN_BUDGET}. Carries no stack trace and never any part of the text.
 */
public final class ScanBudgetExceededException extends RuntimeException {

    public ScanBudgetExceededException(String detector) {
        super(detector + " exceeded its work budget for one value", null, false, false);
    }
}
