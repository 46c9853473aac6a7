package dev.tracegate.gateway.identity;

import java.time.Instant;

/**
 * JWT NumericDate claims (seconds since the epoch, RFC 7519) read as instants. A signed token may
 * still carry a number no instant can hold ({@code 1e300}); that is a refusal of the token, not a
 * failure of the gateway.
 */
final class NumericDates {

    private NumericDates() {
    }

    static Instant of(Number seconds, String claim) throws AuthenticationException {
        double value = seconds.doubleValue();
        if (!Double.isFinite(value) || value < Instant.MIN.getEpochSecond() || value > Instant.MAX.getEpochSecond()) {
            throw new AuthenticationException(claim + " is not a date");
        }
        return Instant.ofEpochSecond(seconds.longValue());
    }
}
