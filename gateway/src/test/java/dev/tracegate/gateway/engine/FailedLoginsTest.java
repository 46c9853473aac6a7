package dev.tracegate.gateway.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracegate.gateway.evidence.SourceAddress;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Refusals past an address's allowance are answered late; other addresses have their own, and it is given back over a minute. */
class FailedLoginsTest {

    private final AtomicLong now = new AtomicLong(5 * 60_000_000_000L);
    private final FailedLogins failed = new FailedLogins(3, 1500, now::get);
    private final SourceAddress guesser = SourceAddress.parse("203.0.113.7");
    private final SourceAddress colleague = SourceAddress.parse("198.51.100.2");

    @Test
    void refusalsPastTheAllowanceAreAnsweredLate() {
        for (int i = 0; i < 3; i++) {
            assertThat(failed.refusedDelayMillis(guesser)).isZero();
        }
        assertThat(failed.refusedDelayMillis(guesser)).isEqualTo(1500);
        assertThat(failed.refusedDelayMillis(colleague)).as("another address has its own allowance").isZero();
    }

    @Test
    void aMinuteLaterTheAllowanceIsWholeAgain() {
        for (int i = 0; i < 5; i++) {
            failed.refusedDelayMillis(guesser);
        }
        now.addAndGet(60_000_000_000L);
        for (int i = 0; i < 3; i++) {
            assertThat(failed.refusedDelayMillis(guesser)).isZero();
        }
        assertThat(failed.refusedDelayMillis(guesser)).isEqualTo(1500);
    }

    /**
     * Counted in calendar minutes, three refusals just before a minute's turn were forgotten just
     * after it: a guesser got twice the allowance, and RefusedCredentialsAtTheApiTest failed in CI
     * when its refusals fell on both sides of one.
     */
    @Test
    void refusalsOnBothSidesOfAMinutesTurnShareOneAllowance() {
        now.set(6 * 60_000_000_000L - 500_000_000L);
        for (int i = 0; i < 3; i++) {
            assertThat(failed.refusedDelayMillis(guesser)).isZero();
        }
        now.addAndGet(1_000_000_000L);
        assertThat(failed.refusedDelayMillis(guesser)).isEqualTo(1500);
        now.addAndGet(20_000_000_000L);
        assertThat(failed.refusedDelayMillis(guesser)).as("a third of a minute gives one back").isZero();
        assertThat(failed.refusedDelayMillis(guesser)).isEqualTo(1500);
    }

    @Test
    void anUnknownAddressIsNeverDelayed() {
        for (int i = 0; i < 10; i++) {
            assertThat(failed.refusedDelayMillis(null)).isZero();
        }
    }
}
