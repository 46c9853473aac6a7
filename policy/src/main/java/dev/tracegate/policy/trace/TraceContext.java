package dev.tracegate.policy.trace;

/**
 * A W3C trace context claimed by the client in a sqlcommenter comment. It is a claim: record it,
 * never base an access decision on it.
 *
 * @param traceId 32 lowercase hex digits, not all zero
 * @param spanId 16 lowercase hex digits (the client's parent span), not all zero
 * @param flags 2 lowercase hex digits; bit 0 is "sampled"
 */
public record TraceContext(String traceId, String spanId, String flags) {

    public boolean sampled() {
        return (Integer.parseInt(flags, 16) & 1) == 1;
    }
}
