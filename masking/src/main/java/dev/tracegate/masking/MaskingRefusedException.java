package dev.tracegate.masking;

/**
 * The masker refused a value or document: a fallback configured as REFUSE, JSON that does not parse,
 * or JSON nested too deep. The message names the location and the reason, never any content (parser
 * messages, which quote the input, are not passed on). Output written before the refusal is
 * incomplete and must be discarded, not completed.
 */
public final class MaskingRefusedException extends RuntimeException {

    private final FallbackReason reason;
    private final String location;

    public MaskingRefusedException(FallbackReason reason, String location, String detail) {
        super("masking refused " + location + ": " + detail, null, false, false);
        this.reason = reason;
        this.location = location;
    }

    public FallbackReason reason() {
        return reason;
    }

    public String location() {
        return location;
    }
}
