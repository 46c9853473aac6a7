package dev.tracegate.gateway.identity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracegate.gateway.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class VerifiedSignaturesTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-05T12:00:00Z"));
    private final VerifiedSignatures signatures = new VerifiedSignatures(clock);
    private final Object key = new Object();

    @Test
    void aTokenIsKnownOnlyAsVerifiedByTheKeyThatVerifiedIt() {
        signatures.remember("header.claims.signature", key, clock.instant().plus(Duration.ofMinutes(5)));

        assertThat(signatures.verified("header.claims.signature", key)).isTrue();
        assertThat(signatures.verified("header.claims.signature", new Object())).as("another key").isFalse();
        assertThat(signatures.verified("header.claims.signaturf", key)).as("other bytes").isFalse();
    }

    @Test
    void aRememberedSignatureEndsWithItsTokensExpiry() {
        signatures.remember("t", key, clock.instant().plus(Duration.ofMinutes(5)));
        clock.advance(Duration.ofMinutes(5));

        assertThat(signatures.verified("t", key)).isFalse();
        assertThat(signatures.size()).as("dropped when found expired").isZero();
    }

    @Test
    void tokensWithoutAnExpiryOrAlreadyExpiredAreNotRemembered() {
        signatures.remember("endless", key, null);
        signatures.remember("expired", key, clock.instant());

        assertThat(signatures.verified("endless", key)).isFalse();
        assertThat(signatures.verified("expired", key)).isFalse();
    }

    @Test
    void theMemoryIsBounded() {
        Instant later = clock.instant().plus(Duration.ofMinutes(5));
        for (int i = 0; i <= VerifiedSignatures.CAPACITY; i++) {
            signatures.remember("token-" + i, key, later);
        }

        assertThat(signatures.size()).isLessThanOrEqualTo(VerifiedSignatures.CAPACITY);
        assertThat(signatures.verified("token-" + VerifiedSignatures.CAPACITY, key)).as("the newest is kept").isTrue();
    }
}
