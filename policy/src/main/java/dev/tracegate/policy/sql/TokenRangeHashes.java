package dev.tracegate.policy.sql;

/**
 * Hashes of any run of a span's tokens (kinds and texts) in O(1), from running hashes taken once:
 * the condition analysis compares predicates by their operands without building strings of them,
 * so a long condition nested in brackets costs no more than its length.
 */
final class TokenRangeHashes {

    private static final long BASE = 0x9E3779B97F4A7C15L;

    private final long[] prefix;
    private final long[] power;

    TokenRangeHashes(TokenSpan span) {
        int n = span.size();
        prefix = new long[n + 1];
        power = new long[n + 1];
        power[0] = 1;
        for (int i = 0; i < n; i++) {
            SqlToken token = span.get(i);
            prefix[i + 1] = prefix[i] * BASE + token.kind().ordinal() * 1_000_003L + token.text().hashCode();
            power[i + 1] = power[i] * BASE;
        }
    }

    /** The hash of the tokens in {@code [start, end)}; equal runs hash equal. */
    long hash(int start, int end) {
        return prefix[end] - prefix[start] * power[end - start];
    }
}
