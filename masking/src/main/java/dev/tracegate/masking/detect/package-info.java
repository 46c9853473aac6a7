/**
 * The built-in content detectors. Each one scans a text once, looks for a cheap trigger character
 * first, and validates a candidate with the entity's own rules (checksums, issuer ranges, number
 * plans, boundaries and nearby words) rather than with backtracking regular expressions.
 */
package dev.tracegate.masking.detect;
