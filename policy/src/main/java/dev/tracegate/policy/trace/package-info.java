/**
 * Reasoning-trace context that clients claim: W3C {@code traceparent} in sqlcommenter comments,
 * HTTP headers and application names. Recorded with the evidence, never used for a decision.
 */
package dev.tracegate.policy.trace;
