package dev.tracegate.gateway.identity;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.tracegate.gateway.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.junit.jupiter.api.Test;

class VerifiedSignaturesTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-05T12:00:00Z"));
    private final VerifiedSignatures signatures = new VerifiedSignatures(clock);
    private final Object key = new Object();

    @Test
    void aTokenIsKnownOnlyByItsExactBytesAndWithTheKeyThatVerifiedIt() {
        VerifiedJwt jwt = expiringIn(Duration.ofMinutes(5));
        signatures.remember("header.claims.signature", jwt);

        assertThat(signatures.verified("header.claims.signature")).isSameAs(jwt);
        assertThat(signatures.verified("header.claims.signature").verifiedBy(key)).isTrue();
        assertThat(signatures.verified("header.claims.signature").verifiedBy(new Object())).as("another key").isFalse();
        assertThat(signatures.verified("header.claims.signaturf")).as("other bytes").isNull();
    }

    @Test
    void aRememberedSignatureEndsWithItsTokensExpiry() {
        signatures.remember("t", expiringIn(Duration.ofMinutes(5)));
        clock.advance(Duration.ofMinutes(5));

        assertThat(signatures.verified("t")).isNull();
        assertThat(signatures.size()).as("dropped when found expired").isZero();
    }

    @Test
    void tokensWithoutAnExpiryOrAlreadyExpiredAreNotRemembered() {
        signatures.remember("endless", new VerifiedJwt(key, new JWSHeader(JWSAlgorithm.EdDSA), new JWTClaimsSet.Builder().build()));
        signatures.remember("expired", expiringIn(Duration.ZERO));

        assertThat(signatures.verified("endless")).isNull();
        assertThat(signatures.verified("expired")).isNull();
    }

    @Test
    void theMemoryIsBounded() {
        VerifiedJwt jwt = expiringIn(Duration.ofMinutes(5));
        for (int i = 0; i <= VerifiedSignatures.CAPACITY; i++) {
            signatures.remember("token-" + i, jwt);
        }

        assertThat(signatures.size()).isLessThanOrEqualTo(VerifiedSignatures.CAPACITY);
        assertThat(signatures.verified("token-" + VerifiedSignatures.CAPACITY)).as("the newest is kept").isSameAs(jwt);
    }

    private VerifiedJwt expiringIn(Duration lifetime) {
        return new VerifiedJwt(key, new JWSHeader(JWSAlgorithm.EdDSA),
                new JWTClaimsSet.Builder().expirationTime(Date.from(clock.instant().plus(lifetime))).build());
    }
}
