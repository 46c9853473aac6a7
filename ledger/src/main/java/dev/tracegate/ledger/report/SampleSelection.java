package dev.tracegate.ledger.report;

import dev.tracegate.ledger.merkle.MerkleHashes;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;

/**
 * Picks a reproducible sample: each member's key is the hex SHA-256 of {@code seed + "\n" + id},
 * and the sample is the {@code n} members with the smallest keys. Anyone can redo it with the seed
 * and the population, e.g. {@code printf '%s\n%s' "$SEED" "$ID" | sha256sum}, and nobody can steer
 * it without changing the seed the report states.
 */
final class SampleSelection {
    private SampleSelection() {}

    static String key(String seed, String id) {
        return HexFormat.of().formatHex(MerkleHashes.newSha256().digest((seed + "\n" + id).getBytes(StandardCharsets.UTF_8)));
    }

    static List<String> pick(List<String> population, String seed, int n) {
        return population.stream()
                .sorted(Comparator.comparing((String id) -> key(seed, id)).thenComparing(Comparator.naturalOrder()))
                .limit(n).toList();
    }
}
