package dev.tracegate.ledger.bundle;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Optional;

/**
 * How current an auditor requires a bundle to be. A whole, genuine bundle exported earlier is
 * still whole and genuine: nothing in its events or proofs shows that the log has grown since, so
 * a bundle handed over in place of a newer one (a rollback) verifies unless the auditor says what
 * they expect. They can state it three ways: an earlier checkpoint they kept, which this bundle must
 * extend ({@code --since-checkpoint}); how many events the log must at least hold
 * ({@code --min-size}); and how recently the export must have signed its checkpoint
 * ({@code --not-before}, against the time the signed manifest states, {@link ManifestNote#CHECKPOINT_AT}).
 *
 * @param minTreeSize the checkpoint must hold at least this many events; 0 for any
 * @param notBefore   the export must have signed its checkpoint at or after this time
 */
public record RequiredFreshness(long minTreeSize, Optional<Instant> notBefore) {

    public RequiredFreshness {
        if (minTreeSize < 0) {
            throw new IllegalArgumentException("a minimum tree size cannot be negative: " + minTreeSize);
        }
        notBefore = notBefore == null ? Optional.empty() : notBefore;
    }

    /**
     * A time as an auditor writes it: an ISO-8601 instant ({@code 2026-12-05T09:00:00Z}), or a date,
     * meaning its first instant in UTC.
     *
     * @throws java.time.format.DateTimeParseException when it is neither
     */
    public static Instant time(String text) {
        return text.contains("T") ? Instant.parse(text) : LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    /** No requirement beyond what the bundle itself proves. */
    public static RequiredFreshness any() {
        return new RequiredFreshness(0, Optional.empty());
    }
}
