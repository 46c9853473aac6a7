package dev.tracegate.gateway.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracegate.gateway.evidence.SourceAddress;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Refusals past an address's allowance are answered late; other addresses and the next minute start afresh. */
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
    void theNextMinuteStartsAfresh() {
        for (int i = 0; i < 5; i++) {
            failed.refusedDelayMillis(guesser);
        }
        now.addAndGet(60_000_000_000L);
        assertThat(failed.refusedDelayMillis(guesser)).isZero();
    }

    @Test
    void anUnknownAddressIsNeverDelayed() {
        for (int i = 0; i < 10; i++) {
            assertThat(failed.refusedDelayMillis(null)).isZero();
        }
    }
}
